#!/usr/bin/env bash
# Runs the benchmark figures of docs/BENCHMARKS.md on this machine and writes their reports and plots
# (bench-<figure>.json / .txt / -*.png) into OUT (default docs/images).
#
#   scripts/bench.sh [FIGURE...]      FIGURE: main steady chat80 flag80 headroom storm rooms history orleans scale memory
#                                     (default: all)
#
# Each figure gets a fresh cluster (Release builds: PostgreSQL from scripts/pg-start.sh, silo processes, a gateway
# in client mode; see scripts/bench-cluster.sh) and one run of the load tool, which measures the ceilings it compares
# with in the same run. Everything runs on this machine; the tool talks to loopback addresses only.
# Environment: BENCH_OUT (output folder), BENCH_SCALE (seconds multiplier for the measured phases, default 1),
# BENCH_PG_LOG (a file to keep PostgreSQL's log in: checkpoints, autovacuum; the tool's lines carry the wall-clock
# time to line them up with).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-cluster.sh
source scripts/bench-cluster.sh

OUT="${BENCH_OUT:-docs/images}"
SCALE="${BENCH_SCALE:-1}"
FIGURES=("$@")
[ ${#FIGURES[@]} -eq 0 ] && FIGURES=(main steady chat80 flag80 headroom storm rooms history orleans scale memory)
WORK="$(mktemp -d /tmp/orleanssafety-bench.XXXXXX)"
mkdir -p "$OUT"

secs() { awk -v s="$1" -v k="$SCALE" 'BEGIN { printf "%d", s * k }'; }

bench_prepare

tool() { # tool NAME ARGS...: one run of the load tool against the current cluster
    local name=$1
    shift
    wait_quiet
    bench_log "figure $name (machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
    dotnet "$BENCH_TOOL" --url "$BENCH_URL" --postgres "$ConnectionStrings__Postgres" \
        --cluster-id "$BENCH_CLUSTER_ID" --service-id orleanssafety-bench \
        --watch "$BENCH_WATCH" --out "$OUT" --name "$name" "$@" \
        | while IFS= read -r line; do printf '%s %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$line"; done | tee "$WORK/$name.log"
}

# dotnet-counters (a dotnet tool: `dotnet tool install -g dotnet-counters`), when installed: a process's runtime
# counters (GC, allocations, thread pool, lock contention, CPU) while a figure runs, summarized afterwards.
COUNTER_PIDS=()
counters() { # counters NAME PID
    local exe="$HOME/.dotnet/tools/dotnet-counters"
    command -v dotnet-counters >/dev/null 2>&1 && exe=dotnet-counters
    [ -x "$exe" ] || command -v "$exe" >/dev/null 2>&1 || return 0
    "$exe" collect -p "$2" --format csv -o "$WORK/$1-counters.csv" --counters System.Runtime >/dev/null 2>&1 &
    COUNTER_PIDS+=("$!:$1")
}
counters_summary() { # stops the collectors and writes OUT/bench-NAME-counters.txt: mean and max of each counter
    local entry pid name
    for entry in "${COUNTER_PIDS[@]}"; do
        pid=${entry%%:*}
        name=${entry#*:}
        # SIGTERM: background jobs of a non-interactive shell ignore SIGINT.
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        [ -f "$WORK/$name-counters.csv" ] || continue
        awk -F, 'NR > 1 { n[$3]++; s[$3] += $5; if (!($3 in m) || $5 > m[$3]) m[$3] = $5 }
            END { for (k in n) printf "%-88s mean %16.3f  max %16.3f\n", k, s[k] / n[k], m[k] }' \
            "$WORK/$name-counters.csv" | sort >"$OUT/bench-$name-counters.txt"
    done
    COUNTER_PIDS=()
}

# Other work on a shared machine moves every number: wait (a while) for it to calm down, and say how busy it was.
wait_quiet() {
    for _ in $(seq 1 12); do
        awk '{ exit !($1 < 2.5) }' /proc/loadavg && return 0
        sleep 5
    done
    bench_log "the machine stays busy (load $(cut -d' ' -f1-3 /proc/loadavg)); measuring anyway, see 'others' in the CPU split"
}

for figure in "${FIGURES[@]}"; do
    case "$figure" in
    main)
        # Ceilings, the chat peak, then everything at once at 80 % of that peak, a claim storm, verification.
        bench_cluster_up 1 "$WORK/main"
        counters main-silo "${BENCH_SILO_PIDS[0]}"
        counters main-gateway "$BENCH_GATEWAY_PID"
        tool main --rooms 1000 --users 20000 --history 10 --concurrency 128 --warmup 5 --rate-warmup 20 \
            --ceilings "$(secs 10)" --peak "$(secs 20)" --chat-share 0.8 --duration "$(secs 30)" \
            --flag-rate 50 --boot-rate 2 --agents 10 --seniors 2 --think-ms 200 --appeal-share 0.5 \
            --storm-cases 1000 --storm-warmup 3000 --storm-agents 50
        counters_summary
        bench_cluster_down
        ;;
    storm)
        # The claim storm alone, long enough for a steady p99: 4000 open cases, 50 agents claiming and deciding flat
        # out after 3000 cases of warm-up (5-10 s: their grains active, the runtime's tiered JIT done with the
        # claim path; after 500 the rate still doubled during the storm).
        bench_cluster_up 1 "$WORK/storm"
        tool storm --rooms 100 --users 2000 --warmup 0 --duration 0 --storm-cases 4000 --storm-warmup 3000 --storm-agents 50
        bench_cluster_down
        ;;
    steady)
        # Everything at once at a moderate fixed rate, well below the peak: latency when the box is not saturated.
        bench_cluster_up 1 "$WORK/steady"
        tool steady "${BENCH_STEADY_LOAD[@]}" --duration "$(secs 30)"
        bench_cluster_down
        ;;
    chat80 | flag80 | headroom)
        # The chat and flag targets as stated: the peak, then chat at 80 % of it (open loop) with nothing else
        # (chat80), or with 10 flags/s and no agents, so that flag → claimable is all that is measured (flag80);
        # headroom: the same as flag80 at half the peak, what the latencies are when the machine is not kept busy.
        flag_rate=0 share=0.8
        [ "$figure" != chat80 ] && flag_rate=10
        [ "$figure" = headroom ] && share=0.5
        bench_cluster_up 1 "$WORK/$figure"
        tool "$figure" --rooms 1000 --users 20000 --history 10 --concurrency 128 --warmup 5 --rate-warmup 20 \
            --ceilings "$(secs 10)" --peak "$(secs 20)" --chat-share "$share" --duration "$(secs 30)" \
            --flag-rate "$flag_rate" --boot-rate 0 --agents 0 --seniors 0
        bench_cluster_down
        ;;
    rooms)
        bench_cluster_up 1 "$WORK/rooms"
        # A,B,B,A with 20 s of warm-up before each step: the run keeps getting faster for minutes (tiered JIT still
        # optimizing under full load), which favours whichever value is measured last; each value is judged by the
        # mean of its two steps.
        tool rooms --rooms 100 --users 2000 --history 10 --concurrency 128 --warmup 20 --duration 0 \
            --sweep-rooms 100,10000,10000,100 --sweep-seconds "$(secs 20)" --verify false
        bench_cluster_down
        ;;
    history)
        bench_cluster_up 1 "$WORK/history"
        tool history --rooms 100 --users 2000 --concurrency 128 --warmup 20 --duration 0 \
            --sweep-history 10,1000,1000,10 --sweep-seconds "$(secs 20)" --verify false
        bench_cluster_down
        ;;
    orleans)
        # The same chat peak without HTTP: the load tool as an Orleans client of the silo.
        bench_cluster_up 1 "$WORK/orleans"
        tool orleans --target orleans --rooms 1000 --users 20000 --history 10 --concurrency 512 --warmup 5 \
            --ceilings "$(secs 10)" --peak "$(secs 20)" --duration 0 --verify false
        bench_cluster_down
        ;;
    scale)
        for silos in 1 2 3; do
            bench_cluster_up "$silos" "$WORK/scale$silos"
            tool "scale-$silos" --rooms 1000 --users 20000 --concurrency 128 --warmup 5 \
                --ceilings "$(secs 10)" --peak "$(secs 20)" --duration 0 --verify false
            bench_cluster_down
        done
        dotnet "$BENCH_TOOL" --plot-scaling "$OUT" | tee "$OUT/bench-scale.txt"
        ;;
    memory)
        bench_cluster_up 1 "$WORK/memory"
        tool memory --target orleans --rooms 10 --users 20 --duration 0 --verify false \
            --memory-rooms "${BENCH_MEMORY_ROOMS:-100000}" --memory-messages 50
        bench_cluster_down
        ;;
    *)
        bench_log "unknown figure '$figure' (main steady chat80 flag80 headroom storm rooms history orleans scale memory)"
        exit 2
        ;;
    esac
done
bench_log "done: reports in $OUT"
