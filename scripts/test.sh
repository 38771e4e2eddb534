#!/usr/bin/env bash
# Runs every test of OrleansSafety: grains, gateway, PostgreSQL durability, dashboard (headless Chromium),
# cluster faults and the short load run. Installs what is missing and starts a throwaway PostgreSQL unless
# ConnectionStrings__Postgres already points at one. Extra arguments go to `dotnet test` (e.g. --filter).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "test.sh: $*" >&2; }

apt_updated=0
need_package() { # need_package COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ "$(id -u)" -ne 0 ]; then
        log "missing '$1'; install it with: sudo apt-get install -y $2"
        exit 1
    fi
    if [ "$apt_updated" -eq 0 ]; then
        log "apt-get update"
        apt-get update -qq >/dev/null
        apt_updated=1
    fi
    log "installing $2"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

need_package chromium chromium

pg_dir=""
cleanup() {
    if [ -n "$pg_dir" ]; then
        scripts/pg-stop.sh "$pg_dir" || true
    fi
}
trap cleanup EXIT

if [ -z "${ConnectionStrings__Postgres:-}" ]; then
    pg_dir="$(mktemp -d /tmp/orleanssafety-pg.XXXXXX)"
    scripts/pg-start.sh "$pg_dir" >/dev/null
    # shellcheck disable=SC1091
    source "$pg_dir/pg.env"
    export ConnectionStrings__Postgres
    log "PostgreSQL for the tests at ${ConnectionStrings__Postgres%%;Username*}"
fi

dotnet build OrleansSafety.sln -c Release -warnaserror --nologo -v quiet

# Each test project prints its own tally; the last line adds them up for humans and CI.
results="$(mktemp)"
status=0
dotnet test OrleansSafety.sln -c Release --no-build --nologo "$@" 2>&1 | tee "$results" || status=$?
awk '/^(Passed|Failed)! +- Failed: / {
        gsub(",", ""); failed += $4; passed += $6; skipped += $8 }
     END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$results"
# CI keeps only the end of the output: name the failed tests there too.
failed_tests="$(grep -E '^ +Failed [A-Za-z_]' "$results" | sed -E 's/^ +Failed /  failed: /' || true)"
if [ -n "$failed_tests" ]; then
    echo "$failed_tests"
fi
rm -f "$results"
exit "$status"
