#!/usr/bin/env python3
"""Lines up an operation's per-second p99 (the load tool's progress lines) with a process's GC pauses (dotnet-counters CSV).

    scripts/gc-vs-latency.py TOOL_LOG COUNTERS_CSV [PHASE] [OPERATION]

TOOL_LOG: the load tool's output with a wall-clock time (HH:MM:SS.fff) in front of every line, e.g.
    dotnet OrleansSafety.LoadTest.dll ... | while IFS= read -r l; do printf '%s %s\\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$l"; done
COUNTERS_CSV: `dotnet-counters collect -p PID --format csv -o FILE --counters System.Runtime` over the same time.
PHASE: the phase whose progress lines to use (default: mixed); OPERATION: the first operation of its lines (default:
chat; claim for a claim storm). A progress line stamped t covers the second before t, and so does the counters row
stamped t.
"""
import csv
import re
import sys


def per_second(path, counter):
    values = {}
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if len(row) >= 5 and counter in row[2]:
                values[row[0].split(" ")[1]] = float(row[4])
    return values


def main():
    log, counters = sys.argv[1], sys.argv[2]
    phase = sys.argv[3] if len(sys.argv) > 3 else "mixed"
    operation = sys.argv[4] if len(sys.argv) > 4 else "chat"
    pause = per_second(counters, "dotnet.gc.pause.time")
    line = re.compile(r"(\d\d:\d\d:\d\d)\.\d+ \[" + re.escape(phase) + r" +\d+s\] " + re.escape(operation) + r" \d+/s p99 ([\d.]+)ms")
    rows = [(m.group(1), float(m.group(2))) for m in map(line.match, open(log)) if m]
    print(f"{'second':8}  {operation + ' p99 ms':>12}  {'GC pause ms':>11}")
    for second, p99 in rows:
        gc = pause.get(second)
        print(f"{second:8}  {p99:12.1f}  {'' if gc is None else f'{gc * 1000:11.1f}'}")
    spikes = [s for s, p in rows if p >= 45]
    near = [s for s in spikes if any(pause.get(t, 0) > 0.02 for t in (s, prev(s)))]
    print(f"\n{len(spikes)} seconds with p99 >= 45 ms; {len(near)} of them in or right after a second with > 20 ms of GC pause")
    paused = [pause[s] * 1000 for s, _ in rows if s in pause]
    if paused:
        print(f"GC paused {sum(paused) / len(paused):.1f} ms/s over {len(paused)} s of the phase; "
              f"{sum(1 for p in paused if p > 0)} seconds with a pause, the longest {max(paused):.1f} ms")


def prev(second):
    h, m, s = map(int, second.split(":"))
    t = h * 3600 + m * 60 + s - 1
    return f"{t // 3600:02}:{t % 3600 // 60:02}:{t % 60:02}"


if __name__ == "__main__":
    main()
