#!/usr/bin/env bash
# Stops a cluster started by scripts/cluster-up.sh: the gateway first, then the silos newest first, each with SIGTERM
# and up to 30 s to stop gracefully (silos deactivate their grains and flush the chat journal), SIGKILL only after
# that; then the PostgreSQL server (scripts/pg-stop.sh, which deletes DIR/pg). The logs stay in DIR.
#
#   scripts/cluster-down.sh DIR        (DIR defaults to $CLUSTER_DIR, as exported by DIR/cluster.env)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "cluster-down: $*" >&2; }

DIR="${1:-${CLUSTER_DIR:-}}"
if [ -z "$DIR" ]; then
    echo "usage: scripts/cluster-down.sh DIR" >&2
    exit 2
fi
if [ ! -d "$DIR" ]; then
    log "$DIR does not exist; nothing to stop"
    exit 0
fi

# Only processes this cluster started: the PIDs cluster-up.sh recorded, and only while they still run our dlls
# (a PID reused by another program after a crash is left alone).
ours() { # ours PID
    kill -0 "$1" 2>/dev/null && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "OrleansSafety\.\(Silo\|Gateway\)\.dll"
}

stop_process() { # stop_process NAME PID
    local name="$1" pid="$2"
    if ! ours "$pid"; then
        log "$name (pid $pid) is not running"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while ours "$pid" && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.2
    done
    if ours "$pid"; then
        log "$name (pid $pid) did not stop in 30 s; SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    else
        log "$name (pid $pid) stopped"
    fi
}

if [ -f "$DIR/pids" ]; then
    # Reverse order: the gateway (started last) first, then the silos newest first.
    tac "$DIR/pids" | while read -r name pid; do
        [ -n "${pid:-}" ] && stop_process "$name" "$pid"
    done
    rm -f "$DIR/pids"
fi

if [ -d "$DIR/pg" ]; then
    scripts/pg-stop.sh "$DIR/pg"
    log "PostgreSQL stopped and its data deleted"
fi
rm -f "$DIR/cluster.env"
log "stopped; logs kept in $DIR"
