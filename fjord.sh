#!/usr/bin/env bash
# Fjord developer entry point.
#   ./fjord.sh start   start Azurite + brokers + the local control plane (installs what is missing); Ctrl-C stops all.
#                      The control plane's URL and an operator API key go to $FJORD_HOME/control-plane.env
#                      (FJORD_API_URL, FJORD_API_KEY; the key is made once and kept in $FJORD_HOME/security/)
#   ./fjord.sh cli ARGS...   run the fjord CLI from the repository against the local control plane, e.g.
#                      ./fjord.sh cli tenant list --output json
#   ./fjord.sh test    build, check formatting and generated code, run every test suite, fuzz (what CI runs)
#   ./fjord.sh tenant create NAME [--display-name X] [--max-topics N] [--max-partitions N] [--max-retained-bytes N] [--max-connections N]
#                      create a tenant through the local control plane, with its admin user NAME.admin; the admin's
#                      client config is written to $FJORD_HOME/tenants/NAME.properties (try: kcat -F that-file -L)
#   ./fjord.sh tenant delete NAME   delete a tenant: the running brokers remove its topics, groups, ACLs and users;
#                      waits for them (FJORD_TENANT_DELETE_WAIT seconds, default 120), then removes NAME.properties
#   ./fjord.sh tenant list | get NAME | suspend NAME | resume NAME | set-limits NAME ... | reset-admin-password NAME
#                      the other `fjord tenant` commands (reset-admin-password writes Table storage directly)
# Environment:
#   FJORD_HOME              data and logs (default: .fjord/ in the repository)
#   FJORD_BROKERS           how many brokers `start` runs (default 3)
#   FJORD_BROKER_PORT_BASE  port of broker 0's PLAINTEXT listener; broker N listens on base + N (default 9092)
#   FJORD_SASL_SSL_PORT_BASE  port of broker 0's SASL_SSL listener; broker N on base + N (default FJORD_BROKER_PORT_BASE + 100)
#   FJORD_ADMIN_PORT_BASE   port of broker 0's operator HTTP endpoint (fjord.admin.listener); broker N on base + N
#                           (default FJORD_BROKER_PORT_BASE + 200)
#   FJORD_MTLS_PORT_BASE    port of broker 0's MTLS listener (SSL, client certificate required, signed by the control
#                           plane: `fjord cert sign`); broker N on base + N (default FJORD_BROKER_PORT_BASE + 400)
#   FJORD_API_PORT          port of the local control plane's HTTP API (default FJORD_BROKER_PORT_BASE + 300;
#                           0, or the default port being taken, lets the OS choose; the URL is printed either way)
#   FJORD_PLAINTEXT         open (default): a PLAINTEXT listener on loopback whose clients are super users;
#                           off: no PLAINTEXT listener, only SASL_SSL
#   FJORD_BLOB_PORT / FJORD_QUEUE_PORT / FJORD_TABLE_PORT   Azurite's ports (10000 / 10001 / 10002)
#   FJORD_SKIP_BUILD=1      `start` runs the broker, the control plane (functions/Fjord.Functions.LocalHost)
#                           and the fjord CLI already built in their bin/Release instead of building them
#                           (tests use it: a rebuild would swap the DLLs under other running tests);
#                           `tenant` and `cli` likewise run the CLI already built in functions/Fjord.Cli/bin/Release
#   FJORD_STOP_TIMEOUT      seconds the brokers get for a controlled shutdown before SIGKILL (default 60)
#   FJORD_TENANT_DELETE_WAIT  seconds `tenant delete` waits for the brokers to remove the tenant (default 120)
#   FJORD_PROTOCOL_SPECS    Kafka's message specs for `test`'s generated-code check (default: ../shared/kafka-protocol/messages)
#   FJORD_FUZZ_SECONDS      `test` fuzzes twice this long, fixed seed then a fresh one (default 60)
set -euo pipefail
# Resolved before the cd below, so a relative FJORD_HOME means relative to where the user is.
STATE=$(realpath -m "${FJORD_HOME:-$(dirname "$0")/.fjord}")
# `cli` runs there too, so the paths a user gives it (e.g. --client-config acme.properties) mean what they expect.
CALLER_DIR=$(pwd)
cd "$(dirname "$0")"
ROOT=$(pwd)
LOGS="$STATE/logs"
BROKER_DLL="$ROOT/broker/src/Fjord.Broker/bin/Release/net10.0/Fjord.Broker.dll"
CLI_DLL="$ROOT/functions/Fjord.Cli/bin/Release/net10.0/fjord.dll"
CONTROL_PLANE_DLL="$ROOT/functions/Fjord.Functions.LocalHost/bin/Release/net10.0/Fjord.Functions.LocalHost.dll"
# Written by `start` while the local control plane runs: FJORD_API_URL and FJORD_API_KEY, read by `cli` and `tenant`.
CONTROL_PLANE_ENV="$STATE/control-plane.env"

