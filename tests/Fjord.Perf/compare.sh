#!/usr/bin/env bash
# Side-by-side benchmark of two Fjord checkouts (e.g. the commit before a change and the one after).
#
#   tests/Fjord.Perf/compare.sh BEFORE_DIR AFTER_DIR
#
# Each DIR is a repository checkout already built in Release (its broker in
# broker/src/Fjord.Broker/bin/Release/net10.0/). For each side the script starts its own Azurite
# and one broker from that checkout (fresh temp data dir, free ports, replication factor 1), then
# runs every case on both brokers back to back, alternating which side goes first, with the perf
# tool built from AFTER_DIR (tests/Fjord.Perf/bin/Release/net10.0/; the tool is only a client, so
# one binary measures both). At the end it stops everything and prints one Markdown table:
# case, before, after, ratio (after/before).
#
# Cases (1 KiB records unless said otherwise):
#   a. consume MB/s from 1 and 8 partitions, broker CPU s/GB (user / kernel)
#   b. fetch-many: one consumer on 1,000 partitions, one new record in each per round
#   c. produce MB/s at acks=1 and acks=all, 8 partitions, one replica
#   d. produce -> long-polling consumer latency p50/p99 (idle broker, 200 records/s)
#   e. broker CPU s/GB producing 20,000 records/s with acks=all
#
# Environment (defaults in brackets; lower the counts on a slow machine):
#   COMPARE_RECORDS [300000]          records per produce/consume case (300000 x 1 KiB = 293 MB)
#   COMPARE_PARTITIONS [8]            partitions of the produce cases and of "consume 8 partitions"
#   COMPARE_FETCH_PARTITIONS [1000]   partitions of the fetch-many case
#   COMPARE_FETCH_ROUNDS [300]        measured fetch-many rounds (plus 10 warm-up rounds)
#   COMPARE_E2E_SAMPLES [2000]        measured e2e-latency records (plus 100 warm-up)
#   COMPARE_E2E_RATE [200]            e2e-latency records/s
#   COMPARE_THROUGHPUT [20000]        records/s of case e
#   COMPARE_THROTTLED_SEC [15]        seconds of case e (records = throughput x seconds)
#   COMPARE_FLIP [0]                  1 starts the alternation with the after side (run twice, 0 and 1,
#                                     to cancel what running first or second does to a case)
#   COMPARE_CASES [abcde]             which cases to run (letters), e.g. COMPARE_CASES=bd
#   COMPARE_OUTPUT                    also write the table to this file
#   COMPARE_KEEP=1                    keep the temp dir (broker data, logs, raw JSON results)
set -euo pipefail

