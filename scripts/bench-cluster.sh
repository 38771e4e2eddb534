#!/usr/bin/env bash
# Functions for scripts/bench.sh: a benchmark cluster of local processes (Release builds) on a PostgreSQL from
# scripts/pg-start.sh — N silo processes and a gateway in client mode, configured for load (benchmark endpoints on,
# per-key and login limits out of the way; the per-reporter flag limit stays at its default, the tool keeps under it).
# Every process started here is recorded by PID and stopped by PID; nothing is killed by name.
#
#   source scripts/bench-cluster.sh
#   bench_prepare                   # Release builds, a throwaway PostgreSQL (exports ConnectionStrings__Postgres),
#                                   # and an EXIT trap that stops the cluster and that PostgreSQL
#   bench_cluster_up N WORKDIR      # exports BENCH_URL BENCH_CLUSTER_ID BENCH_GATEWAY_PID BENCH_WATCH LOADTEST_API_KEY
#   bench_cluster_down
#
# Variables read by bench_cluster_up: BENCH_SILO_ENV and BENCH_GATEWAY_ENV (extra NAME=value settings, space
# separated, e.g. "Storage__Journal__Writers=1"); N=0 starts no silo process and co-hosts the silo in the gateway
# (Orleans:Mode=cohosted on the same PostgreSQL). BENCH_SILO_DLL and BENCH_GATEWAY_DLL run other builds of the silo
# and the gateway (a code A/B). BENCH_PG_LOG=FILE keeps PostgreSQL's log there when the run ends: its checkpoints and
# every autovacuum and autoanalyze, with millisecond times, to line up with the load tool's progress lines.

BENCH_PIDS=()
BENCH_TOOL="src/LoadTest/bin/Release/net10.0/OrleansSafety.LoadTest.dll"
# The `steady` figure's load, less its duration: scripts/bench.sh steady, and bench-experiments.sh tool, which
# compares two builds of the tool on it.
BENCH_STEADY_LOAD=(--rooms 1000 --users 20000 --history 10 --concurrency 128 --warmup 5 --rate-warmup 20 --chat-rate 1000
    --flag-rate 20 --boot-rate 1 --agents 10 --seniors 2 --think-ms 200 --appeal-share 0.5)
SILO_DLL="src/Silo/bin/Release/net10.0/OrleansSafety.Silo.dll" # the default of BENCH_SILO_DLL
GATEWAY_DLL="src/Gateway/bin/Release/net10.0/OrleansSafety.Gateway.dll" # the default of BENCH_GATEWAY_DLL

bench_log() { echo "bench: $*" >&2; }

# A port no one listens on, below the kernel's ephemeral range: a port in that range may be the local end of one of
# the load tool's many connections, which a connect test does not see and which then fails the silo's bind.
bench_free_port() {
    local port first_ephemeral
    first_ephemeral=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    while :; do
        port=$((10000 + RANDOM % (first_ephemeral - 10000)))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}

bench_wait_for() { # bench_wait_for SECONDS DESCRIPTION COMMAND...
    local seconds=$1 what=$2
    shift 2
    for _ in $(seq 1 $((seconds * 5))); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    bench_log "timed out waiting for $what"
    return 1
}

# Done waiting when the gateway answers /health/ready, or at once when it has died (e.g. its port was taken).
bench_gateway_ready() {
    kill -0 "$BENCH_GATEWAY_PID" 2>/dev/null || return 0
    curl -sf "$BENCH_URL/health/ready" >/dev/null
}

