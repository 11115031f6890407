#!/usr/bin/env bash
# SASL_SSL (SCRAM-SHA-512) against PLAINTEXT on one broker: produce and consume MB/s, 1 KiB records.
#
#   tests/Fjord.Perf/security-compare.sh
#
# Needs the broker and the perf tool built in Release (dotnet build broker/src/Fjord.Broker -c Release;
# dotnet build tests/Fjord.Perf -c Release). Starts `./fjord.sh start` with one broker on a fresh FJORD_HOME
# and free ports, then runs SEC_ROUNDS rounds; each round produces to a fresh topic over both listeners and
# consumes each topic back over its own listener, alternating which listener goes first. Broker CPU comes from
# --broker-pid. Prints one line per run and a summary of the medians with the ratio SASL_SSL / PLAINTEXT;
# stops the broker (SIGINT to fjord.sh's process group) and removes FJORD_HOME at the end.
#
# Environment: SEC_ROUNDS [3], SEC_RECORDS [100000], SEC_PARTITIONS [4], SEC_ACKS [1], SEC_KEEP=1 keeps FJORD_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PERF_DLL="$ROOT/tests/Fjord.Perf/bin/Release/net10.0/Fjord.Perf.dll"
ROUNDS=${SEC_ROUNDS:-3} RECORDS=${SEC_RECORDS:-100000} PARTITIONS=${SEC_PARTITIONS:-4} ACKS=${SEC_ACKS:-1}
log() { printf '[security-compare] %s\n' "$*" >&2; }
[ -f "$PERF_DLL" ] || { log "build the perf tool first: dotnet build tests/Fjord.Perf -c Release"; exit 1; }

read -r plain_port sasl_port blob queue table <<<"$(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()
PY
)"
HOME_DIR=$(mktemp -d /tmp/fjord-security-compare.XXXXXX)
START_PID=

stop() {
  if [ -n "$START_PID" ] && kill -0 "$START_PID" 2>/dev/null; then
    log "stopping the broker (SIGINT to process group $START_PID)"
    kill -INT -- "-$START_PID" 2>/dev/null || true
    for _ in $(seq 1 600); do kill -0 "$START_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ "${SEC_KEEP:-0}" = 1 ]; then log "kept $HOME_DIR"; else rm -rf "$HOME_DIR"; fi
}
trap stop EXIT

log "starting one broker in $HOME_DIR (PLAINTEXT :$plain_port, SASL_SSL :$sasl_port)"
FJORD_HOME=$HOME_DIR FJORD_BROKERS=1 FJORD_SKIP_BUILD=1 FJORD_BROKER_PORT_BASE=$plain_port FJORD_SASL_SSL_PORT_BASE=$sasl_port \
  FJORD_BLOB_PORT=$blob FJORD_QUEUE_PORT=$queue FJORD_TABLE_PORT=$table setsid ./fjord.sh start >"$HOME_DIR/start.out" 2>"$HOME_DIR/start.err" &
START_PID=$!
for _ in $(seq 1 1200); do grep -q "Fjord is running" "$HOME_DIR/start.out" 2>/dev/null && break; kill -0 "$START_PID" 2>/dev/null || break; sleep 0.1; done
grep -q "Fjord is running" "$HOME_DIR/start.out" || { log "the broker did not start"; tail -30 "$HOME_DIR/start.err" >&2; exit 1; }
BROKER_PID=$(pgrep -f -- "log.dirs=$HOME_DIR/broker-0" | head -1)
log "broker pid $BROKER_PID"

declare -A BOOTSTRAP=([plaintext]="127.0.0.1:$plain_port" [sasl_ssl]="127.0.0.1:$sasl_port")
declare -A CONFIG=([plaintext]="" [sasl_ssl]="--command-config $HOME_DIR/client.properties")
RESULTS="$HOME_DIR/results.jsonl"; : >"$RESULTS"

run() { # mode kind round args...
  local mode=$1 kind=$2 round=$3; shift 3
  local line
  # shellcheck disable=SC2086
  line=$(dotnet "$PERF_DLL" "$kind" --bootstrap "${BOOTSTRAP[$mode]}" ${CONFIG[$mode]} --broker-pid "$BROKER_PID" --json "$@" 2>>"$HOME_DIR/perf.err" | grep '^{' | tail -1)
  printf '{"mode":"%s","kind":"%s","round":%s,"out":%s}\n' "$mode" "$kind" "$round" "$line" >>"$RESULTS"
  log "$kind $mode round $round: $(jq -c '.result | {mbPerSec: (.mbPerSec // .MbPerSec), fetch: (.fetchMbPerSec // null), cpu: .brokerCpu}' <<<"$line" 2>/dev/null || echo "$line")"
}

for ((r = 1; r <= ROUNDS; r++)); do
  order=(plaintext sasl_ssl); ((r % 2 == 0)) && order=(sasl_ssl plaintext)
  for mode in "${order[@]}"; do
    run "$mode" produce "$r" --topic "$mode-$r" --partitions "$PARTITIONS" --create-topic --record-size 1024 --num-records "$RECORDS" --acks "$ACKS" --timeout-sec 120
  done
  for mode in "${order[@]}"; do
    run "$mode" consume "$r" --topic "$mode-$r" --num-records "$RECORDS" --timeout-sec 120
  done
done

python3 - "$RESULTS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def field(d, *names):
    for n in names:
        for k, v in d.items():
            if k.lower() == n.lower(): return v
    return None
table = {}
for r in rows:
    res = field(r["out"], "result") or r["out"]
    mb = field(res, "mbPerSec")
    cpu = field(res, "brokerCpu") or {}
    table.setdefault((r["kind"], r["mode"]), []).append((mb, field(cpu, "cores"), field(cpu, "secPerGb")))
print("| case | PLAINTEXT MB/s (runs) | SASL_SSL MB/s (runs) | ratio of medians | broker cores plain / sasl_ssl | broker CPU s/GB plain / sasl_ssl |")
print("|---|---|---|---|---|---|")
for kind in ("produce", "consume"):
    p, s = table.get((kind, "plaintext"), []), table.get((kind, "sasl_ssl"), [])
    med = lambda xs, i: statistics.median([x[i] for x in xs if x[i] is not None]) if any(x[i] is not None for x in xs) else float("nan")
    runs = lambda xs: ", ".join(f"{x[0]:.1f}" for x in xs)
    print(f"| {kind} | {med(p,0):.1f} ({runs(p)}) | {med(s,0):.1f} ({runs(s)}) | {med(s,0)/med(p,0):.2f} | {med(p,1):.2f} / {med(s,1):.2f} | {med(p,2):.1f} / {med(s,2):.1f} |")
PY
