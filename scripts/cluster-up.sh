#!/usr/bin/env bash
# Starts the production topology as local processes: a throwaway PostgreSQL, the schema migrated once, N silos
# (src/Silo, Release build) and the HTTP gateway as an Orleans client of them (src/Gateway with Orleans:Mode=client).
#
#   scripts/cluster-up.sh [N_SILOS=2] [DIR]
#
# DIR (default: a new temp dir) receives the logs (silo-N.log, gateway.log, migrate.log), the PostgreSQL server
# (DIR/pg), the PIDs (DIR/pids) and DIR/cluster.env with the gateway URL, the dev credentials, the connection string
# and the cluster ids (`source DIR/cluster.env`). Stop everything with: scripts/cluster-down.sh DIR
#
# Configuration is by environment variables only, the same keys the README and docker-compose.yml use:
#   ORLEANSSAFETY_API_KEY        game-backend key (X-Api-Key)        default: the development key
#   ORLEANSSAFETY_SIGNING_KEY    agent token signing key (32+ chars) default: random per run
#   ORLEANSSAFETY_ADMIN_ID / ORLEANSSAFETY_ADMIN_PASSWORD            default: admin / admin-password-dev
#   ORLEANS_CLUSTER_ID / ORLEANS_SERVICE_ID                          default: a fresh cluster id / orleanssafety
#   GATEWAY_HTTP_PORT            first port tried for the gateway    default: 5080
#   CLUSTER_BUILD=1              rebuild the Release dlls even when they exist
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

log() { echo "cluster-up: $*" >&2; }
die() { log "$*"; exit 1; }

N_SILOS="${1:-2}"
[[ "$N_SILOS" =~ ^[1-9]$ ]] || die "N_SILOS must be 1–9, not '$N_SILOS'"
DIR="${2:-}"
if [ -z "$DIR" ]; then
    DIR="$(mktemp -d "${TMPDIR:-/tmp}/orleanssafety-cluster.XXXXXX")"
else
    mkdir -p "$DIR"
fi
DIR="$(cd "$DIR" && pwd)"
[ -e "$DIR/pids" ] && die "$DIR/pids exists: a cluster may be running there; stop it with scripts/cluster-down.sh $DIR"

SILO_DIR="$ROOT/src/Silo/bin/Release/net10.0"
SILO_DLL="$SILO_DIR/OrleansSafety.Silo.dll"
GATEWAY_PROJECT_DIR="$ROOT/src/Gateway"
GATEWAY_DLL="$GATEWAY_PROJECT_DIR/bin/Release/net10.0/OrleansSafety.Gateway.dll"

for project in Silo Gateway; do
    dll="$ROOT/src/$project/bin/Release/net10.0/OrleansSafety.$project.dll"
    if [ "${CLUSTER_BUILD:-0}" = "1" ] || [ ! -f "$dll" ]; then
        log "building src/$project (Release)"
        dotnet build "$ROOT/src/$project/$project.csproj" -c Release -nologo -v quiet >&2
    fi
done

