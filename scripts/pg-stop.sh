#!/usr/bin/env bash
# Stops a server started by scripts/pg-start.sh and deletes its directory.
#
#   scripts/pg-stop.sh DIR        (DIR defaults to $PGDATA_DIR, as exported by pg-start.sh)
set -euo pipefail

DIR="${1:-${PGDATA_DIR:-}}"
if [ -z "$DIR" ]; then
    echo "usage: scripts/pg-stop.sh DIR" >&2
    exit 2
fi
if [ ! -d "$DIR" ]; then
    echo "pg-stop: $DIR does not exist; nothing to stop" >&2
    exit 0
fi
# Refuse to delete a directory that pg-start.sh did not make.
if [ ! -e "$DIR/.orleanssafety-pg" ]; then
    echo "pg-stop: $DIR was not made by scripts/pg-start.sh; leaving it alone" >&2
    exit 1
fi

BIN_DIR="${PG_BIN_DIR:-}"
if [ -f "$DIR/pg.env" ]; then
    BIN_DIR="$(sed -n "s/^export PG_BIN_DIR='\(.*\)'$/\1/p" "$DIR/pg.env")"
fi
if [ -z "$BIN_DIR" ]; then
    BIN_DIR="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r | head -n1)"
fi

if [ -f "$DIR/data/postmaster.pid" ]; then
    RUN_AS=()
    if [ "$(id -u)" -eq 0 ]; then
        RUN_AS=(runuser -u "$(stat -c %U "$DIR/data")" --)
    fi
    # 'fast' rolls back open sessions (test databases being dropped, pools still open) instead of waiting for them.
    "${RUN_AS[@]}" "$BIN_DIR/pg_ctl" -D "$DIR/data" -m fast -w -t 30 stop >/dev/null \
        || "${RUN_AS[@]}" "$BIN_DIR/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null || true
fi
rm -rf -- "$DIR"
