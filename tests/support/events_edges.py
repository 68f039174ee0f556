#!/usr/bin/env python3
"""Generated events data made to test a run split into time parts (tests/test_ranks.sh,
tests/test_parts_events.c): IN.csv (trajcorr generate --events, from 2024-01-01) to
OUT.csv with
- the vessels whose MMSI ends in 7 silent for 13 h each, staggered by 3 h over the days,
  so that gaps cross every part edge;
- for those whose MMSI ends in 3, from day 2 on, a twin track 20 degrees south, 10 s
  before each fix (one MMSI on two ships): a full run's teleport filter stays on the true
  track, a part's filter started afresh on the twin, so that part must be read again
  from the start.
usage: events_edges.py IN.csv OUT.csv"""
import sys
from datetime import datetime, timedelta

FMT = "%Y-%m-%dT%H:%M:%SZ"
T0, H = datetime(2024, 1, 1), timedelta(hours=1)
lines = open(sys.argv[1]).readlines()
off = sorted({l.split(",")[0] for l in lines[1:] if l.split(",")[0].endswith("7")})
off = {m: j for j, m in enumerate(off)}
with open(sys.argv[2], "w") as o:
    o.write(lines[0])
    for line in lines[1:]:
        c = line.rstrip("\n").split(",")
        if c[0] in off:
            t = datetime.strptime(c[1], FMT)
            if T0 + 3 * off[c[0]] * H <= t < T0 + (3 * off[c[0]] + 13) * H:
                continue
        o.write(line)
        if c[0].endswith("3") and c[1] >= "2024-01-02T":
            c[1] = (datetime.strptime(c[1], FMT) - timedelta(seconds=10)).strftime(FMT)
            c[2] = "%.6f" % (float(c[2]) - 20.0)
            o.write(",".join(c) + "\n")