# On any failure from here on, stop what was started.
started=0
on_exit() {
    local status=$?
    if [ "$status" -ne 0 ] && [ "$started" -eq 1 ]; then
        log "start failed; stopping what was started (logs stay in $DIR)"
        "$ROOT/scripts/cluster-down.sh" "$DIR" >&2 || true
    fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
taken_ports=" "
free_port() { # free_port FIRST: the first port from FIRST on that nothing listens on and we have not handed out
    local port="$1"
    while port_in_use "$port" || [[ "$taken_ports" == *" $port "* ]]; do
        port=$((port + 1))
    done
    taken_ports+="$port "
    echo "$port"
}

# wait_for PID WHAT SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds; fails if PID exits or time runs out.
wait_for() {
    local pid="$1" what="$2" seconds="$3" logfile="$4"
    shift 4
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 30 "$logfile" >&2 || true
            die "$what exited before it was ready (log: $logfile)"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            tail -n 30 "$logfile" >&2 || true
            die "$what was not ready after ${seconds}s (log: $logfile)"
        fi
        sleep 0.2
    done
}

# 1. PostgreSQL
started=1
: >"$DIR/pids"
"$ROOT/scripts/pg-start.sh" "$DIR/pg" >/dev/null
# shellcheck disable=SC1091
source "$DIR/pg/pg.env"
PG="$ConnectionStrings__Postgres"

# 2. Schema, once (silos then start with Storage__MigrateOnStart=false, as in docker-compose.yml).
(cd "$SILO_DIR" && ConnectionStrings__Postgres="$PG" DOTNET_ENVIRONMENT=Production dotnet "$SILO_DLL" migrate) >"$DIR/migrate.log" 2>&1 \
    || { cat "$DIR/migrate.log" >&2; die "migration failed"; }
log "schema: $(tail -n 1 "$DIR/migrate.log")"

CLUSTER_ID="${ORLEANS_CLUSTER_ID:-orleanssafety-local-$(date +%Y%m%d%H%M%S)-$RANDOM}"
SERVICE_ID="${ORLEANS_SERVICE_ID:-orleanssafety}"

# 3. Silos, one after another (started together they race for the membership table's version row and back off).
silo_pids=()
silo_gateways=()
for i in $(seq 1 "$N_SILOS"); do
    silo_port="$(free_port $((11110 + i)))"
    gateway_port="$(free_port $((29999 + i)))"
    logfile="$DIR/silo-$i.log"
    (
        cd "$SILO_DIR"
        exec env \
            DOTNET_ENVIRONMENT=Production \
            ConnectionStrings__Postgres="$PG" \
            Orleans__ClusterId="$CLUSTER_ID" \
            Orleans__ServiceId="$SERVICE_ID" \
            Orleans__SiloPort="$silo_port" \
            Orleans__GatewayPort="$gateway_port" \
            Orleans__AdvertisedIP=127.0.0.1 \
            Storage__MigrateOnStart=false \
            Logging__Console__FormatterName=simple \
            Logging__Console__FormatterOptions__SingleLine=true \
            dotnet "$SILO_DLL"
    ) </dev/null >"$logfile" 2>&1 &
    pid=$!
    echo "silo-$i $pid" >>"$DIR/pids"
    wait_for "$pid" "silo-$i" 90 "$logfile" grep -q "OrleansSafety silo ready" "$logfile"
    log "silo-$i ready (pid $pid, silo port $silo_port, gateway port $gateway_port)"
    silo_pids+=("$pid")
    silo_gateways+=("$gateway_port")
done

# 4. The HTTP gateway, an Orleans client that finds the silos in PostgreSQL's membership table. It runs from its
#    project directory (its content root: appsettings.json and wwwroot), as `dotnet run` would.
API_KEY="${ORLEANSSAFETY_API_KEY:-dev-key-0123456789abcdef}"
SIGNING_KEY="${ORLEANSSAFETY_SIGNING_KEY:-local-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
ADMIN_ID="${ORLEANSSAFETY_ADMIN_ID:-admin}"
ADMIN_PASSWORD="${ORLEANSSAFETY_ADMIN_PASSWORD:-admin-password-dev}"
HTTP_PORT="$(free_port "${GATEWAY_HTTP_PORT:-5080}")"
URL="http://127.0.0.1:$HTTP_PORT"
(
    cd "$GATEWAY_PROJECT_DIR"
    exec env \
        ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}" \
        ConnectionStrings__Postgres="$PG" \
        Orleans__Mode=client \
        Orleans__ClusterId="$CLUSTER_ID" \
        Orleans__ServiceId="$SERVICE_ID" \
        Orleans__GatewayPort="${silo_gateways[0]}" \
        Gateway__ApiKeys__0__Name=local-backend \
        Gateway__ApiKeys__0__Key="$API_KEY" \
        Gateway__Auth__SigningKey="$SIGNING_KEY" \
        Gateway__BootstrapAdmin__AgentId="$ADMIN_ID" \
        Gateway__BootstrapAdmin__Password="$ADMIN_PASSWORD" \
        Logging__Console__FormatterName=simple \
        Logging__Console__FormatterOptions__SingleLine=true \
        dotnet "$GATEWAY_DLL" --urls "$URL"
) </dev/null >"$DIR/gateway.log" 2>&1 &
GATEWAY_PID=$!
echo "gateway $GATEWAY_PID" >>"$DIR/pids"
ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/health/ready")" = "200" ]; }
wait_for "$GATEWAY_PID" "gateway" 90 "$DIR/gateway.log" ready
log "gateway ready (pid $GATEWAY_PID) at $URL"

(
    umask 077
    cat >"$DIR/cluster.env" <<ENV
export ORLEANSSAFETY_URL='$URL'
export ORLEANSSAFETY_API_KEY='$API_KEY'
export ORLEANSSAFETY_ADMIN_ID='$ADMIN_ID'
export ORLEANSSAFETY_ADMIN_PASSWORD='$ADMIN_PASSWORD'
export ConnectionStrings__Postgres='$PG'
export Orleans__ClusterId='$CLUSTER_ID'
export Orleans__ServiceId='$SERVICE_ID'
export CLUSTER_DIR='$DIR'
export SILO_PIDS='${silo_pids[*]}'
export SILO_GATEWAY_PORTS='${silo_gateways[*]}'
export GATEWAY_PID='$GATEWAY_PID'
ENV
)
started=0

cat <<SUMMARY
OrleansSafety cluster up: $N_SILOS silo(s) + gateway, cluster '$CLUSTER_ID'
  gateway     $URL   (dashboard /, API /api/v1, OpenAPI UI /scalar, /health/ready, /metrics)
  API key     X-Api-Key: $API_KEY
  admin       $ADMIN_ID / $ADMIN_PASSWORD
  silos       pids ${silo_pids[*]}, gateway ports ${silo_gateways[*]}
  PostgreSQL  ${PG%%;Password=*}
  logs        $DIR/*.log
  env         source $DIR/cluster.env
  stop        scripts/cluster-down.sh $DIR
SUMMARY
