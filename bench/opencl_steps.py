#!/usr/bin/env python3
"""The --profile lines of several `encounters` commands side by side: round after round,
each command once per round (so a loaded machine's slow moments fall on all of them
alike), then for each command the least and the median of every device step of its
`profile opencl:` line (keys, sort, pairs, runs, write, read), of the engine's candidates
stage, and of the run's wall and CPU time (`trajcorr encounters: real ..., CPU ...`).

  opencl_steps.py ROUNDS LABEL=COMMAND [LABEL=COMMAND ...]

COMMAND runs through /bin/sh and must pass --profile; LABEL holds no '='. A command
without a device line (openmp) shows '-' for the device steps. Standard library only.
"""
import re
import statistics
import subprocess
import sys


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    rounds, cmds = int(argv[1]), [a.split("=", 1) for a in argv[2:]]
    res = {label: {} for label, _ in cmds}
    for _ in range(rounds):
        for label, cmd in cmds:
            p = subprocess.run(cmd, shell=True, capture_output=True, text=True)
            if p.returncode:
                sys.exit("%s failed (%d):\n%s" % (label, p.returncode, p.stderr))
            out = p.stderr
            dev = re.search(r"device: (.*?); moved", out)
            for k, v in re.findall(r"(\w+) ([0-9.]+) s", dev.group(1) if dev else ""):
                res[label].setdefault(k, []).append(float(v))
            cand = re.search(r"candidates ([0-9.]+) s", out)
            run = re.search(r"real ([0-9.]+) s, CPU ([0-9.]+) s", out)
            if not cand or not run:
                sys.exit("%s: no profile line (pass --profile)" % label)
            res[label].setdefault("candidates", []).append(float(cand.group(1)))
            res[label].setdefault("wall", []).append(float(run.group(1)))
            res[label].setdefault("cpu", []).append(float(run.group(2)))
    keys = []
    for label, _ in cmds:
        keys += [k for k in res[label] if k not in keys]
    print("%d alternating rounds; least / median, seconds" % rounds)
    print("%-20s" % "" + "".join("%16s" % k for k in keys))
    for label, _ in cmds:
        cells = []
        for k in keys:
            v = res[label].get(k)
            cells.append("%.3f / %.3f" % (min(v), statistics.median(v)) if v else "-")
        print("%-20s" % label + "".join("%16s" % c for c in cells))


if __name__ == "__main__":
    main(sys.argv)
