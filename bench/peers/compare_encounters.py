#!/usr/bin/python3
"""Compares two encounter CSVs (spec/encounters.md §4 columns).

  compare_encounters.py EXPECTED ACTUAL [--dist-tol 0.01] [--pos-tol 2e-6]
                        [--speed-tol 0.001] [--max-show 10] [--json]

The keys (mmsi_a, mmsi_b, start, end) must be the same set; for every key,
duration_s and close_slots must be equal and the float columns within tolerance.
The defaults are those of shared/data/real-tracks/expected/README.md; pass the
spec §5 backend tolerances (1e-3, 1e-9, 1e-6) to compare two backends.
Prints a summary; exit status 0 = match, 1 = mismatch, 2 = unreadable input.
Standard library only, so any python3 runs it.
"""
import argparse
import csv
import gzip
import json
import sys

COLUMNS = ["mmsi_a", "mmsi_b", "start", "end", "duration_s", "close_slots", "min_dist_m",
           "median_dist_m", "mean_lat", "mean_lon", "speed_a_kn", "speed_b_kn"]
INTS = ("duration_s", "close_slots")
DIST = ("min_dist_m", "median_dist_m")
POS = ("mean_lat", "mean_lon")
SPEED = ("speed_a_kn", "speed_b_kn")


class BadInput(Exception):
    pass


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt", newline="") as f:
            rd = csv.reader(f)
            header = next(rd, None)
            if header is None:
                raise BadInput(f"{path}: empty file (no header)")
            header = [h.strip() for h in header]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise BadInput(f"{path}: missing column(s) {', '.join(missing)}")
            idx = {c: header.index(c) for c in COLUMNS}
            rows, order = {}, []
            for ln, r in enumerate(rd, start=2):
                if not r:
                    continue
                try:
                    key = (int(r[idx["mmsi_a"]]), int(r[idx["mmsi_b"]]), r[idx["start"]].strip(),
                           r[idx["end"]].strip())
                    val = {c: int(r[idx[c]]) for c in INTS}
                    val.update({c: float(r[idx[c]]) for c in DIST + POS + SPEED})
                except (ValueError, IndexError) as e:
                    raise BadInput(f"{path}:{ln}: {e}")
                if key in rows:
                    raise BadInput(f"{path}:{ln}: duplicate key {key}")
                rows[key] = val
                order.append(key)
            return rows, order
    except OSError as e:
        raise BadInput(f"{path}: {e}")


def lon_diff(a, b):
    d = abs(a - b) % 360.0
    return min(d, 360.0 - d)


def sort_key(k):
    return (k[2], k[0], k[1])


def compare(exp, act, tol):
    (er, eo), (ar, ao) = exp, act
    only_e = sorted(set(er) - set(ar), key=sort_key)
    only_a = sorted(set(ar) - set(er), key=sort_key)
    worst = {g: 0.0 for g in ("dist", "pos", "speed")}
    bad_vals = []
    for k in sorted(set(er) & set(ar), key=sort_key):
        e, a = er[k], ar[k]
        why = []
        for c in INTS:
            if e[c] != a[c]:
                why.append(f"{c} {e[c]} != {a[c]}")
        for group, cols in (("dist", DIST), ("pos", POS), ("speed", SPEED)):
            for c in cols:
                d = lon_diff(e[c], a[c]) if c == "mean_lon" else abs(e[c] - a[c])
                if d != d:  # NaN on one side only
                    d = 0.0 if (e[c] != e[c]) and (a[c] != a[c]) else float("inf")
                worst[group] = max(worst[group], d)
                if d > tol[group]:
                    why.append(f"{c} {e[c]!r} vs {a[c]!r} (|diff| {d:.3g} > {tol[group]:g})")
        if why:
            bad_vals.append((k, why))
    sorted_ok = ao == sorted(ao, key=sort_key)
    return {
        "expected": len(er), "actual": len(ar), "common": len(set(er) & set(ar)),
        "only_expected": only_e, "only_actual": only_a, "value_mismatches": bad_vals,
        "max_abs_diff": worst, "actual_sorted": sorted_ok,
        "match": not only_e and not only_a and not bad_vals and sorted_ok,
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("expected")
    ap.add_argument("actual")
    ap.add_argument("--dist-tol", type=float, default=0.01, help="metres (0.01)")
    ap.add_argument("--pos-tol", type=float, default=2e-6, help="degrees (2e-6)")
    ap.add_argument("--speed-tol", type=float, default=0.001, help="knots (0.001)")
    ap.add_argument("--max-show", type=int, default=10, help="differences listed per kind")
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    a = ap.parse_args(argv)
    try:
        res = compare(load(a.expected), load(a.actual),
                      {"dist": a.dist_tol, "pos": a.pos_tol, "speed": a.speed_tol})
    except BadInput as e:
        print(f"compare_encounters: {e}", file=sys.stderr)
        return 2
    if a.json:
        out = dict(res)
        out["only_expected"] = [list(k) for k in res["only_expected"]]
        out["only_actual"] = [list(k) for k in res["only_actual"]]
        out["value_mismatches"] = [[list(k), w] for k, w in res["value_mismatches"]]
        print(json.dumps(out))
        return 0 if res["match"] else 1
    w = res["max_abs_diff"]
    print(f"expected {res['expected']}, actual {res['actual']}, common keys {res['common']}; "
          f"max |diff|: dist {w['dist']:.3g} m, pos {w['pos']:.3g} deg, speed {w['speed']:.3g} kn")
    for label, keys in (("only in expected", res["only_expected"]), ("only in actual", res["only_actual"])):
        if keys:
            print(f"{len(keys)} key(s) {label}:")
            for k in keys[:a.max_show]:
                print(f"  {k[0]},{k[1]},{k[2]},{k[3]}")
            if len(keys) > a.max_show:
                print(f"  ... {len(keys) - a.max_show} more")
    if res["value_mismatches"]:
        print(f"{len(res['value_mismatches'])} encounter(s) with values out of tolerance:")
        for k, why in res["value_mismatches"][:a.max_show]:
            print(f"  {k[0]},{k[1]},{k[2]},{k[3]}: " + "; ".join(why))
    if not res["actual_sorted"]:
        print("actual is not sorted by (start, mmsi_a, mmsi_b)")
    print("MATCH" if res["match"] else "MISMATCH")
    return 0 if res["match"] else 1


if __name__ == "__main__":
    sys.exit(main())