log() { printf '[fjord] %s\n' "$*" >&2; }

# sudo may ask for a password at a terminal; without one it must fail rather than hang.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then if [ -t 0 ]; then sudo "$@"; else sudo -n "$@"; fi
  else return 1; fi
}

ensure_apt_package() { # command package; returns non-zero when it is still missing
  command -v "$1" >/dev/null 2>&1 && return 0
  if ! command -v apt-get >/dev/null 2>&1; then log "$2 is missing and there is no apt-get; install $2 yourself"; return 1; fi
  log "installing $2 (apt-get update + install; this can take a minute)"
  as_root apt-get update -qq >/dev/null 2>&1 || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 || true
  command -v "$1" >/dev/null 2>&1 && { log "installed $2"; return 0; }
  log "could not install $2 (try: sudo apt-get install $2)"; return 1
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 && return 0
  log "the .NET 10 SDK is required (https://dot.net); install it and re-run"; exit 1
}

ensure_node() {
  if ! command -v npm >/dev/null 2>&1; then ensure_apt_package npm npm || true; fi
  command -v npm >/dev/null 2>&1 || { log "Node.js/npm is required for Azurite"; exit 1; }
}

ensure_azurite() {
  ensure_node
  if [ ! -x "$ROOT/node_modules/.bin/azurite" ] || [ ! -f "$ROOT/node_modules/kafkajs/package.json" ] \
     || [ ! -x "$ROOT/node_modules/.bin/dockerfilelint" ]; then
    log "installing Azurite, KafkaJS and dockerfilelint (npm install, pinned in package.json)"
    (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

# kcat is how the README talks to the brokers; without it the cluster still runs.
ensure_kcat() { ensure_apt_package kcat kcat || log "warning: continuing without kcat"; }
# The infra tests run azd's postprovision hook, which makes certificates and SCRAM credentials with OpenSSL 3.
ensure_openssl() { ensure_apt_package openssl openssl || log "warning: continuing without openssl (the postprovision hook tests will fail)"; }

build_release() { # what project-relative-to-ROOT dll log-name
  if [ "${FJORD_SKIP_BUILD:-}" = 1 ]; then
    [ -f "$3" ] || { log "FJORD_SKIP_BUILD=1 but $3 is missing; build it first (dotnet build $2 -c Release)"; exit 1; }
    log "using the $1 already built (FJORD_SKIP_BUILD=1)"
    return 0
  fi
  log "building the $1 (dotnet build -c Release; the first build takes a few minutes)"
  if ! dotnet build "$ROOT/$2" -c Release -v quiet -nologo >"$LOGS/$4" 2>&1; then
    log "the build failed; see $LOGS/$4"; tail -20 "$LOGS/$4" >&2; exit 1
  fi
}

build_broker() { build_release broker broker/src/Fjord.Broker/Fjord.Broker.csproj "$BROKER_DLL" build.log; }
build_control_plane() { build_release "control plane" functions/Fjord.Functions.LocalHost/Fjord.Functions.LocalHost.csproj "$CONTROL_PLANE_DLL" build-control-plane.log; }
build_cli() { build_release "fjord CLI" functions/Fjord.Cli/Fjord.Cli.csproj "$CLI_DLL" build-cli.log; }

# Azurite's well-known development account, on the ports `start` gives it.
azurite_connection() {
  local blob="${FJORD_BLOB_PORT:-10000}" queue="${FJORD_QUEUE_PORT:-10001}" table="${FJORD_TABLE_PORT:-10002}"
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1"
}

# One value of control-plane.env, read rather than sourced (it is data, not a script).
control_plane_value() { sed -n "s/^$1=//p" "$CONTROL_PLANE_ENV" 2>/dev/null | tail -1; }

# Each start keeps the previous run's log as NAME.1, so a crash can be read after restarting.
rotate_log() { if [ -f "$1" ]; then mv -f "$1" "$1.1"; fi; }

# Globals, not locals: the signal trap runs in whatever scope the script happens to be in,
# and must always see every process it has to stop.
BROKER_PIDS=()      # index = node id; emptied when that broker has exited
AZURITE_PID=
CONTROL_PLANE_PID=
CONTROL_PLANE_URL=
STOPPING=

broker_alive() { [ -n "${BROKER_PIDS[$1]:-}" ] && kill -0 "${BROKER_PIDS[$1]}" 2>/dev/null; }

# Reaps a broker that has exited and says so; the others keep running, so a user can kill one
# and watch the cluster fail over.
report_broker_exit() { # node id
  local code=0
  wait "${BROKER_PIDS[$1]}" 2>/dev/null || code=$?
  BROKER_PIDS[$1]=
  log "broker $1 exited (code $code); see $LOGS/broker-$1.log"
}

live_brokers() { local i n=0; for i in "${!BROKER_PIDS[@]}"; do if broker_alive "$i"; then n=$((n + 1)); fi; done; echo "$n"; }

# Waits until none of the given pids is alive or the deadline passes; 0 when all are gone.
wait_gone() { # deadline-seconds pid...
  local deadline=$((SECONDS + $1)); shift
  local p alive
  while :; do
    alive=
    for p in "$@"; do if kill -0 "$p" 2>/dev/null; then alive=1; fi; done
    [ -z "$alive" ] && return 0
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# Brokers first, while storage is still up, so their controlled shutdown can move leaderships
# and hand the controller lease over; Azurite only once they are gone.
stop_all() {
  [ -n "$STOPPING" ] && return 0
  STOPPING=1
  set +e
  # A second Ctrl-C must not cut the controlled shutdown short (nor run this twice).
  trap 'log "still stopping (brokers are moving their leaderships away)"' INT TERM HUP
  local i pids=() timeout="${FJORD_STOP_TIMEOUT:-60}"
  # The control plane first: it writes the tables the brokers read, and nothing depends on it.
  rm -f "$CONTROL_PLANE_ENV"
  if [ -n "$CONTROL_PLANE_PID" ] && kill -0 "$CONTROL_PLANE_PID" 2>/dev/null; then
    log "stopping the control plane"
    kill -TERM "$CONTROL_PLANE_PID" 2>/dev/null
    if ! wait_gone 15 "$CONTROL_PLANE_PID"; then
      log "the control plane did not stop within 15 s; killing it (SIGKILL)"; kill -KILL "$CONTROL_PLANE_PID" 2>/dev/null; wait_gone 5 "$CONTROL_PLANE_PID"
    fi
    wait "$CONTROL_PLANE_PID" 2>/dev/null
  fi
  for i in "${!BROKER_PIDS[@]}"; do if broker_alive "$i"; then pids+=("${BROKER_PIDS[$i]}"); fi; done
  if ((${#pids[@]} > 0)); then
    log "stopping ${#pids[@]} broker(s) (controlled shutdown, up to ${timeout} s)"
    kill -TERM "${pids[@]}" 2>/dev/null
    if ! wait_gone "$timeout" "${pids[@]}"; then
      for i in "${!BROKER_PIDS[@]}"; do
        if broker_alive "$i"; then log "broker $i did not stop within ${timeout} s; killing it (SIGKILL)"; kill -KILL "${BROKER_PIDS[$i]}" 2>/dev/null; fi
      done
      wait_gone 10 "${pids[@]}"
    fi
    for i in "${!BROKER_PIDS[@]}"; do [ -n "${BROKER_PIDS[$i]}" ] && wait "${BROKER_PIDS[$i]}" 2>/dev/null; done
  fi
  if [ -n "$AZURITE_PID" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    log "stopping Azurite"
    kill -TERM "$AZURITE_PID" 2>/dev/null
    if ! wait_gone 15 "$AZURITE_PID"; then
      log "Azurite did not stop within 15 s; killing it (SIGKILL)"; kill -KILL "$AZURITE_PID" 2>/dev/null; wait_gone 5 "$AZURITE_PID"
    fi
    wait "$AZURITE_PID" 2>/dev/null
  fi
  log "stopped; logs in $LOGS"
}

on_signal() { stop_all; exit 130; }

wait_for_port() { # port pid-that-must-stay-alive deadline-seconds
  local deadline=$((SECONDS + $3))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    kill -0 "$2" 2>/dev/null || return 2
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

cmd_start() {
  # `wait -n -p` (which child ended) is bash 5.1's; every Linux that .NET 10 supports has it.
  if ((BASH_VERSINFO[0] < 5 || (BASH_VERSINFO[0] == 5 && BASH_VERSINFO[1] < 1))); then
    log "bash 5.1 or later is required (this is $BASH_VERSION)"; exit 1
  fi
  ensure_dotnet; ensure_azurite; ensure_kcat
  local brokers="${FJORD_BROKERS:-3}"
  local blob="${FJORD_BLOB_PORT:-10000}" queue="${FJORD_QUEUE_PORT:-10001}" table="${FJORD_TABLE_PORT:-10002}"
  local base="${FJORD_BROKER_PORT_BASE:-9092}"
  local sasl_base="${FJORD_SASL_SSL_PORT_BASE:-$((base + 100))}"
  local admin_base="${FJORD_ADMIN_PORT_BASE:-$((base + 200))}"
  local mtls_base="${FJORD_MTLS_PORT_BASE:-$((base + 400))}"
  local plaintext="${FJORD_PLAINTEXT:-open}"
  if [ "$plaintext" != open ] && [ "$plaintext" != off ]; then log "FJORD_PLAINTEXT must be open or off, not $plaintext"; exit 2; fi
  mkdir -p "$STATE/azurite" "$LOGS"
  log "data in $STATE (FJORD_HOME); logs in $LOGS (the previous run's as *.log.1)"
  build_broker
  build_control_plane
  build_cli

  trap on_signal INT TERM HUP
  trap stop_all EXIT

  rotate_log "$LOGS/azurite.log"
  log "starting Azurite (Table :$table, Blob :$blob, Queue :$queue)"
  # Its own session, so a terminal's Ctrl-C (SIGINT to the whole foreground process group) does
  # not kill storage under the brokers' controlled shutdown; stop_all stops it afterwards.
  local detach=(); if command -v setsid >/dev/null 2>&1; then detach=(setsid); fi
  "${detach[@]}" "$ROOT/node_modules/.bin/azurite" --silent --disableTelemetry --skipApiVersionCheck \
    --location "$STATE/azurite" --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" >"$LOGS/azurite.log" 2>&1 &
  AZURITE_PID=$!
  log "waiting for storage (Azurite on 127.0.0.1:$table)"
  local rc=0; wait_for_port "$table" "$AZURITE_PID" 60 || rc=$?
  if ((rc != 0)); then
    if ((rc == 2)); then log "Azurite exited at start (is another Fjord or Azurite on these ports?)"; else log "Azurite did not listen within 60 s"; fi
    tail -20 "$LOGS/azurite.log" >&2; exit 1
  fi

  local conn; conn=$(azurite_connection)
  local bootstrap=() secure_bootstrap=() i
  for ((i = 0; i < brokers; i++)); do secure_bootstrap+=("127.0.0.1:$((sasl_base + i))"); done
  local secure_joined; secure_joined=$(IFS=,; echo "${secure_bootstrap[*]}")
  log "preparing TLS and SASL (local CA, broker certificate, users admin and fjord-broker; kept in $STATE/security)"
  dotnet "$BROKER_DLL" security-init-local --dir "$STATE/security" --client-properties "$STATE/client.properties" \
    --hosts 127.0.0.1,localhost --bootstrap "$secure_joined" --inter-broker-listener SASL_SSL >/dev/null
  # Kafka's classic local set-up: PLAINTEXT clients are ANONYMOUS, made super users so tools without
  # credentials keep working on loopback. FJORD_PLAINTEXT=off leaves only the authenticated listener.
  local super_users="User:admin;User:fjord-broker"
  [ "$plaintext" = open ] && super_users="$super_users;User:ANONYMOUS"
  # Topics created without a replication factor get three replicas (or one per broker when fewer).
  local rf=$((brokers < 3 ? brokers : 3))
  for ((i = 0; i < brokers; i++)); do
    local port=$((base + i)) sasl_port=$((sasl_base + i))
    local listeners="SASL_SSL://127.0.0.1:$sasl_port,MTLS://127.0.0.1:$((mtls_base + i))"
    [ "$plaintext" = open ] && listeners="PLAINTEXT://127.0.0.1:$port,$listeners"
    mkdir -p "$STATE/broker-$i"
    rotate_log "$LOGS/broker-$i.log"
    log "starting broker $i on $listeners (log: $LOGS/broker-$i.log)"
    # A background job of a script ignores SIGINT, and .NET keeps it ignored: the brokers stop on
    # the SIGTERM that stop_all sends, not on the terminal's Ctrl-C.
    dotnet "$BROKER_DLL" "$STATE/security/broker.properties" \
      --override node.id="$i" --override listeners="$listeners" \
      --override inter.broker.listener.name=SASL_SSL --override super.users="$super_users" \
      --override log.dirs="$STATE/broker-$i" --override fjord.metadata.connection.string="$conn" \
      --override default.replication.factor="$rf" --override fjord.admin.listener="http://127.0.0.1:$((admin_base + i))" \
      --override listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,MTLS:SSL \
      --override listener.name.mtls.ssl.client.auth=required \
      --override 'listener.name.mtls.ssl.principal.mapping.rules=RULE:^CN=(.*?),O=(.*?)$/$2.$1/' \
      --override fjord.certificate.revocation.table=fjordcertrevocations \
      >"$LOGS/broker-$i.log" 2>&1 &
    BROKER_PIDS[i]=$!
    bootstrap+=("127.0.0.1:$port")
  done

  # A broker that is slow to start (e.g. waiting for storage) is waited for, not given up on:
  # the user sees why in its log and Ctrl-C stops everything.
  for ((i = 0; i < brokers; i++)); do
    log "waiting for broker $i to be ready"
    local said_slow= said_refusal=
    local slow_at=$((SECONDS + 60))
    until grep -q FJORD_BROKER_READY "$LOGS/broker-$i.log" 2>/dev/null; do
      if ! broker_alive "$i"; then report_broker_exit "$i"; tail -20 "$LOGS/broker-$i.log" >&2; break; fi
      # A broker that refuses its metadata store (wiped, or another cluster's) says why at once.
      if [ -z "$said_refusal" ] && grep -q "refuses to serve" "$LOGS/broker-$i.log" 2>/dev/null; then
        said_refusal=1; grep "refuses to serve" "$LOGS/broker-$i.log" | tail -1 | sed 's/^.*\(Broker [0-9]* refuses\)/\1/' >&2
      fi
      if [ -z "$said_slow" ] && ((SECONDS > slow_at)); then
        said_slow=1; log "broker $i is not ready after 60 s; still waiting. Its log ends with:"; tail -5 "$LOGS/broker-$i.log" >&2
      fi
      sleep 0.2
    done
  done
  if (($(live_brokers) == 0)); then log "no broker is running; stopping"; exit 1; fi

  # Not in $(…): the control plane must be this shell's child, for stop_all and `wait -n` to see it.
  start_control_plane "$conn" "$secure_joined" "$((base + 300))" || exit 1

  local joined; joined=$(IFS=,; echo "${bootstrap[*]}")
  echo "Fjord is running ($(live_brokers) of $brokers brokers)"
  echo "  SASL_SSL           = $secure_joined (SCRAM-SHA-512 user admin; client config: $STATE/client.properties)"
  echo "  MTLS               = 127.0.0.1:$mtls_base (broker N on $mtls_base + N; a certificate from 'fjord cert sign' is User:<tenant>.<user>)"
  if [ "$plaintext" = open ]; then echo "  PLAINTEXT          = $joined (loopback, super user; FJORD_PLAINTEXT=off closes it)"; fi
  echo "  operator endpoint  = http://127.0.0.1:$admin_base (/metrics, /health/ready, /v1/tenants/NAME/usage; broker N on port $admin_base + N)"
  echo "  control plane      = $CONTROL_PLANE_URL/api/v1/tenants (URL and operator key: $CONTROL_PLANE_ENV; try: ./fjord.sh cli tenant list)"
  echo "  Table/Blob storage = Azurite on 127.0.0.1:$table / :$blob"
  echo "  data and logs      = $STATE (logs/broker-N.log, logs/azurite.log; previous run *.log.1)"
  echo "  try: kcat -F $STATE/client.properties -L"
  echo "Ctrl-C stops everything (the control plane, then the brokers with a controlled shutdown, then Azurite)."

  # Until Ctrl-C: one broker exiting is reported and the rest keep serving (so failover can be
  # watched); the script ends by itself only once no broker is left.
  while (($(live_brokers) > 0)); do
    local pids=() exited= code=0
    for i in "${!BROKER_PIDS[@]}"; do if broker_alive "$i"; then pids+=("${BROKER_PIDS[$i]}"); fi; done
    [ -n "$AZURITE_PID" ] && pids+=("$AZURITE_PID")
    [ -n "$CONTROL_PLANE_PID" ] && pids+=("$CONTROL_PLANE_PID")
    # Returns when one of them exits (with its code), or >128 when a trapped signal arrives and
    # the trap has run.
    wait -n -p exited "${pids[@]}" 2>/dev/null || code=$?
    [ -n "$exited" ] || continue
    if [ "$exited" = "$CONTROL_PLANE_PID" ]; then
      CONTROL_PLANE_PID=
      rm -f "$CONTROL_PLANE_ENV"
      log "the control plane exited (code $code); see $LOGS/control-plane.log. The brokers keep running; Ctrl-C stops them"
      continue
    fi
    if [ "$exited" = "$AZURITE_PID" ]; then
      AZURITE_PID=
      log "Azurite exited (code $code); see $LOGS/azurite.log. The brokers keep running without storage; Ctrl-C stops them"
      continue
    fi
    for i in "${!BROKER_PIDS[@]}"; do
      if [ "${BROKER_PIDS[$i]}" = "$exited" ]; then
        BROKER_PIDS[i]=
        log "broker $i exited (code $code); see $LOGS/broker-$i.log. The other brokers keep running"
      fi
    done
  done
  log "no broker is running any more; stopping"
  exit 1
}

# Seeds an operator key on first start (straight into Table storage: the control plane accepts no key before one
# exists), starts the local control plane over the cluster's tables, and writes control-plane.env; sets CONTROL_PLANE_URL.
seed_operator_key() { # azurite-connection keyfile
  log "seeding an operator API key for the control plane (kept in $2 for later starts)"
  if ! (umask 077 && FJORD_TABLE_CONNECTION="$1" dotnet "$CLI_DLL" api-key create --table-connection "$1" --lifetime-days 3650 \
      --description "fjord.sh local operator" >"$2.tmp" 2>"$LOGS/api-key-create.log"); then
    rm -f "$2.tmp"; log "could not create the operator key; see $LOGS/api-key-create.log"; return 1
  fi
  mv -f "$2.tmp" "$2"
}

start_control_plane() { # azurite-connection bootstrap-servers default-port
  local keyfile="$STATE/security/control-plane-operator.key" port="${FJORD_API_PORT:-$3}"
  if [ ! -s "$keyfile" ]; then seed_operator_key "$1" "$keyfile" || return 1; fi
  if [ "$port" != 0 ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    if [ -n "${FJORD_API_PORT:-}" ]; then log "port $port (FJORD_API_PORT) is taken; stopping"; return 1; fi
    log "port $port is taken; the control plane takes a port the OS chooses"; port=0
  fi
  rotate_log "$LOGS/control-plane.log"
  log "starting the control plane (log: $LOGS/control-plane.log)"
  # Settings through the environment, as the Functions app reads them; the storage key stays out of argv.
  FJORD_TABLE_CONNECTION="$1" FJORD_BOOTSTRAP_SERVERS="$2" FJORD_CA_CERTIFICATE_PATH="$STATE/security/ca.pem" \
    FJORD_CA_KEY_PATH="$STATE/security/ca.key" FJORD_CERTIFICATE_REVOCATION_TABLE=fjordcertrevocations \
    FJORD_BROKER_KEYSTORE_PATHS="$STATE/security/broker.keystore.pem" FJORD_LOCAL_TIMER_INTERVAL="${FJORD_LOCAL_TIMER_INTERVAL:-300}" \
    dotnet "$CONTROL_PLANE_DLL" --urls "http://127.0.0.1:$port" >"$LOGS/control-plane.log" 2>&1 &
  CONTROL_PLANE_PID=$!
  local deadline=$((SECONDS + 60)) line=
  until line=$(grep -m1 "Fjord control plane listening on " "$LOGS/control-plane.log" 2>/dev/null); do
    if ! kill -0 "$CONTROL_PLANE_PID" 2>/dev/null; then
      CONTROL_PLANE_PID=; log "the control plane exited at start; see $LOGS/control-plane.log"; tail -20 "$LOGS/control-plane.log" >&2; return 1
    fi
    if ((SECONDS > deadline)); then log "the control plane did not start within 60 s; see $LOGS/control-plane.log"; return 1; fi
    sleep 0.1
  done
  local url="${line#*Fjord control plane listening on }"
  url="${url%%[[:space:]]*}"
  # A kept key that storage no longer knows (its data wiped, or the key expired) is replaced, not left to fail later.
  if ! FJORD_API_URL="$url" FJORD_API_KEY="$(cat "$keyfile")" dotnet "$CLI_DLL" tenant list >/dev/null 2>&1; then
    log "the control plane refused the kept operator key"; seed_operator_key "$1" "$keyfile" || return 1
  fi
  (umask 077 && printf 'FJORD_API_URL=%s\nFJORD_API_KEY=%s\n' "$url" "$(cat "$keyfile")" >"$CONTROL_PLANE_ENV")
  log "control plane listening on $url (URL and operator key in $CONTROL_PLANE_ENV)"
  CONTROL_PLANE_URL="$url"
}

# Runs the CLI against the local cluster: its control plane (control-plane.env wins over the user's own FJORD_API_*
# and login, since this is the local tool) and, for the commands that write Table storage directly, its Azurite.
run_cli() {
  export FJORD_HOME="$STATE"
  FJORD_TABLE_CONNECTION=$(azurite_connection)
  export FJORD_TABLE_CONNECTION
  if [ -f "$CONTROL_PLANE_ENV" ]; then
    FJORD_API_URL=$(control_plane_value FJORD_API_URL)
    FJORD_API_KEY=$(control_plane_value FJORD_API_KEY)
    export FJORD_API_URL FJORD_API_KEY
  fi
  (cd "$CALLER_DIR" && dotnet "$CLI_DLL" "$@")
}

require_control_plane() {
  if [ ! -f "$CONTROL_PLANE_ENV" ]; then
    log "no local control plane ($CONTROL_PLANE_ENV is missing): start the local cluster first (./fjord.sh start, in another terminal)"; exit 1
  fi
}

cmd_cli() {
  ensure_dotnet
  mkdir -p "$LOGS"
  build_cli
  if [ ! -f "$CONTROL_PLANE_ENV" ]; then log "warning: $CONTROL_PLANE_ENV is missing (is ./fjord.sh start running?)"; fi
  run_cli "$@"
}

# The tenant commands go through the local control plane `start` runs (control-plane.env), which knows the
# brokers' SASL_SSL listeners and CA; reset-admin-password alone writes its Azurite directly. Deleting a tenant needs
# the brokers too, since the active controller removes what the tenant owns.
cmd_tenant() {
  local sub="${1:-}"
  if [ -z "$sub" ]; then sed -n '/^#   \.\/fjord\.sh tenant/,/reset-admin-password writes Table storage directly/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
  shift
  ensure_dotnet
  local brokers="${FJORD_BROKERS:-3}" table="${FJORD_TABLE_PORT:-10002}"
  local base="${FJORD_BROKER_PORT_BASE:-9092}"
  local sasl_base="${FJORD_SASL_SSL_PORT_BASE:-$((base + 100))}"
  local tenants="$STATE/tenants" name="" i
  case "$sub" in
    create | delete | reset-admin-password)
      name="${1:-}"
      # The name becomes a file name below: only a legal tenant id may get that far.
      if ! [[ "$name" =~ ^[a-z][a-z0-9-]{0,30}[a-z0-9]$ ]]; then
        log "usage: ./fjord.sh tenant $sub NAME (NAME: 2 to 32 of a-z, 0-9 and '-', starting with a letter, not ending with '-')"; exit 2
      fi
      shift ;;
  esac
  mkdir -p "$LOGS"
  if [ "$sub" = reset-admin-password ]; then
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$table") 2>/dev/null; then
      log "no Azurite on 127.0.0.1:$table: start the local cluster first (./fjord.sh start, in another terminal)"; exit 1
    fi
  else
    require_control_plane
  fi
  build_cli
  local secure_bootstrap=()
  for ((i = 0; i < brokers; i++)); do secure_bootstrap+=("127.0.0.1:$((sasl_base + i))"); done
  local secure_joined; secure_joined=$(IFS=,; echo "${secure_bootstrap[*]}")
  case "$sub" in
    create | reset-admin-password)
      local ca; ca=$(sed -n 's/^ssl\.ca\.location=//p' "$STATE/client.properties" 2>/dev/null | tail -1) || true
      if [ -z "$ca" ] || [ ! -f "$ca" ]; then
        log "no CA in $STATE/client.properties: start the local cluster first (./fjord.sh start makes the CA)"; exit 1
      fi
      mkdir -p "$tenants"
      local props="$tenants/$name.properties"
      if [ "$sub" = create ]; then
        log "creating tenant $name (its admin user $name.admin, SCRAM-SHA-512/256, with every right on the names $name.*)"
        # The bootstrap servers come from the control plane; the CA is named where `start` keeps it.
        run_cli tenant create "$name" --client-config "$props" --ca-location "$ca" "$@"
      else
        log "giving $name.admin of tenant $name a new password"
        run_cli tenant reset-admin-password "$name" --bootstrap-servers "$secure_joined" --client-config "$props" --ca-location "$ca" "$@"
      fi
      log "client config of $name.admin: $props (the brokers learn of the new password within seconds)"
      echo "  try: kcat -F $props -L"
      ;;
    delete)
      local wait="${FJORD_TENANT_DELETE_WAIT:-120}" live=0
      for ((i = 0; i < brokers; i++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$((sasl_base + i))") 2>/dev/null; then live=$((live + 1)); fi
      done
      if ((live == 0)); then
        log "warning: no broker listens on $secure_joined; only a running controller removes a tenant, so the wait below will run out"
      fi
      log "deleting tenant $name (the active controller removes its topics, groups, transactional ids, ACLs and users; waiting up to ${wait} s)"
      run_cli tenant delete "$name" --wait-seconds "$wait" "$@"
      if [ -f "$tenants/$name.properties" ]; then
        rm -f "$tenants/$name.properties" "$tenants/$name.ca.pem"
        log "removed $tenants/$name.properties"
      fi
      ;;
    *)
      run_cli tenant "$sub" "$@"
      ;;
  esac
}

# `dotnet format` over every project: whitespace and code style (naming, usings, braces …). Its third
# part, the analyzers, is left out: the build above already fails on their warnings
# (TreatWarningsAsErrors, EnforceCodeStyleInBuild), and running them again doubles the time
# (~5 min instead of ~2.5 on two cores).
check_format() {
  log "checking formatting and code style (dotnet format whitespace + style Service.sln --verify-no-changes; 2-3 minutes)"
  local rc=0
  dotnet format whitespace "$ROOT/Service.sln" --verify-no-changes || rc=1
  dotnet format style "$ROOT/Service.sln" --verify-no-changes || rc=1
  if ((rc != 0)); then
    log "FAILED: dotnet format would change the files listed above; run 'dotnet format Service.sln' and commit the result"
    return 1
  fi
}

# Generated/ is committed; it must be exactly what the generator makes from the specs, so nobody
# hand-edits a codec (a fix there belongs in the generator).
check_generated_protocol() {
  local specs="${FJORD_PROTOCOL_SPECS:-$ROOT/../shared/kafka-protocol/messages}"
  local generator="$ROOT/broker/tools/Fjord.Protocol.Generator/bin/Release/net10.0/Fjord.Protocol.Generator.dll"
  local committed="$ROOT/broker/src/Fjord.Protocol/Generated"
  log "checking that broker/src/Fjord.Protocol/Generated is the generator's output for $specs"
  if [ ! -d "$specs" ]; then
    log "FAILED: Kafka's message specs are not at $specs (set FJORD_PROTOCOL_SPECS to the folder of *Request.json / *Response.json)"
    return 1
  fi
  local out rc=0
  out=$(mktemp -d)
  if ! dotnet "$generator" "$specs" "$out" >/dev/null; then
    log "FAILED: the protocol generator did not run"; rm -rf "$out"; return 1
  fi
  diff -r "$out" "$committed" >&2 || rc=$?
  rm -rf "$out"
  if ((rc != 0)); then
    log "FAILED: Generated/ differs from the generator's output (diff above: left = generator, right = committed);"
    log "        change the generator, not the .g.cs files, then: dotnet run --project broker/tools/Fjord.Protocol.Generator -- $specs broker/src/Fjord.Protocol/Generated"
    return 1
  fi
}

# Fjord.Fuzz for a bounded time: a fixed seed (the same inputs every run) and a fresh one
# (new inputs each run; printed so a failure can be replayed). Crashing inputs land in $1.
run_fuzz() { # crash-dir
  local dll="$ROOT/tests/Fjord.Fuzz/bin/Release/net10.0/Fjord.Fuzz.dll"
  local seconds="${FJORD_FUZZ_SECONDS:-60}" seed rc failed=0
  for seed in 20240601 "$(date +%s)"; do
    log "fuzzing frames, codecs and record batches for ${seconds} s (seed $seed; rerun: dotnet $dll --target all --seconds $seconds --seed $seed)"
    rc=0; dotnet "$dll" --target all --seconds "$seconds" --seed "$seed" --crash-dir "$1" || rc=$?
    if ((rc == 1)); then
      log "FAILED: the fuzzer found a crash with seed $seed (inputs in $1; each is replayed with --target T --replay FILE)"; failed=1
    elif ((rc != 0)); then
      log "FAILED: the fuzzer did not run (exit code $rc)"; failed=1
    fi
  done
  return $failed
}

# Counts every suite's results and, last in the output (where a CI log's tail shows it), names each
# failed test with the start of its message, so a failure on another machine can be read from the tail.
summarize_results() { # results-dir
  python3 - "$1" <<'PY' || true
import sys, glob, xml.etree.ElementTree as ET
passed = failed = skipped = 0
failures = []
for f in glob.glob(sys.argv[1] + "/*.trx"):
    root = ET.parse(f).getroot()
    c = root.find(".//{*}Counters")
    if c is not None:
        passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
        skipped += int(c.get("notExecuted", 0))
    for r in root.iter():
        if r.tag.endswith("UnitTestResult") and r.get("outcome") not in ("Passed", "NotExecuted"):
            message = r.find(".//{*}Message")
            trace = r.find(".//{*}StackTrace")
            failures.append((r.get("testName"), r.get("duration"), (message.text if message is not None else "") or "",
                             (trace.text if trace is not None else "") or ""))
for name, duration, message, trace in failures:
    print(f"FAILED TEST {name} (after {duration})")
    for line in message.strip().splitlines()[:15]: print("    " + line)
    for line in trace.strip().splitlines()[:8]: print("    " + line)
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
}

cmd_test() {
  ensure_dotnet; ensure_azurite; ensure_kcat; ensure_openssl
  local results="$ROOT/TestResults"
  rm -rf "$results"
  local status=0 failed=()
  log "building Service.sln (Release; the first build takes a few minutes)"
  dotnet build "$ROOT/Service.sln" -c Release -nologo -v quiet || exit 1
  check_format || failed+=("dotnet format")
  check_generated_protocol || failed+=("generated protocol code")
  log "running every test suite (several minutes; each test is listed as it finishes; results in $results)"
  dotnet test "$ROOT/Service.sln" -c Release --no-build -nologo \
    --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" \
    --blame-hang-timeout 10m "$@" || status=$?
  run_fuzz "$results/fuzz-crashes" || failed+=("fuzzing")
  summarize_results "$results"
  if ((${#failed[@]} > 0)); then
    log "FAILED checks: $(IFS=,; echo "${failed[*]}" | sed 's/,/, /g') (see the FAILED lines above)"
    ((status != 0)) || status=1
  fi
  return $status
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  test) shift; cmd_test "$@" ;;
  tenant) shift; cmd_tenant "$@" ;;
  cli) shift; cmd_cli "$@" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
