#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for tests and local runs.
#
#   scripts/pg-start.sh [DIR]
#
# DIR (default: a new temp dir) receives the cluster (DIR/data), its log (DIR/server.log) and an env file
# (DIR/pg.env). Standard output is only the env file's lines, so both of these work:
#
#   eval "$(scripts/pg-start.sh)"              # exports ConnectionStrings__Postgres and PGDATA_DIR
#   scripts/pg-start.sh /tmp/pg && source /tmp/pg/pg.env
#
# Stop and remove it with scripts/pg-stop.sh DIR. Works as root (CI) and as a normal user: initdb and pg_ctl
# refuse to run as root, so as root the server runs as the 'postgres' user (created if missing).
set -euo pipefail

log() { echo "pg-start: $*" >&2; }

find_bin_dir() {
    local dir
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
        return 0
    fi
    # Highest installed major version first.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

BIN_DIR="$(find_bin_dir || true)"
if [ -z "$BIN_DIR" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "no PostgreSQL binaries found in /usr/lib/postgresql/*/bin; install them with: sudo apt-get install -y postgresql"
        exit 1
    fi
    log "installing PostgreSQL with apt-get (once per machine)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    BIN_DIR="$(find_bin_dir)"
fi

# Who runs the server: ourselves, or 'postgres' when we are root.
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    RUN_AS=(runuser -u postgres --)
fi

DIR="${1:-}"
if [ -z "$DIR" ]; then
    DIR="$(mktemp -d "${TMPDIR:-/tmp}/orleanssafety-pg.XXXXXX")"
else
    mkdir -p "$DIR"
fi
DIR="$(cd "$DIR" && pwd)"
if [ -e "$DIR/data" ]; then
    log "$DIR/data exists already; stop it with scripts/pg-stop.sh $DIR or pick another DIR"
    exit 1
fi
# Marks the directory as ours, so pg-stop.sh never deletes a directory it did not make.
touch "$DIR/.orleanssafety-pg"
if [ "${#RUN_AS[@]}" -gt 0 ]; then
    chown postgres "$DIR"
    chmod 700 "$DIR"
fi

SUPERUSER=postgres
PASSWORD="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PWFILE="$DIR/.pwfile"
(umask 077 && printf '%s\n' "$PASSWORD" >"$PWFILE")
[ "${#RUN_AS[@]}" -gt 0 ] && chown postgres "$PWFILE"

# TCP clients authenticate with the password (like production); the Unix socket, which lives in DIR and
# only its owner can reach, is trusted so that this script can create the database.
# --no-sync only skips flushing initdb's own files: the server itself runs with fsync on.
"${RUN_AS[@]}" "$BIN_DIR/initdb" -D "$DIR/data" -U "$SUPERUSER" --pwfile="$PWFILE" \
    --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
rm -f "$PWFILE"

cat >>"$DIR/data/postgresql.conf" <<EOF

# --- scripts/pg-start.sh ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
max_connections = 200
fsync = on
synchronous_commit = on
timezone = 'UTC'
EOF

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Pick a free port; another process can take it between the check and the start, so retry a few times.
PORT=""
for _ in 1 2 3 4 5; do
    candidate=$((20000 + RANDOM % 40000))
    port_in_use "$candidate" && continue
    if "${RUN_AS[@]}" "$BIN_DIR/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -o "-p $candidate" -w -t 30 start >/dev/null; then
        PORT="$candidate"
        break
    fi
    log "start on port $candidate failed; retrying"
done
if [ -z "$PORT" ]; then
    tail -n 20 "$DIR/server.log" >&2 || true
    exit 1
fi

"${RUN_AS[@]}" "$BIN_DIR/psql" -h "$DIR" -p "$PORT" -U "$SUPERUSER" -d postgres -v ON_ERROR_STOP=1 -qAt \
    -c "CREATE DATABASE orleanssafety" >/dev/null

ENV_FILE="$DIR/pg.env"
(
    umask 077
    cat >"$ENV_FILE" <<EOF
export ConnectionStrings__Postgres='Host=127.0.0.1;Port=$PORT;Database=orleanssafety;Username=$SUPERUSER;Password=$PASSWORD'
export PGDATA_DIR='$DIR'
export PG_BIN_DIR='$BIN_DIR'
EOF
)
log "PostgreSQL $("$BIN_DIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT, data in $DIR/data, env in $ENV_FILE"
cat "$ENV_FILE"
