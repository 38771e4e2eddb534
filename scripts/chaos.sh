#!/usr/bin/env bash
# The chaos tests (tests/Chaos.Tests) in their LONG form: a throwaway PostgreSQL, 3 silo processes and the gateway
# in client mode on loopback, under HTTP load that retries with the same Idempotency-Key; silos killed with SIGKILL
# every 20 s, the gateway restarted, PostgreSQL restarted and refusing writes, every silo killed at once, a rolling
# restart, a per-reporter flag flood and a per-key request flood, each followed by a verifier that fails on any
# acknowledged item lost or duplicated. See docs/RELIABILITY.md.
#
#   scripts/chaos.sh [--duration SECONDS] [--kill-interval SECONDS] [--pg-restarts N] [--pg-down SECONDS]
#                    [--writes-refused SECONDS] [--chat-rate MSG_PER_S] [--flag-rate FLAGS_PER_S] [--report FILE]
#                    [--short] [-- dotnet test args, e.g. --filter "FullyQualifiedName~F1_"]
#
#   --duration       how long the silo-kill phase lasts (one kill every --kill-interval)   default 120
#   --kill-interval  seconds between two kills                                             default 20
#   --pg-restarts    PostgreSQL restarts under load                                        default 3
#   --pg-down        seconds PostgreSQL stays down each time                               default 5
#   --writes-refused seconds the database refuses grain-state writes                      default 10
#   --chat-rate      chat messages per second of the load                                  default 300
#   --flag-rate      flags per second of the load                                          default 20
#   --report FILE    append the measured table (markdown) to FILE   default: a new file under ${TMPDIR:-/tmp}
#   --short          the short form instead (what `dotnet test tests/Chaos.Tests` runs)
#
# The same variables work without the script: CHAOS_MODE=long, CHAOS_DURATION_SECONDS, CHAOS_KILL_INTERVAL_SECONDS,
# CHAOS_PG_RESTARTS, CHAOS_PG_DOWN_SECONDS, CHAOS_WRITES_REFUSED_SECONDS, CHAOS_CHAT_PER_SECOND, CHAOS_FLAGS_PER_SECOND,
# CHAOS_AFTER_RECOVERY_SECONDS, CHAOS_REPORT,
# CHAOS_CONFIGURATION (Release|Debug: which build of src/Silo and src/Gateway to run; default the tests' own).
# Processes' logs stay in /tmp/orleanssafety-chaos-<run>-*/logs; the run's table also in …/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

export CHAOS_MODE=long
REPORT=""
EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) export CHAOS_DURATION_SECONDS="$2"; shift 2 ;;
        --kill-interval) export CHAOS_KILL_INTERVAL_SECONDS="$2"; shift 2 ;;
        --pg-restarts) export CHAOS_PG_RESTARTS="$2"; shift 2 ;;
        --pg-down) export CHAOS_PG_DOWN_SECONDS="$2"; shift 2 ;;
        --writes-refused) export CHAOS_WRITES_REFUSED_SECONDS="$2"; shift 2 ;;
        --chat-rate) export CHAOS_CHAT_PER_SECOND="$2"; shift 2 ;;
        --flag-rate) export CHAOS_FLAGS_PER_SECOND="$2"; shift 2 ;;
        --report) REPORT="$2"; shift 2 ;;
        --short) export CHAOS_MODE=short; shift ;;
        -h|--help) usage 0 ;;
        --) shift; EXTRA=("$@"); break ;;
        *) echo "chaos.sh: unknown argument '$1'" >&2; usage 2 ;;
    esac
done
if [ -z "$REPORT" ]; then
    REPORT="${TMPDIR:-/tmp}/orleanssafety-chaos-report-$(date +%Y%m%d-%H%M%S).md"
fi
export CHAOS_REPORT="$REPORT"
export CHAOS_CONFIGURATION="${CHAOS_CONFIGURATION:-Release}"

echo "chaos.sh: building tests/Chaos.Tests with src/Silo and src/Gateway ($CHAOS_CONFIGURATION)" >&2
dotnet build tests/Chaos.Tests -c "$CHAOS_CONFIGURATION" -warnaserror --nologo -v quiet

echo "chaos.sh: $CHAOS_MODE form; the measured table goes to $REPORT" >&2
status=0
dotnet test tests/Chaos.Tests -c "$CHAOS_CONFIGURATION" --no-build --nologo --logger "console;verbosity=detailed" "${EXTRA[@]}" || status=$?
if [ -f "$REPORT" ]; then
    echo
    cat "$REPORT"
fi
exit "$status"
