#!/usr/bin/python3
"""Compares two event lists of spec/events.md (one kind at a time).

  compare_events.py KIND EXPECTED ACTUAL [--dwell 7200] [--max-show 10]

KIND is loitering, gaps or dark. As shared/data/real-tracks/expected/README.md says:
loitering and gaps by (mmsi, start, end), identical; dark rendezvous by the pair and
its two gaps, identical except pairs whose L* is within 60 s of dwell, with L* within
60 s. The other columns are compared too, within the tolerances below (integers equal;
positions 2e-6 degree, or 1e-3 for a dark maximiser, which is any point within 60 s
of L*; speeds 0.001 kn; distances 0.1 m; coverage 1e-4).
Exit status 0 = match, 1 = mismatch, 2 = unreadable input. Standard library only.
"""
import argparse
import csv
import sys

KEYS = {"loitering": ("mmsi", "start", "end"), "gaps": ("mmsi", "start", "end"),
        "dark": ("mmsi_a", "mmsi_b", "gap_a_start", "gap_a_end", "gap_b_start", "gap_b_end")}
TOL = {
    "loitering": {"duration_s": 0, "slots": 0, "mean_lat": 2e-6, "mean_lon": 2e-6, "median_speed_kn": 1e-3},
    "gaps": {"duration_s": 0, "lat0": 2e-6, "lon0": 2e-6, "lat1": 2e-6, "lon1": 2e-6, "dist_m": 0.1,
             "implied_speed_kn": 1e-3, "others_seen": 0, "coverage": 1e-4},
    "dark": {"l_star_s": 60, "dist_dark_m": 1, "dist_reappear_m": 1, "coverage_a": 1e-4, "coverage_b": 1e-4},
}


def load(path, kind):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        print(f"{path}: {e}", file=sys.stderr)
        sys.exit(2)
    return {tuple(r[k] for k in KEYS[kind]): r for r in rows}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=sorted(KEYS))
    ap.add_argument("expected")
    ap.add_argument("actual")
    ap.add_argument("--dwell", type=float, default=7200)
    ap.add_argument("--max-show", type=int, default=10)
    a = ap.parse_args()
    exp, act = load(a.expected, a.kind), load(a.actual, a.kind)
    bad = []

    def near_dwell(r):
        return a.kind == "dark" and abs(float(r["l_star_s"]) - a.dwell) <= 60

    for k in sorted(set(exp) - set(act)):
        if not near_dwell(exp[k]):
            bad.append(f"missing {k}")
    for k in sorted(set(act) - set(exp)):
        if not near_dwell(act[k]):
            bad.append(f"extra {k}")
    worst = {}
    for k in sorted(set(exp) & set(act)):
        for col, tol in TOL[a.kind].items():
            d = abs(float(exp[k][col]) - float(act[k][col]))
            worst[col] = max(worst.get(col, 0), d)
            if d > tol:
                bad.append(f"{k} {col}: expected {exp[k][col]}, got {act[k][col]}")
    print(f"{a.kind}: expected {len(exp)}, actual {len(act)}, common {len(set(exp) & set(act))}, "
          f"problems {len(bad)}; largest differences: " +
          ", ".join(f"{c} {v:.3g}" for c, v in worst.items()))
    for line in bad[:a.max_show]:
        print("  " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