bench_cluster_up() { # bench_cluster_up SILOS WORKDIR
    local silos=$1 dir=$2 i
    mkdir -p "$dir"
    BENCH_CLUSTER_ID="bench-$(date +%s)-$RANDOM"
    export BENCH_CLUSTER_ID
    local common=(
        "ConnectionStrings__Postgres=$ConnectionStrings__Postgres"
        "Orleans__ClusterId=$BENCH_CLUSTER_ID"
        "Orleans__ServiceId=orleanssafety-bench"
        "Logging__LogLevel__Default=Warning"
        "Logging__LogLevel__OrleansSafety.Silo=Information"
        "DOTNET_gcServer=1"
    )
    BENCH_SILO_PIDS=()
    BENCH_WATCH=""
    for i in $(seq 1 "$silos"); do
        # shellcheck disable=SC2086
        env "${common[@]}" "Orleans__SiloPort=$(bench_free_port)" "Orleans__GatewayPort=$(bench_free_port)" ${BENCH_SILO_ENV:-} \
            dotnet "${BENCH_SILO_DLL:-$SILO_DLL}" >"$dir/silo$i.log" 2>&1 &
        BENCH_PIDS+=($!)
        BENCH_SILO_PIDS+=($!)
        BENCH_WATCH+="silo$i=$!,"
        # One at a time: the first silo migrates the schema, the others then find nothing to do.
        bench_wait_for 60 "silo $i" grep -q "silo ready" "$dir/silo$i.log" || { tail -20 "$dir/silo$i.log" >&2; return 1; }
    done
    local port mode=() attempt
    if [ "$silos" -eq 0 ]; then
        mode=("Orleans__Mode=cohosted" "Orleans__Dashboard=false" "Orleans__SiloPort=$(bench_free_port)" "Orleans__GatewayPort=$(bench_free_port)")
        # shellcheck disable=SC2206
        mode+=(${BENCH_SILO_ENV:-})
    else
        # A client only reads membership: a small pool leaves connections for the silos.
        mode=("Orleans__Mode=client" "Storage__MaxPoolSize=8")
    fi
    # Fresh secrets per cluster; the tool gets the key through LOADTEST_API_KEY.
    LOADTEST_API_KEY="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    export LOADTEST_API_KEY
    # A free port can be taken between the check and the bind: try another one.
    for attempt in 1 2 3; do
        port=$(bench_free_port)
        # shellcheck disable=SC2086
        env "${common[@]}" \
            "ASPNETCORE_ENVIRONMENT=Production" \
            "Gateway__ApiKeys__0__Name=bench" \
            "Gateway__ApiKeys__0__Key=$LOADTEST_API_KEY" \
            "Gateway__Auth__SigningKey=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
            "${mode[@]}" \
            "Gateway__BenchmarkEndpoints=true" \
            "Gateway__RateLimits__PerKeyBurst=10000000" \
            "Gateway__RateLimits__PerKeyPerSecond=10000000" \
            "Gateway__RateLimits__LoginsPerMinute=100000" \
            ${BENCH_GATEWAY_ENV:-} \
            dotnet "${BENCH_GATEWAY_DLL:-$GATEWAY_DLL}" --urls "http://127.0.0.1:$port" >"$dir/gateway.log" 2>&1 &
        BENCH_GATEWAY_PID=$!
        BENCH_PIDS+=("$BENCH_GATEWAY_PID")
        BENCH_URL="http://127.0.0.1:$port"
        bench_wait_for 60 "gateway" bench_gateway_ready || true
        curl -sf "$BENCH_URL/health/ready" >/dev/null 2>&1 && break
        kill -KILL "$BENCH_GATEWAY_PID" 2>/dev/null || true
        # Kept: the next attempt writes gateway.log afresh, and a failed start should say why.
        mv "$dir/gateway.log" "$dir/gateway-attempt$attempt.log"
        bench_log "gateway attempt $attempt did not start (log: $dir/gateway-attempt$attempt.log)"
        [ "$attempt" -eq 3 ] && { tail -20 "$dir/gateway-attempt$attempt.log" >&2; return 1; }
    done
    BENCH_WATCH+="gateway=$BENCH_GATEWAY_PID"
    [ "$silos" -eq 0 ] && BENCH_SILO_PIDS=("$BENCH_GATEWAY_PID")
    export BENCH_URL BENCH_GATEWAY_PID BENCH_WATCH
    bench_log "cluster $BENCH_CLUSTER_ID: $silos silo(s) (${BENCH_SILO_PIDS[*]}), gateway $BENCH_GATEWAY_PID at $BENCH_URL"
}

bench_cluster_down() {
    local pid
    for pid in "${BENCH_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${BENCH_PIDS[@]}"; do
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
    BENCH_PIDS=()
}

bench_prepare() {
    local project
    bench_log "building Release"
    for project in src/Silo src/Gateway src/LoadTest; do
        dotnet build "$project" -c Release --nologo -v quiet >/dev/null
    done
    # Its own temp dir: pg-start.sh hands the directory to the postgres user, who must be able to reach it.
    BENCH_PG_DIR="$(mktemp -d /tmp/orleanssafety-pg.XXXXXX)"
    trap bench_cleanup EXIT
    scripts/pg-start.sh "$BENCH_PG_DIR" >/dev/null
    # shellcheck disable=SC1091
    source "$BENCH_PG_DIR/pg.env"
    export ConnectionStrings__Postgres
    # The server's background work in its log: every autovacuum and autoanalyze (checkpoints, and millisecond times,
    # are in PostgreSQL 15's defaults).
    bench_psql -c "ALTER SYSTEM SET log_autovacuum_min_duration = 0" -c "SELECT pg_reload_conf()" >/dev/null
}

bench_psql() { # bench_psql PSQL-ARGS...: psql as the benchmark server's superuser, over its Unix socket
    local port
    port=$(grep -o 'Port=[0-9]*' <<<"$ConnectionStrings__Postgres" | cut -d= -f2)
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$PG_BIN_DIR/psql" -h "$BENCH_PG_DIR" -p "$port" -U postgres -d postgres -qAt "$@"
    else
        "$PG_BIN_DIR/psql" -h "$BENCH_PG_DIR" -p "$port" -U postgres -d postgres -qAt "$@"
    fi
}

bench_cleanup() {
    bench_cluster_down
    [ -z "${BENCH_PG_LOG:-}" ] || cp "$BENCH_PG_DIR/server.log" "$BENCH_PG_LOG" || true
    scripts/pg-stop.sh "$BENCH_PG_DIR" >/dev/null 2>&1 || true
}
