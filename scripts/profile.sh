#!/usr/bin/env bash
# Where the chat peak's CPU goes, per process: runs the chat peak (closed loop, 128 in flight) against a fresh
# benchmark cluster, samples the gateway's and the silo's threads with dotnet-trace for 15 s in the middle of it, and
# writes the frames that were on CPU, most first (OUT/profile-gateway.txt, OUT/profile-silo.txt, OUT/bench-profile.*).
#
#   scripts/profile.sh            (needs dotnet-trace: dotnet tool install -g dotnet-trace)
#
# dotnet-trace's thread-time sampler (~100 Hz per thread) marks each sample as running managed code (CPU_TIME) or
# blocked in native code; scripts/trace-cpu.py keeps the running samples only. The sampler itself suspends the
# runtime to walk stacks, so frames like PollGC are partly its own cost: compare profiles, not single percentages.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-cluster.sh
source scripts/bench-cluster.sh
export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-trace >/dev/null || { echo "profile: dotnet-trace is not installed (dotnet tool install -g dotnet-trace)" >&2; exit 2; }

OUT="${BENCH_OUT:-docs/images}"
WORK="$(mktemp -d /tmp/orleanssafety-profile.XXXXXX)"
mkdir -p "$OUT"
bench_prepare
bench_cluster_up 1 "$WORK"

trace() { # trace NAME PID: 15 s of thread-time samples, 30 s into the run (after set-up and warm-up)
    sleep 30
    bench_log "tracing $1 (pid $2) for 15 s"
    dotnet-trace collect -p "$2" --profile dotnet-sampled-thread-time --format Speedscope \
        --duration 00:00:00:15 -o "$WORK/$1.nettrace" >"$WORK/trace-$1.log" 2>&1
}
trace gateway "$BENCH_GATEWAY_PID" &
tracers=($!)
trace silo "${BENCH_SILO_PIDS[0]}" &
tracers+=($!)
dotnet "$BENCH_TOOL" --url "$BENCH_URL" --postgres "$ConnectionStrings__Postgres" --cluster-id "$BENCH_CLUSTER_ID" \
    --service-id orleanssafety-bench --watch "$BENCH_WATCH" --out "$OUT" --name profile \
    --rooms 1000 --users 20000 --concurrency 128 --warmup 20 --ceilings 0 --peak 40 --duration 0 --verify false
wait "${tracers[@]}"
for name in gateway silo; do
    python3 scripts/trace-cpu.py "$WORK/$name.speedscope.json" >"$OUT/profile-$name.txt"
    bench_log "$OUT/profile-$name.txt"
    head -25 "$OUT/profile-$name.txt"
done
