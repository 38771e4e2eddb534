#!/usr/bin/env bash
# Where the CPU goes, per process: runs a load against a fresh benchmark cluster, samples the gateway's and the
# silo's threads with dotnet-trace in the middle of it, and writes the frames that were on CPU, most first.
#
#   scripts/profile.sh [chat|storm|alloc-chat|alloc-storm]     (needs dotnet-trace: dotnet tool install -g dotnet-trace)
#
#   chat   (default) the chat peak (closed loop, 128 in flight), traced for 15 s once it runs;
#          writes OUT/profile-gateway.txt, OUT/profile-silo.txt, OUT/bench-profile.*
#   storm  a claim storm (12000 cases after 3000 of warm-up, 50 agents claiming and deciding), traced for 8 s
#          once the measured storm runs;
#          writes OUT/profile-storm-gateway.txt, OUT/profile-storm-silo.txt, OUT/bench-profile-storm.*
#   alloc-chat, alloc-storm   the same loads, but where the processes allocate instead of where their CPU goes:
#          dotnet-trace's gc-verbose profile (one AllocationTick event per ~100 KB allocated, with its stack), summed by
#          type, by our innermost frame and by call path (tools/AllocationProfile);
#          writes OUT/profile-alloc-[storm-]gateway.txt and OUT/profile-alloc-[storm-]silo.txt
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

MODE="${1:-chat}"
trace_profile=dotnet-sampled-thread-time
if [[ "$MODE" == alloc-* ]]; then
    trace_profile=gc-verbose
    MODE="${MODE#alloc-}"
    dotnet build -c Release tools/AllocationProfile -v quiet -nologo >/dev/null
fi
case "$MODE" in
    chat)
        name=profile prefix=profile trace_seconds=15 delay=25 starts_with="[chat-peak "
        load=(--rooms 1000 --users 20000 --concurrency 128 --warmup 20 --ceilings 0 --peak 40 --duration 0 --verify false)
        ;;
    storm)
        name=profile-storm prefix=profile-storm trace_seconds=8 delay=3 starts_with="[claim-storm "
        # 3000 cases of warm-up first (docs/BENCHMARKS.md: a cold claim path costs twice as much), then enough cases
        # for the storm to outlast the trace at ~1000 claims/s.
        load=(--rooms 100 --users 2000 --warmup 0 --duration 0 --storm-cases 12000 --storm-warmup 3000 --storm-agents 50 --verify false)
        ;;
    *)
        echo "profile: unknown mode '$MODE' (chat or storm)" >&2
        exit 2
        ;;
esac
[ "$trace_profile" = gc-verbose ] && prefix="profile-alloc${prefix#profile}" name="profile-alloc${name#profile}"

OUT="${BENCH_OUT:-docs/images}"
WORK="$(mktemp -d /tmp/orleanssafety-profile.XXXXXX)"
mkdir -p "$OUT"
bench_prepare
bench_cluster_up 1 "$WORK"

dotnet "$BENCH_TOOL" --url "$BENCH_URL" --postgres "$ConnectionStrings__Postgres" --cluster-id "$BENCH_CLUSTER_ID" \
    --service-id orleanssafety-bench --watch "$BENCH_WATCH" --out "$OUT" --name "$name" "${load[@]}" \
    > >(tee "$WORK/tool.log") 2>&1 &
tool=$!

# Tracing starts $delay s after the phase's first progress line (the chat peak's warm-up prints them too).
until grep -qF "$starts_with" "$WORK/tool.log" 2>/dev/null; do
    kill -0 "$tool" 2>/dev/null || { bench_log "the load tool ended before its measured phase"; exit 1; }
    sleep 0.5
done
sleep "$delay"
tracers=()
for target in "gateway:$BENCH_GATEWAY_PID" "silo:${BENCH_SILO_PIDS[0]}"; do
    bench_log "tracing ${target%%:*} (pid ${target#*:}) for $trace_seconds s"
    format=Speedscope
    [ "$trace_profile" = gc-verbose ] && format=NetTrace
    dotnet-trace collect -p "${target#*:}" --profile "$trace_profile" --format "$format" \
        --duration "00:00:00:$(printf '%02d' "$trace_seconds")" -o "$WORK/${target%%:*}.nettrace" \
        >"$WORK/trace-${target%%:*}.log" 2>&1 &
    tracers+=($!)
done
wait "${tracers[@]}"
wait "$tool"
for process in gateway silo; do
    if [ "$trace_profile" = gc-verbose ]; then
        dotnet tools/AllocationProfile/bin/Release/net10.0/OrleansSafety.AllocationProfile.dll "$WORK/$process.nettrace" \
            >"$OUT/$prefix-$process.txt"
    else
        python3 scripts/trace-cpu.py "$WORK/$process.speedscope.json" >"$OUT/$prefix-$process.txt"
    fi
    bench_log "$OUT/$prefix-$process.txt"
    head -25 "$OUT/$prefix-$process.txt"
done
