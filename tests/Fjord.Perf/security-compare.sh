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
# SEC_BEFORE_ROOT=DIR also starts a broker from DIR (a checkout, or a copy holding fjord.sh, node_modules and
# broker/src/Fjord.Broker/bin/Release) and measures both in the same rounds: before and after a broker change.
# Environment: SEC_ROUNDS [3], SEC_RECORDS [100000], SEC_PARTITIONS [4], SEC_ACKS [1], SEC_KEEP=1 keeps FJORD_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PERF_DLL="$ROOT/tests/Fjord.Perf/bin/Release/net10.0/Fjord.Perf.dll"
ROUNDS=${SEC_ROUNDS:-3} RECORDS=${SEC_RECORDS:-100000} PARTITIONS=${SEC_PARTITIONS:-4} ACKS=${SEC_ACKS:-1}
log() { printf '[security-compare] %s\n' "$*" >&2; }
[ -f "$PERF_DLL" ] || { log "build the perf tool first: dotnet build tests/Fjord.Perf -c Release"; exit 1; }

HOME_DIR=$(mktemp -d /tmp/fjord-security-compare.XXXXXX)
RESULTS="$HOME_DIR/results.jsonl"; : >"$RESULTS"
SIDES=(after); [ -n "${SEC_BEFORE_ROOT:-}" ] && SIDES=(before after)
declare -A ROOT_OF=([after]="$ROOT" [before]="${SEC_BEFORE_ROOT:-}") START_PID=() BROKER_PID=() BOOTSTRAP=() CONFIG=()

stop() {
  local side
  for side in "${!START_PID[@]}"; do
    local pid=${START_PID[$side]}
    kill -0 "$pid" 2>/dev/null || continue
    log "stopping $side (SIGINT to process group $pid)"
    kill -INT -- "-$pid" 2>/dev/null || true
  done
  for side in "${!START_PID[@]}"; do
    for _ in $(seq 1 900); do kill -0 "${START_PID[$side]}" 2>/dev/null || break; sleep 0.1; done
  done
  if [ "${SEC_KEEP:-0}" = 1 ]; then log "kept $HOME_DIR"; else rm -rf "$HOME_DIR"; fi
}
trap stop EXIT

for side in "${SIDES[@]}"; do
  read -r plain_port sasl_port blob queue table <<<"$(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()
PY
)"
  home="$HOME_DIR/$side"; mkdir -p "$home"
  log "starting $side (${ROOT_OF[$side]}): one broker in $home (PLAINTEXT :$plain_port, SASL_SSL :$sasl_port)"
  # Its own session (so SIGINT to its process group stops it and nothing else), with SIGINT at its default:
  # a background job of a script ignores SIGINT, and fjord.sh could not trap it then.
  FJORD_HOME=$home FJORD_BROKERS=1 FJORD_SKIP_BUILD=1 FJORD_BROKER_PORT_BASE=$plain_port FJORD_SASL_SSL_PORT_BASE=$sasl_port \
    FJORD_BLOB_PORT=$blob FJORD_QUEUE_PORT=$queue FJORD_TABLE_PORT=$table \
    python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
    "${ROOT_OF[$side]}/fjord.sh" start >"$home/start.out" 2>"$home/start.err" &
  START_PID[$side]=$!
  for _ in $(seq 1 1200); do grep -q "Fjord is running" "$home/start.out" 2>/dev/null && break; kill -0 "${START_PID[$side]}" 2>/dev/null || break; sleep 0.1; done
  grep -q "Fjord is running" "$home/start.out" || { log "$side did not start"; tail -30 "$home/start.err" >&2; exit 1; }
  BROKER_PID[$side]=$(pgrep -f -- "log.dirs=$home/broker-0" | head -1)
  BOOTSTRAP[$side.plaintext]="127.0.0.1:$plain_port"; CONFIG[$side.plaintext]=""
  BOOTSTRAP[$side.sasl_ssl]="127.0.0.1:$sasl_port"; CONFIG[$side.sasl_ssl]="--command-config $home/client.properties"
  log "$side broker pid ${BROKER_PID[$side]}"
done

run() { # side mode kind round args...
  local side=$1 mode=$2 kind=$3 round=$4; shift 4
  local line
  # shellcheck disable=SC2086
  line=$(dotnet "$PERF_DLL" "$kind" --bootstrap "${BOOTSTRAP[$side.$mode]}" ${CONFIG[$side.$mode]} --broker-pid "${BROKER_PID[$side]}" --json "$@" 2>>"$HOME_DIR/perf.err" | grep '^{' | tail -1)
  [ -n "$line" ] || line='{}'
  printf '{"side":"%s","mode":"%s","kind":"%s","round":%s,"out":%s}\n' "$side" "$mode" "$kind" "$round" "$line" >>"$RESULTS"
  log "$kind $side $mode round $round: $(jq -c '.result | {mbPerSec, cores: .brokerCpu.cores, secPerGb: .brokerCpu.secPerGb}' <<<"$line" 2>/dev/null || echo "$line")"
}

for ((r = 1; r <= ROUNDS; r++)); do
  combos=()
  for side in "${SIDES[@]}"; do combos+=("$side plaintext" "$side sasl_ssl"); done
  # Alternate which goes first, so running first or second does not favour one of them.
  if ((r % 2 == 0)); then
    reversed=(); for ((k = ${#combos[@]} - 1; k >= 0; k--)); do reversed+=("${combos[$k]}"); done; combos=("${reversed[@]}")
  fi
  for combo in "${combos[@]}"; do
    read -r side mode <<<"$combo"
    run "$side" "$mode" produce "$r" --topic "$mode-$r" --partitions "$PARTITIONS" --create-topic --record-size 1024 --num-records "$RECORDS" --acks "$ACKS" --timeout-sec 120
  done
  for combo in "${combos[@]}"; do
    read -r side mode <<<"$combo"
    run "$side" "$mode" consume "$r" --topic "$mode-$r" --num-records "$RECORDS" --timeout-sec 120
  done
done

python3 - "$RESULTS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
table = {}
for r in rows:
    res = r["out"].get("result", {})
    cpu = res.get("brokerCpu") or {}
    table.setdefault((r["side"], r["kind"], r["mode"]), []).append((res.get("mbPerSec"), cpu.get("cores"), cpu.get("secPerGb")))
def med(xs, i):
    vals = [x[i] for x in xs if x[i] is not None]
    return statistics.median(vals) if vals else float("nan")
print("| side | case | PLAINTEXT MB/s (runs) | SASL_SSL MB/s (runs) | SASL_SSL / PLAINTEXT | broker cores plain / sasl_ssl | broker CPU s/GB plain / sasl_ssl |")
print("|---|---|---|---|---|---|---|")
for side in sorted({k[0] for k in table}, key=lambda s: s != "before"):
    for kind in ("produce", "consume"):
        p, s = table.get((side, kind, "plaintext"), []), table.get((side, kind, "sasl_ssl"), [])
        runs = lambda xs: ", ".join("-" if x[0] is None else f"{x[0]:.1f}" for x in xs)
        print(f"| {side} | {kind} | {med(p,0):.1f} ({runs(p)}) | {med(s,0):.1f} ({runs(s)}) | {med(s,0)/med(p,0):.2f} | {med(p,1):.2f} / {med(s,1):.2f} | {med(p,2):.1f} / {med(s,2):.1f} |")
PY
