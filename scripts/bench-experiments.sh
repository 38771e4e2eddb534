#!/usr/bin/env bash
# The configuration experiments behind the recommendations in docs/BENCHMARKS.md: each runs the same load twice,
# back to back on one PostgreSQL, once as configured today (A) and once changed (B), so the two differ only in that.
#
#   scripts/bench-experiments.sh [EXPERIMENT...]    cohosted writers partitions backlog spin spinlimit reset
#                                                   grainstate gc datas affinity inline prepare gen0 warmup linger toolgc
#                                                   code tool
#                                                   (default: all but code and tool)
#
#   cohosted    chat80, then a claim storm (COHOSTED_SIDES, default a b b-2 a-2): the gateway as an Orleans client of
#               a silo process (A) vs the silo co-hosted in the gateway on the same PostgreSQL (B): one runtime, one
#               thread pool and one heap fewer on the machine, and no loopback hop for the gateway's grain calls
#   writers     chat peak: the journal's 2 writers (A) vs 1 writer (B), bigger batches per commit
#   partitions  claim storm: 8 queue partitions (A) vs 32 (B)
#   backlog     claim storm: 200 open cases (A) vs 2000 (B): does a claim cost more when the queue is longer?
#   reset       claim storm: Npgsql resetting each pooled connection on reuse (A, DISCARD ALL: its default) vs not
#               (B, No Reset On Close: the project's default)
#   spin        chat peak then chat at 80 % of it: thread-pool workers spinning for work (A, .NET's default, 70) vs
#               not spinning (B, System.Threading.ThreadPool.UnfairSemaphoreSpinLimit=0, the projects' setting from the
#               second round to the eleventh) in silo, gateway and tool
#   grainstate  claim storm, then chat at 300/s with 60 flags/s and ten agents: grain-state writes one transaction
#               each through Orleans' AdoNet provider (A) vs group-committed by PostgresGrainStorage (B, the default)
#   gc          chat peak then chat at 80 % of it, then a claim storm: Server GC (A, the projects' setting) vs
#               Workstation GC (B, DOTNET_gcServer=0) in silo, gateway and tool
#   datas       the same as gc, Server GC both sides: with .NET's dynamic adaptation of the heap count and gen0 budget
#               (A, DATAS: .NET's default) vs without it (B, DOTNET_GCDynamicAdaptationMode=0), silo, gateway and tool
#   inline      the same as gc: socket completions dispatched to the thread pool (A, .NET's default) vs run inline on
#               the socket engine's thread (B, DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1) in silo, gateway and
#               tool: fewer thread hand-offs per request
#   affinity    the same as gc, Server GC both sides: its GC threads bound one to each core (A, .NET's default) vs
#               free to run on any core (B, DOTNET_GCNoAffinitize=1) in silo, gateway and tool: a collection need not
#               wait for the one core another process is using
#   spinlimit   the same as gc (SPINLIMIT_SIDES, default a b b-2 a-2): idle thread-pool workers not spinning (A, the
#               projects' setting until the twelfth round) vs spinning a little (B,
#               DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=SPIN_B, default 15, the projects' setting since; .NET's own
#               is 70, which `spin` measured) in silo, gateway and tool
#   gen0        chat at a fixed 4000/s with 10 flags/s (a, b, b, a): the silo's gen0 budget as .NET sizes it (A) vs
#               capped (B, DOTNET_GCgen0size=GEN0_B, default 0x2000000 = 32 MB): shorter, more frequent pauses?
#   prepare     chat at a fixed 4000/s with 10 flags/s (a, b, b, a), then a claim storm (a, b): Npgsql preparing no
#               statement (A, Max Auto Prepare=0: its default) vs preparing them automatically (B, the project's default)
#   warmup      chat at a fixed 4000/s with 10 flags/s in 100 rooms (a, b, b, a): 5 s of warm-up at that rate (A, what
#               the figures used until the sixth round) vs 20 s (B, what they use now): is the transient at the start
#               of a fixed-rate phase a warm-up too short? (needs dotnet-counters)
#   linger      chat at a fixed LINGER_RATE/s (default 8000) with 10 flags/s in 100 rooms (LINGER_SIDES, default a b b-2
#               a-2): the journal's batch goes out as soon as its first message is queued (A, Linger 0: the
#               default) vs waits LINGER (B, default 00:00:00.002)
#               for more to join it: fewer, bigger commits below the peak. LINGER_LOAD=chat80: each side's
#               closed-loop chat peak, then 80 % of it, instead of the fixed rate
#   code        chat at a fixed 4000/s with 10 flags/s in 100 rooms (a, b, b, a): the silo and the gateway built from
#               BASE_REF (A, e.g. BASE_REF=HEAD~1) vs the working tree (B), with the silo's GC pauses lined up with chat's per-second p99
#               (needs dotnet-counters). 100 rooms so that their message windows are full, as in a silo that has
#               run for a while, and a message kept is one dropped. CODE_LOAD=storm: a claim storm instead (4000
#               open cases, CODE_STORM_CASES, 50 agents claiming and deciding flat out, after STORM_WARMUP cases
#               decided unmeasured, default 3000).
#   toolgc      chat80, then a claim storm (TOOLGC_SIDES, default a b b-2 a-2): the load tool alone on Server GC (A, as
#               built) vs Workstation GC (B, DOTNET_gcServer=0): how much of the measured tail is the tool's own pauses?
#   tool        the `steady` figure's load (a, b, b, a): the load tool built from BASE_REF (A) vs the working tree's
#               (B); the silo and the gateway are the working tree's on both sides. A change to how the tool measures,
#               measured.
# gc, datas, affinity, inline, spinlimit and cohosted take SIDES (GC_SIDES, DATAS_SIDES, AFFINITY_SIDES,
# INLINE_SIDES, SPINLIMIT_SIDES, COHOSTED_SIDES: e.g. "a b b-2 a-2"); STORM_ONLY=1 runs only their claim storms,
# STORM_CASES sets the storms' size (default 1000) and RUNTIME_STORM_WARMUP the cases decided unmeasured before them
# (default 0: cold storms, as the earlier rounds ran them).
# Reports: OUT/bench-exp-<experiment>-<a|b>.json / .txt / -*.png (OUT: BENCH_OUT, default docs/images).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-cluster.sh
source scripts/bench-cluster.sh

