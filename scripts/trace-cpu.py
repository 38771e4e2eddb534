#!/usr/bin/env python3
"""Frames on CPU in a dotnet-trace thread-time profile (Speedscope JSON), most first.

Usage: trace-cpu.py PROFILE.speedscope.json [TOP] [--callers TEXT]

With --callers, also the call paths (innermost first, up to 10 frames) under which frames containing TEXT ran: who
is spinning on a contended lock, for example (--callers Monitor.Enter_Slowpath).

The thread-time sampler records, for every thread, whether it was running managed code (a CPU_TIME leaf) or waiting
in native code; only running time is counted here. "self" is the frame just under CPU_TIME; "inclusive" is every
frame on the stack. Percentages are of all running time in the process.
"""
import collections
import json
import re
import sys


def short(frame: str) -> str:
    return re.sub(r"\(.*", "", frame)[:150]


def main() -> None:
    args = sys.argv[1:]
    callers_of = None
    if "--callers" in args:
        at = args.index("--callers")
        callers_of = args[at + 1]
        del args[at:at + 2]
    path = args[0]
    top = int(args[1]) if len(args) > 1 else 40
    paths: collections.Counter[str] = collections.Counter()
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    frames = [f["name"] for f in data["shared"]["frames"]]
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    running = 0.0
    for profile in data["profiles"]:
        stack: list[int] = []
        last = None
        for event in profile["events"]:
            at = event["at"]
            if stack and last is not None and frames[stack[-1]] == "CPU_TIME":
                spent = at - last
                running += spent
                if len(stack) > 1:
                    own[short(frames[stack[-2]])] += spent
                    if callers_of and callers_of in frames[stack[-2]]:
                        chain = [short(frames[i]).split("!")[-1][:100] for i in reversed(stack[:-1])][:10]
                        paths["\n      <- ".join(chain)] += spent
                for frame in {short(frames[i]) for i in stack}:
                    inclusive[frame] += spent
            last = at
            if event["type"] == "O":
                stack.append(event["frame"])
            elif stack:
                stack.pop()
    print(f"{path}: {running / 1000:.1f} s of running samples")
    print("--- self (the frame running)")
    for frame, spent in own.most_common(top):
        print(f"{spent / running * 100:6.2f}%  {frame}")
    print("--- inclusive (on the stack)")
    for frame, spent in inclusive.most_common(top * 2):
        if not frame.startswith("Thread (") and frame not in ("CPU_TIME", "Threads", "(Non-Activities)"):
            print(f"{spent / running * 100:6.2f}%  {frame}")
    if callers_of:
        print(f"--- call paths of frames containing '{callers_of}'")
        for chain, spent in paths.most_common(top // 2):
            print(f"{spent / running * 100:6.2f}%  {chain}")


if __name__ == "__main__":
    main()