log() { printf '[compare] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

if (($# != 2)); then awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
BEFORE=$(realpath "$1")
AFTER=$(realpath "$2")

RECORDS=${COMPARE_RECORDS:-300000}
PARTITIONS=${COMPARE_PARTITIONS:-8}
FETCH_PARTITIONS=${COMPARE_FETCH_PARTITIONS:-1000}
FETCH_ROUNDS=${COMPARE_FETCH_ROUNDS:-300}
E2E_SAMPLES=${COMPARE_E2E_SAMPLES:-2000}
E2E_RATE=${COMPARE_E2E_RATE:-200}
THROUGHPUT=${COMPARE_THROUGHPUT:-20000}
THROTTLED_SEC=${COMPARE_THROTTLED_SEC:-15}
THROTTLED_RECORDS=$((THROUGHPUT * THROTTLED_SEC))
CASES=${COMPARE_CASES:-abcde}
want() { [[ "$CASES" == *"$1"* ]]; }

BROKER_REL=broker/src/Fjord.Broker/bin/Release/net10.0/Fjord.Broker.dll
PERF_DLL="$AFTER/tests/Fjord.Perf/bin/Release/net10.0/Fjord.Perf.dll"
for dir in "$BEFORE" "$AFTER"; do
  [ -f "$dir/$BROKER_REL" ] || die "$dir/$BROKER_REL is missing; build it first (cd $dir && dotnet build Service.sln -c Release)"
done
[ -f "$PERF_DLL" ] || die "$PERF_DLL is missing; build it first (dotnet build -c Release $AFTER/tests/Fjord.Perf/Fjord.Perf.csproj)"
AZURITE=
for candidate in "$AFTER/node_modules/.bin/azurite" "$BEFORE/node_modules/.bin/azurite" "$(command -v azurite || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then AZURITE=$candidate; break; fi
done
[ -n "$AZURITE" ] || die "Azurite not found: run 'npm install' in $AFTER (./fjord.sh start does it)"
command -v python3 >/dev/null || die "python3 is required (it renders the table)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fjord-compare.XXXXXX")
RESULTS="$WORK/results"
mkdir -p "$RESULTS"

# Globals, so the trap sees every process it must stop, whichever scope it interrupts.
SIDES=(before after)
declare -A DIR=([before]="$BEFORE" [after]="$AFTER")
declare -A BROKER_PID=() AZURITE_PID=() BOOTSTRAP=()
PERF_PID=
STOPPING=

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

wait_gone() { # deadline-seconds pid
  local deadline=$((SECONDS + $1))
  while alive "$2"; do ((SECONDS < deadline)) || return 1; sleep 0.1; done
}

stop_pid() { # what pid grace-seconds
  alive "$2" || return 0
  kill -TERM "$2" 2>/dev/null || true
  if ! wait_gone "$3" "$2"; then log "$1 did not stop within $3 s; killing it"; kill -KILL "$2" 2>/dev/null || true; wait_gone 5 "$2" || true; fi
  wait "$2" 2>/dev/null || true
}

# Perf client first, then the brokers (while their storage still runs), then Azurite.
cleanup() {
  [ -n "$STOPPING" ] && return 0
  STOPPING=1
  set +e
  trap 'log "still stopping"' INT TERM HUP
  stop_pid "perf tool" "$PERF_PID" 10
  local side
  for side in "${SIDES[@]}"; do
    if alive "${BROKER_PID[$side]:-}"; then log "stopping the $side broker"; stop_pid "the $side broker" "${BROKER_PID[$side]}" 30; fi
  done
  for side in "${SIDES[@]}"; do stop_pid "the $side Azurite" "${AZURITE_PID[$side]:-}" 15; done
  if [ "${COMPARE_KEEP:-}" = 1 ]; then
    log "kept $WORK"
  else
    # Logs are small and explain a failure; the broker data is what takes the space.
    for side in "${SIDES[@]}"; do rm -rf "$WORK/$side/data" "$WORK/$side/azurite"; done
    log "logs and raw results in $WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# N free loopback ports, all held open at once so the kernel hands out distinct ones.
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()
PY
}

wait_for_port() { # port pid deadline-seconds
  local deadline=$((SECONDS + $3))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    alive "$2" || return 2
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

start_side() { # side
  local side=$1 home="$WORK/$1"
  mkdir -p "$home/data" "$home/azurite"
  local blob queue table
  read -r blob queue table <<<"$(free_ports 3)"
  log "$side: Azurite on 127.0.0.1:$table (Table) / :$blob (Blob)"
  # Its own session: a terminal's Ctrl-C must not take storage away before the broker stopped.
  setsid "$AZURITE" --silent --disableTelemetry --skipApiVersionCheck --location "$home/azurite" \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" >"$home/azurite.log" 2>&1 &
  AZURITE_PID[$side]=$!
  wait_for_port "$table" "${AZURITE_PID[$side]}" 60 || { tail -20 "$home/azurite.log" >&2; die "$side: Azurite did not start"; }

  local conn="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1"
  log "$side: starting the broker from ${DIR[$side]} (log: $home/broker.log)"
  # Port 0: the broker binds a free port and prints it in its FJORD_BROKER_READY line.
  dotnet "${DIR[$side]}/$BROKER_REL" \
    --override node.id=0 --override listeners=PLAINTEXT://127.0.0.1:0 \
    --override log.dirs="$home/data" --override fjord.metadata.connection.string="$conn" \
    --override default.replication.factor=1 --override fjord.log.level=Warning \
    >"$home/broker.log" 2>&1 &
  BROKER_PID[$side]=$!
  local deadline=$((SECONDS + 120)) ready=
  until ready=$(grep -m1 '^FJORD_BROKER_READY ' "$home/broker.log" 2>/dev/null); do
    alive "${BROKER_PID[$side]}" || { tail -20 "$home/broker.log" >&2; die "$side: the broker exited at start"; }
    ((SECONDS < deadline)) || { tail -20 "$home/broker.log" >&2; die "$side: the broker was not ready within 120 s"; }
    sleep 0.2
  done
  local listener=${ready##*listeners=}
  listener=${listener%%,*}
  BOOTSTRAP[$side]=${listener#*://}
  log "$side: broker pid ${BROKER_PID[$side]} ready on ${BOOTSTRAP[$side]}"
}

# Runs one perf command against one side; its --json result line goes to results/CASE.SIDE.json.
perf() { # case side perf-args...
  local case=$1 side=$2; shift 2
  alive "${BROKER_PID[$side]}" || die "the $side broker is no longer running; see $WORK/$side/broker.log"
  log "--- $case on $side"
  # In the background and waited for, so a SIGTERM to this script reaches the trap at once.
  dotnet "$PERF_DLL" "$@" --bootstrap "${BOOTSTRAP[$side]}" --json >"$RESULTS/$case.$side.out" 2>"$RESULTS/$case.$side.err" &
  PERF_PID=$!
  local rc=0
  wait "$PERF_PID" || rc=$?
  PERF_PID=
  grep -v '^{' "$RESULTS/$case.$side.out" | sed 's/^/    /' >&2 || true
  if ((rc != 0)); then
    tail -5 "$RESULTS/$case.$side.err" >&2
    log "$case on $side failed (exit $rc); its row will be empty"
    return 0
  fi
  grep '^{' "$RESULTS/$case.$side.out" | tail -1 >"$RESULTS/$case.$side.json"
}

CASE_INDEX=${COMPARE_FLIP:-0}
# Each case runs on both brokers back to back; which side goes first alternates (ABBA...), so a
# machine that gets slower or faster over the run does not favour one side.
both() { # case args-for-side (the string @PID@ becomes the side's broker pid, @TOPIC@ a per-side topic)
  local case=$1; shift
  local order=(before after)
  if ((CASE_INDEX % 2 == 1)); then order=(after before); fi
  CASE_INDEX=$((CASE_INDEX + 1))
  local side args arg
  for side in "${order[@]}"; do
    args=()
    for arg in "$@"; do arg=${arg//@PID@/${BROKER_PID[$side]}}; args+=("${arg//@TOPIC@/$case}"); done
    perf "$case" "$side" "${args[@]}"
  done
}

log "before: $BEFORE ($(git -C "$BEFORE" rev-parse --short HEAD 2>/dev/null || echo '?'))"
log "after:  $AFTER ($(git -C "$AFTER" rev-parse --short HEAD 2>/dev/null || echo '?'))"
log "work dir $WORK; $RECORDS records per produce/consume case"
start_side before
start_side after
started=$SECONDS

KIB=1024
# c. produce (the acks=1 topics also feed the consume cases, so a needs c's acks=1 runs)
if want c || want a; then
  both c-produce-acks1 produce --topic @TOPIC@ --create-topic --partitions "$PARTITIONS" --record-size $KIB \
    --num-records "$RECORDS" --acks 1 --broker-pid @PID@
fi
if want c; then
  both c-produce-acksall produce --topic @TOPIC@ --create-topic --partitions "$PARTITIONS" --record-size $KIB \
    --num-records "$RECORDS" --acks all --broker-pid @PID@
fi
if want c || want a; then
  both c-produce-acks1-p1 produce --topic @TOPIC@ --create-topic --partitions 1 --record-size $KIB \
    --num-records "$RECORDS" --acks 1 --broker-pid @PID@
fi
# a. consume what the produce cases wrote (page cache warm on both sides alike). One unmeasured
# consume first: a broker's first fetches run its fetch path through the JIT, which would otherwise
# dominate a phase of a few seconds and measure the compiler rather than the data path.
if want a; then
  both a-warmup consume --topic c-produce-acks1 --num-records "$RECORDS" --broker-pid @PID@
  both a-consume-p1 consume --topic c-produce-acks1-p1 --num-records "$RECORDS" --broker-pid @PID@
  both a-consume-p8 consume --topic c-produce-acks1 --num-records "$RECORDS" --broker-pid @PID@
fi
# b. many partitions, one new record each per round
if want b; then
  both b-fetch-many fetch-many --topic @TOPIC@ --create-topic --partitions "$FETCH_PARTITIONS" --rounds "$FETCH_ROUNDS" \
    --warmup-rounds 10 --record-size 100 --fetch-wait-max-ms 500 --timeout-sec 120 --broker-pid @PID@
fi
# d. produce -> long-polling consumer, idle broker
if want d; then
  both d-e2e-latency e2e-latency --topic @TOPIC@ --create-topic --num-records "$E2E_SAMPLES" --rate "$E2E_RATE" \
    --warmup-records 100 --record-size 100 --fetch-wait-max-ms 500
fi
# e. broker CPU at a fixed produce rate
if want e; then
  both e-produce-throttled produce --topic @TOPIC@ --create-topic --partitions "$PARTITIONS" --record-size $KIB \
    --num-records "$THROTTLED_RECORDS" --acks all --throughput "$THROUGHPUT" --broker-pid @PID@
fi
log "cases done in $((SECONDS - started)) s"

cleanup

python3 - "$RESULTS" "$BEFORE" "$AFTER" "$RECORDS" "$PARTITIONS" "$FETCH_PARTITIONS" "$THROUGHPUT" "${COMPARE_OUTPUT:-}" <<'PY'
import json, os, subprocess, sys
results, before_dir, after_dir, records, partitions, fetch_partitions, throughput, output = sys.argv[1:]

def load(case, side):
    try:
        with open(os.path.join(results, f"{case}.{side}.json")) as f:
            return json.load(f)["result"]
    except (OSError, ValueError, KeyError):
        return None

def get(result, path):
    for key in path.split("."):
        if result is None: return None
        result = result.get(key)
    return result

def commit(d):
    try: return subprocess.run(["git", "-C", d, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip() or "?"
    except OSError: return "?"

def fmt(v, digits):
    return "—" if v is None else f"{v:,.{digits}f}"

rows = []
def row(label, case, path, digits=1, better="higher"):
    b, a = get(load(case, "before"), path), get(load(case, "after"), path)
    ratio = f"{a / b:.2f}" if a is not None and b else "—"
    rows.append(f"| {label} | {fmt(b, digits)} | {fmt(a, digits)} | {ratio} |")

def split(label, case, cpu="brokerCpu"):
    cells = []
    for side in ("before", "after"):
        r = load(case, side)
        u, k = get(r, cpu + ".userSec"), get(r, cpu + ".systemSec")
        cells.append("—" if u is None else f"{u:.2f} / {k:.2f}")
    b, a = get(load(case, "before"), cpu + ".cpuSec"), get(load(case, "after"), cpu + ".cpuSec")
    ratio = f"{a / b:.2f}" if a is not None and b else "—"
    rows.append(f"| {label} | {cells[0]} | {cells[1]} | {ratio} |")

p = partitions
row("a. consume 1 KiB, 1 partition: MB/s", "a-consume-p1", "mbPerSec")
row("a. consume 1 KiB, 1 partition: broker CPU s/GB", "a-consume-p1", "brokerCpu.secPerGb", 2)
split("a. consume 1 KiB, 1 partition: broker CPU user / kernel s", "a-consume-p1")
row(f"a. consume 1 KiB, {p} partitions: MB/s", "a-consume-p8", "mbPerSec")
row(f"a. consume 1 KiB, {p} partitions: broker CPU s/GB", "a-consume-p8", "brokerCpu.secPerGb", 2)
split(f"a. consume 1 KiB, {p} partitions: broker CPU user / kernel s", "a-consume-p8")
f = fetch_partitions
row(f"b. fetch {f} partitions, 1 new record each: Fetch requests/s", "b-fetch-many", "fetchRequestsPerSec")
row(f"b. fetch {f} partitions: rounds/s", "b-fetch-many", "roundsPerSec")
row(f"b. fetch {f} partitions: Fetch requests per round", "b-fetch-many", "fetchRequestsPerRound", 2)
row(f"b. fetch {f} partitions: broker CPU ms per Fetch request", "b-fetch-many", "brokerCpuMsPerFetch", 3)
row(f"b. fetch {f} partitions: broker CPU ms per round (incl. its produce)", "b-fetch-many", "brokerCpuMsPerRound", 3)
split(f"b. fetch {f} partitions: broker CPU user / kernel s", "b-fetch-many")
row(f"c. produce 1 KiB acks=1, {p} partitions: MB/s", "c-produce-acks1", "mbPerSec")
row(f"c. produce 1 KiB acks=1, {p} partitions: broker CPU s/GB", "c-produce-acks1", "brokerCpu.secPerGb", 2)
row(f"c. produce 1 KiB acks=all (1 replica), {p} partitions: MB/s", "c-produce-acksall", "mbPerSec")
row(f"c. produce 1 KiB acks=all (1 replica), {p} partitions: broker CPU s/GB", "c-produce-acksall", "brokerCpu.secPerGb", 2)
row("c. produce 1 KiB acks=1, 1 partition: MB/s", "c-produce-acks1-p1", "mbPerSec")
row("d. produce → long-poll consumer latency p50 ms", "d-e2e-latency", "latency.p50Ms", 2)
row("d. produce → long-poll consumer latency p99 ms", "d-e2e-latency", "latency.p99Ms", 2)
row(f"e. produce {int(throughput):,} rec/s 1 KiB acks=all: broker CPU s/GB", "e-produce-throttled", "brokerCpu.secPerGb", 2)
row(f"e. produce {int(throughput):,} rec/s: broker cores", "e-produce-throttled", "brokerCpu.cores", 3)
split(f"e. produce {int(throughput):,} rec/s: broker CPU user / kernel s", "e-produce-throttled")
row(f"e. produce {int(throughput):,} rec/s: records/s achieved", "e-produce-throttled", "recordsPerSec", 0)

header = [
    f"before: `{before_dir}` ({commit(before_dir)}), after: `{after_dir}` ({commit(after_dir)}); "
    f"{int(records):,} records per produce/consume case; MB = 2^20 bytes, GB = 2^30 bytes of record payload.",
    "",
    "| case | before | after | ratio (after/before) |",
    "| --- | ---: | ---: | ---: |",
]
table = "\n".join(header + rows)
print(table)
if output:
    with open(output, "w") as f: f.write(table + "\n")
PY