OUT="${BENCH_OUT:-docs/images}"
export PATH="$PATH:$HOME/.dotnet/tools" # where `dotnet tool install -g` puts dotnet-counters
EXPERIMENTS=("$@")
[ ${#EXPERIMENTS[@]} -eq 0 ] && EXPERIMENTS=(cohosted writers partitions backlog spin spinlimit reset grainstate gc datas affinity inline prepare gen0 warmup linger toolgc)
# `code` and `tool` are left out of "all": they need BASE_REF.
WORK="$(mktemp -d /tmp/orleanssafety-bench.XXXXXX)"
mkdir -p "$OUT"
bench_prepare

chat_peak=(--rooms 1000 --users 20000 --concurrency 128 --warmup 5 --ceilings 10 --peak 20 --duration 0 --verify false)
chat80=(--rooms 1000 --users 20000 --concurrency 128 --warmup 5 --ceilings 10 --peak 20 --chat-share 0.8 --duration 30
    --flag-rate 0 --boot-rate 0 --agents 0 --seniors 0 --verify false)
storm=(--rooms 100 --users 2000 --warmup 0 --duration 0 --storm-cases "${STORM_CASES:-1000}" --storm-agents 50
    --storm-warmup "${RUNTIME_STORM_WARMUP:-0}")
fixed_chat=(--rooms 1000 --users 20000 --concurrency 128 --warmup 5 --ceilings 0 --peak 0 --chat-rate 4000 --flag-rate 10
    --boot-rate 0 --agents 0 --seniors 0 --duration 30 --verify false)
flags=(--rooms 1000 --users 20000 --concurrency 128 --warmup 5 --ceilings 0 --peak 0 --chat-rate 300 --flag-rate 60
    --boot-rate 0 --agents 10 --seniors 0 --think-ms 200 --duration 30 --verify false)

run() { # run NAME SILOS TOOL-ARGS...   (SILO_GC=1: the silo's GC pauses per second as well, in OUT/bench-NAME-gc.txt)
    local name=$1 silos=$2 counters=""
    shift 2
    bench_cluster_up "$silos" "$WORK/$name"
    bench_log "experiment $name (machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
    if [ -n "${SILO_GC:-}" ]; then
        command -v dotnet-counters >/dev/null || { bench_log "$name needs dotnet-counters (dotnet tool install -g dotnet-counters)"; exit 2; }
        dotnet-counters collect -p "${BENCH_SILO_PIDS[0]}" --counters System.Runtime --format csv -o "$WORK/$name-counters.csv" \
            >/dev/null 2>&1 &
        counters=$!
    fi
    # shellcheck disable=SC2086
    env ${TOOL_ENV:-} dotnet "${RUN_TOOL:-$BENCH_TOOL}" --url "$BENCH_URL" --postgres "$ConnectionStrings__Postgres" --cluster-id "$BENCH_CLUSTER_ID" \
        --service-id orleanssafety-bench --watch "$BENCH_WATCH" --out "$OUT" --name "$name" "$@" \
        | while IFS= read -r line; do printf '%s %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$line"; done | tee "$WORK/$name.log"
    if [ -n "$counters" ]; then
        kill -TERM "$counters" 2>/dev/null || true # a background job ignores SIGINT
        wait "$counters" 2>/dev/null || true
        scripts/gc-vs-latency.py "$WORK/$name.log" "$WORK/$name-counters.csv" "${GC_PHASE:-mixed}" "${GC_OP:-chat}" >"$OUT/bench-$name-gc.txt"
        bench_log "$(tail -2 "$OUT/bench-$name-gc.txt" | tr '\n' ' ')"
    fi
    bench_cluster_down
    BENCH_SILO_ENV=""
}

build_base() { # build_base DIR WHAT PROJECT...: BASE_REF checked out in DIR, its PROJECTs built in Release (side A)
    local dir=$1 what=$2 project
    shift 2
    git worktree add --detach --quiet "$dir" "${BASE_REF:?set BASE_REF to the commit whose $what is side A}"
    bench_log "building the $what of $(git -C "$dir" log -1 --format='%h %s') for side A"
    for project in "$@"; do
        dotnet build "$dir/$project" -c Release --nologo -v quiet >/dev/null
    done
}

runtime_pair() { # runtime_pair NAME VARIABLE VALUE-A VALUE-B SIDES: chat80, then a claim storm, per side;
    local name=$1 variable=$2 a=$3 b=$4 sides=$5 side setting # the runtime setting goes to silo, gateway and tool
    for side in $sides; do # a side named a… gets VALUE-A, b… VALUE-B (e.g. "a b b-2 a-2")
        setting="$variable=$([ "${side:0:1}" = a ] && echo "$a" || echo "$b")"
        if [ -z "${STORM_ONLY:-}" ]; then
            BENCH_SILO_ENV="$setting" BENCH_GATEWAY_ENV="$setting" TOOL_ENV="$setting" run "exp-$name-$side" 1 "${chat80[@]}"
        fi
        BENCH_SILO_ENV="$setting" BENCH_GATEWAY_ENV="$setting" TOOL_ENV="$setting" run "exp-$name-storm-$side" 1 "${storm[@]}"
    done
}

for experiment in "${EXPERIMENTS[@]}"; do
    case "$experiment" in
    cohosted)
        for side in ${COHOSTED_SIDES:-a b b-2 a-2}; do # a…: a silo process; b…: the silo inside the gateway
            silos=$([ "${side:0:1}" = a ] && echo 1 || echo 0)
            [ -n "${STORM_ONLY:-}" ] || run "exp-cohosted-$side" "$silos" "${chat80[@]}"
            run "exp-cohosted-storm-$side" "$silos" "${storm[@]}"
        done
        ;;
    writers)
        BENCH_SILO_ENV="Storage__Journal__Writers=2" run exp-writers-a 1 "${chat_peak[@]}"
        BENCH_SILO_ENV="Storage__Journal__Writers=1" run exp-writers-b 1 "${chat_peak[@]}"
        ;;
    partitions)
        run exp-partitions-a 1 "${storm[@]}"
        BENCH_SILO_ENV="Moderation__QueuePartitions=32" run exp-partitions-b 1 "${storm[@]}"
        ;;
    backlog)
        run exp-backlog-a 1 --rooms 100 --users 2000 --warmup 0 --duration 0 --storm-cases 200 --storm-agents 50
        run exp-backlog-b 1 --rooms 100 --users 2000 --warmup 0 --duration 0 --storm-cases 2000 --storm-agents 50
        ;;
    reset)
        BENCH_SILO_ENV="ConnectionStrings__Postgres=$ConnectionStrings__Postgres;NoResetOnClose=false" run exp-reset-a 1 "${storm[@]}"
        BENCH_SILO_ENV="ConnectionStrings__Postgres=$ConnectionStrings__Postgres;NoResetOnClose=true" run exp-reset-b 1 "${storm[@]}"
        ;;
    grainstate)
        BENCH_SILO_ENV="Storage__GrainState__GroupCommit=false" run exp-grainstate-a 1 "${storm[@]}"
        BENCH_SILO_ENV="Storage__GrainState__GroupCommit=true" run exp-grainstate-b 1 "${storm[@]}"
        BENCH_SILO_ENV="Storage__GrainState__GroupCommit=false" run exp-grainstate-flags-a 1 "${flags[@]}"
        BENCH_SILO_ENV="Storage__GrainState__GroupCommit=true" run exp-grainstate-flags-b 1 "${flags[@]}"
        ;;
    spin)
        spin="DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=${SPIN_A:-70}"
        BENCH_SILO_ENV="$spin" BENCH_GATEWAY_ENV="$spin" TOOL_ENV="$spin" run exp-spin-a 1 "${chat80[@]}"
        spin="DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=${SPIN_B:-0}"
        BENCH_SILO_ENV="$spin" BENCH_GATEWAY_ENV="$spin" TOOL_ENV="$spin" run exp-spin-b 1 "${chat80[@]}"
        ;;
    gc)
        runtime_pair gc DOTNET_gcServer 1 0 "${GC_SIDES:-a b}" # GC_SIDES="b a" runs the pair the other way round
        ;;
    datas)
        runtime_pair datas DOTNET_GCDynamicAdaptationMode 1 0 "${DATAS_SIDES:-a b}"
        ;;
    affinity)
        runtime_pair affinity DOTNET_GCNoAffinitize 0 1 "${AFFINITY_SIDES:-a b}"
        ;;
    spinlimit)
        runtime_pair spinlimit DOTNET_ThreadPool_UnfairSemaphoreSpinLimit 0 "${SPIN_B:-15}" "${SPINLIMIT_SIDES:-a b b-2 a-2}"
        ;;
    inline)
        runtime_pair inline DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS 0 1 "${INLINE_SIDES:-a b}"
        ;;
    prepare)
        prepare() { echo "ConnectionStrings__Postgres=$ConnectionStrings__Postgres;MaxAutoPrepare=$([ "$1" = a ] && echo 0 || echo 64)"; }
        for run_name in a b b-2 a-2; do # A, B, B, A: drift over the four runs favours neither side
            BENCH_SILO_ENV="$(prepare "${run_name:0:1}")" run "exp-prepare-$run_name" 1 "${fixed_chat[@]}"
        done
        for side in a b; do
            BENCH_SILO_ENV="$(prepare "$side")" run "exp-prepare-storm-$side" 1 "${storm[@]}"
        done
        ;;
    gen0)
        for run_name in a b b-2 a-2; do
            gen0=""
            [ "${run_name:0:1}" = b ] && gen0="DOTNET_GCgen0size=${GEN0_B:-0x2000000}"
            BENCH_SILO_ENV="$gen0" run "exp-gen0-$run_name" 1 "${fixed_chat[@]}"
        done
        ;;
    warmup)
        for run_name in a b b-2 a-2; do
            SILO_GC=1 run "exp-warmup-$run_name" 1 "${fixed_chat[@]}" --rooms 100 --warmup "$([ "${run_name:0:1}" = a ] && echo 5 || echo 20)"
        done
        ;;
    linger)
        for side in ${LINGER_SIDES:-a b b-2 a-2}; do
            linger=$([ "${side:0:1}" = a ] && echo 00:00:00 || echo "${LINGER:-00:00:00.002}")
            if [ "${LINGER_LOAD:-fixed}" = chat80 ]; then # the closed-loop peak, then 80 % of it
                BENCH_SILO_ENV="Storage__Journal__Linger=$linger" run "exp-linger-$side" 1 "${chat80[@]}" --rate-warmup 20
            else
                BENCH_SILO_ENV="Storage__Journal__Linger=$linger" run "exp-linger-$side" 1 "${fixed_chat[@]}" --rooms 100 \
                    --chat-rate "${LINGER_RATE:-8000}" --rate-warmup 20
            fi
        done
        ;;
    code)
        base="$WORK/base"
        build_base "$base" "silo and the gateway" src/Silo src/Gateway
        for run_name in ${CODE_RUNS:-a b b-2 a-2}; do # CODE_RUNS="b a a-2 b-2" runs them the other way round
            silo_dll="" gateway_dll=""
            [ "${run_name:0:1}" = a ] && silo_dll="$base/$SILO_DLL" gateway_dll="$base/$GATEWAY_DLL"
            if [ "${CODE_LOAD:-chat}" = storm ]; then
                # The last --storm-cases counts; agents first decide STORM_WARMUP cases unmeasured (a cold claim
                # path costs twice a warm one, docs/BENCHMARKS.md seventh round).
                BENCH_SILO_DLL="$silo_dll" BENCH_GATEWAY_DLL="$gateway_dll" SILO_GC=1 GC_PHASE=claim-storm GC_OP=claim run "exp-code-storm-$run_name" 1 "${storm[@]}" \
                    --storm-cases "${CODE_STORM_CASES:-4000}" --storm-warmup "${STORM_WARMUP:-3000}"
            else
                BENCH_SILO_DLL="$silo_dll" BENCH_GATEWAY_DLL="$gateway_dll" SILO_GC=1 run "exp-code-$run_name" 1 "${fixed_chat[@]}" --rooms 100 --rate-warmup 20
            fi
        done
        git worktree remove --force "$base"
        ;;
    toolgc)
        for side in ${TOOLGC_SIDES:-a b b-2 a-2}; do # a…: the tool as built (Server GC); b…: Workstation GC
            setting=""
            [ "${side:0:1}" = b ] && setting="DOTNET_gcServer=0"
            [ -n "${STORM_ONLY:-}" ] || TOOL_ENV="$setting" run "exp-toolgc-$side" 1 "${chat80[@]}"
            TOOL_ENV="$setting" run "exp-toolgc-storm-$side" 1 "${storm[@]}"
        done
        ;;
    tool)
        base="$WORK/base-tool"
        build_base "$base" "load tool" src/LoadTest
        for run_name in ${TOOL_RUNS:-a b b-2 a-2}; do
            tool_dll=""
            [ "${run_name:0:1}" = a ] && tool_dll="$base/$BENCH_TOOL"
            RUN_TOOL="$tool_dll" run "exp-tool-$run_name" 1 "${BENCH_STEADY_LOAD[@]}" --duration 30
        done
        git worktree remove --force "$base"
        ;;
    *)
        bench_log "unknown experiment '$experiment' (cohosted writers partitions backlog spin spinlimit reset grainstate gc datas affinity inline prepare gen0 warmup linger toolgc code tool)"
        exit 2
        ;;
    esac
done
