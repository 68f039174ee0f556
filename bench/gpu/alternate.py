#!/usr/bin/env python3
"""Times commands side by side: round after round, each command once per round, so a
machine's slow moments fall on all of them alike. Prints min / median wall time and
CPU time (user + sys of the child) per command, and each command's ratio to the
reference (the first one unless --ref names another).

  alternate.py ROUNDS LABEL=COMMAND [LABEL=COMMAND ...] [--ref LABEL] [--json FILE]

COMMAND runs through /bin/sh; a command that fails stops the run (exit 1).
Standard library only, so any python3 runs it.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def main(argv):
    ref, jpath, cmds = None, None, []
    it = iter(argv[1:])
    rounds = int(next(it))
    for a in it:
        if a == "--ref":
            ref = next(it)
        elif a == "--json":
            jpath = next(it)
        else:
            label, _, cmd = a.partition("=")
            cmds.append((label, cmd))
    if not cmds:
        sys.exit("alternate.py: no commands")
    ref = ref or cmds[0][0]
    wall = {k: [] for k, _ in cmds}
    cpu = {k: [] for k, _ in cmds}
    for r in range(rounds):
        for label, cmd in cmds:
            c0 = os.times()
            t0 = time.perf_counter()
            p = subprocess.run(cmd, shell=True)
            t1 = time.perf_counter()
            c1 = os.times()
            if p.returncode != 0:
                sys.exit(f"alternate.py: round {r + 1}: '{label}' exited {p.returncode}: {cmd}")
            wall[label].append(t1 - t0)
            cpu[label].append((c1.children_user - c0.children_user) + (c1.children_system - c0.children_system))
    rmin, rmed = min(wall[ref]), statistics.median(wall[ref])
    print(f"{rounds} alternating rounds; ratios are the time of '{ref}' over each command's")
    print(f"{'command':<28} {'min s':>9} {'median s':>9} {'cpu med s':>9} {'x (min)':>8} {'x (median)':>10}")
    out = []
    for label, cmd in cmds:
        w, c = wall[label], cpu[label]
        m, med = min(w), statistics.median(w)
        print(f"{label:<28} {m:9.4f} {med:9.4f} {statistics.median(c):9.4f} {rmin / m:8.2f} {rmed / med:10.2f}")
        out.append({"label": label, "command": cmd, "wall_s": w, "cpu_s": c, "min_s": m, "median_s": med,
                    "ref_over_min": rmin / m, "ref_over_median": rmed / med})
    if jpath:
        with open(jpath, "w") as f:
            json.dump({"rounds": rounds, "ref": ref, "commands": out}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv)
