#!/usr/bin/env bash
# Fjord developer entry point.
#   ./fjord.sh start   start Azurite + brokers locally (installs what is missing); Ctrl-C stops all
#   ./fjord.sh test    run every test suite (what CI runs)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
STATE="${FJORD_HOME:-$ROOT/.fjord}"

log() { printf '[fjord] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

ensure_apt_package() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  log "installing $2 (apt)"
  as_root apt-get update -qq >/dev/null 2>&1 || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 || log "could not install $2"
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 && return 0
  log "the .NET 10 SDK is required (https://dot.net); install it and re-run"; exit 1
}

ensure_node() {
  if ! command -v npm >/dev/null 2>&1; then ensure_apt_package npm npm; fi
  command -v npm >/dev/null 2>&1 || { log "Node.js/npm is required for Azurite"; exit 1; }
}

ensure_azurite() {
  ensure_node
  if [ ! -x "$ROOT/node_modules/.bin/azurite" ]; then
    log "installing Azurite (npm, pinned in package.json)"
    (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo "$1"; }

cmd_start() {
  ensure_dotnet; ensure_azurite
  local brokers="${FJORD_BROKERS:-3}"
  mkdir -p "$STATE/azurite"
  local blob table queue
  blob="${FJORD_BLOB_PORT:-10000}"; queue="${FJORD_QUEUE_PORT:-10001}"; table="${FJORD_TABLE_PORT:-10002}"
  log "building the broker"
  dotnet build "$ROOT/broker/src/Fjord.Broker/Fjord.Broker.csproj" -c Release -v quiet -nologo >/dev/null
  local pids=()
  cleanup() {
    trap - EXIT INT TERM
    log "stopping"
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
  }
  trap cleanup EXIT INT TERM
  "$ROOT/node_modules/.bin/azurite" --silent --disableTelemetry --skipApiVersionCheck \
    --location "$STATE/azurite" --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" >"$STATE/azurite.log" 2>&1 &
  pids+=($!)
  local conn="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1"
  local bootstrap=()
  # Topics created without a replication factor get three replicas (or one per broker when fewer).
  local rf=$((brokers < 3 ? brokers : 3))
  for ((i = 0; i < brokers; i++)); do
    local port="${FJORD_BROKER_PORT_BASE:-9092}"; port=$((port + i))
    mkdir -p "$STATE/broker-$i"
    dotnet "$ROOT/broker/src/Fjord.Broker/bin/Release/net10.0/Fjord.Broker.dll" \
      --override node.id="$i" --override listeners="PLAINTEXT://127.0.0.1:$port" \
      --override log.dirs="$STATE/broker-$i" --override fjord.metadata.connection.string="$conn" \
      --override default.replication.factor="$rf" \
      >"$STATE/broker-$i.log" 2>&1 &
    pids+=($!)
    bootstrap+=("127.0.0.1:$port")
  done
  for ((i = 0; i < brokers; i++)); do
    local deadline=$((SECONDS + 60))
    until grep -q FJORD_BROKER_READY "$STATE/broker-$i.log" 2>/dev/null; do
      if ((SECONDS > deadline)); then log "broker $i did not start; see $STATE/broker-$i.log"; tail -20 "$STATE/broker-$i.log" >&2; exit 1; fi
      sleep 0.2
    done
  done
  local joined; joined=$(IFS=,; echo "${bootstrap[*]}")
  echo "Fjord is running (data in $STATE)"
  echo "  bootstrap.servers = $joined"
  echo "  Table/Blob storage = Azurite on 127.0.0.1:$table / :$blob"
  echo "  try: kcat -b $joined -L"
  echo "Ctrl-C stops everything."
  wait -n "${pids[@]}" || true
}

cmd_test() {
  ensure_dotnet; ensure_azurite; ensure_apt_package kcat kcat
  local results="$ROOT/TestResults"
  rm -rf "$results"
  local status=0
  dotnet build "$ROOT/Service.sln" -c Release -nologo -v quiet || exit 1
  dotnet test "$ROOT/Service.sln" -c Release --no-build -nologo \
    --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" \
    --blame-hang-timeout 10m "$@" || status=$?
  python3 - "$results" <<'PY' || true
import sys, glob, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find(".//{*}Counters")
    if c is None: continue
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    skipped += int(c.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
  return $status
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  test) shift; cmd_test "$@" ;;
  *) echo "usage: $0 start | test" >&2; exit 2 ;;
esac
