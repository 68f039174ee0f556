#!/usr/bin/python3
"""Close pairs of spec/encounters.md §3 computed the way a MobilityDB/MEOS user would
with pymeos: one discrete TGeogPointSeq per vessel (its grid positions, from
encounters_numpy.py), candidate pairs whose space-time boxes expanded by dist
overlap, then tdwithin(track_a, track_b, dist) per candidate; its true instants are
the close grid times.

MEOS measures geography on the WGS84 spheroid (tdwithin has no sphere switch), so
its decisions differ from the spec's sphere for distances within ~0.5 % of dist:
compare with `postgis_peer.py --compare ... --tol-m` accordingly.

Needs pymeos (pip, into a venv made with --system-site-packages so Debian's
numpy/scipy/h5py stay visible): run it with that venv's python.

  meos_peer.py INPUT -o pairs.csv [--dist 500] [--stats FILE]   # t,mmsi_a,mmsi_b
  meos_peer.py --check
"""
import argparse
import datetime as dt
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import encounters_numpy as en  # noqa: E402
import postgis_peer as common  # noqa: E402  (load_grid and the shared options)


def check():
    try:
        import pymeos  # noqa: F401
        from pymeos_cffi import tdwithin_tgeo_tgeo  # noqa: F401
    except ImportError as e:
        raise SystemExit(f"meos peer: pymeos not importable by {sys.executable}: {e}")


def iso(s):
    return dt.datetime.fromtimestamp(int(s), dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S+00")


def run(a, counts, times):
    from pymeos import TGeogPointSeq, Temporal, pymeos_initialize
    from pymeos_cffi import tdwithin_tgeo_tgeo
    pymeos_initialize("UTC")
    t0 = time.perf_counter()
    mmsi, s, lat, lon = common.load_grid(a, counts)
    times["grid_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    order = np.lexsort((s, mmsi))
    mmsi, s, lat, lon = mmsi[order], s[order], lat[order], lon[order]
    starts = np.flatnonzero(np.r_[True, mmsi[1:] != mmsi[:-1]]) if len(mmsi) else np.zeros(0, int)
    ends = np.r_[starts[1:], len(mmsi)]
    tracks = []
    for b, e in zip(starts, ends):
        pts = ", ".join(f"POINT({lon[k]!r} {lat[k]!r})@{iso(s[k])}" for k in range(b, e))
        tracks.append(TGeogPointSeq("{" + pts + "}"))
    times["tracks_s"] = time.perf_counter() - t1
    # Space-time boxes expanded by dist (what STBox.expand + overlaps does), in numpy.
    t2 = time.perf_counter()
    pad = a.dist / en.R_EARTH / en.D2R * 1.01
    vlat0 = np.minimum.reduceat(lat, starts) - pad if len(mmsi) else lat
    vlat1 = np.maximum.reduceat(lat, starts) + pad if len(mmsi) else lat
    vlon0 = np.minimum.reduceat(lon, starts) if len(mmsi) else lon
    vlon1 = np.maximum.reduceat(lon, starts) if len(mmsi) else lon
    coslat = np.cos(np.minimum(89.0, np.maximum(np.abs(vlat0), np.abs(vlat1))) * en.D2R)
    lpad = pad / coslat
    wide = (vlon1 - vlon0) > 180.0  # crosses the antimeridian: any longitude
    vlon0, vlon1 = np.where(wide, -400.0, vlon0 - lpad), np.where(wide, 400.0, vlon1 + lpad)
    ts0, ts1 = (s[starts], s[ends - 1]) if len(mmsi) else (s, s)
    cand = 0
    rows = []
    for i in range(len(tracks)):
        j = np.arange(i + 1, len(tracks))
        hit = j[(ts0[j] <= ts1[i]) & (ts1[j] >= ts0[i]) & (vlat0[j] <= vlat1[i]) & (vlat1[j] >= vlat0[i])
                & (((vlon0[j] <= vlon1[i]) & (vlon1[j] >= vlon0[i])) | wide[i] | wide[j])]
        cand += len(hit)
        for k in hit:
            r = tdwithin_tgeo_tgeo(tracks[i]._inner, tracks[k]._inner, float(a.dist), False, False)
            if r is None or r == 0:
                continue
            tb = Temporal._factory(r)
            ma, mb = int(mmsi[starts[i]]), int(mmsi[starts[k]])
            for ts, v in zip(tb.timestamps(), tb.values()):
                if v:
                    rows.append((int(ts.timestamp()), ma, mb))
    counts["candidate_pairs"] = cand
    counts["close_pairs"] = len(rows)
    times["tdwithin_s"] = time.perf_counter() - t2
    rows.sort()
    with open(a.output, "w") as f:
        f.write("t,mmsi_a,mmsi_b\n")
        f.writelines(f"{t},{x},{y}\n" for t, x, y in rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?", help="CSV (.gz ok) or trajcorr HDF5 store")
    ap.add_argument("-o", "--output", help="close pairs CSV t,mmsi_a,mmsi_b")
    ap.add_argument("--check", action="store_true", help="only check that pymeos imports")
    common.add_grid_args(ap)
    a = ap.parse_args(argv)
    check()
    if a.check:
        print("meos peer: ready")
        return 0
    if not a.input or not a.output:
        ap.error("INPUT and -o FILE are required")
    counts, times = {}, {}
    t0 = time.perf_counter()
    run(a, counts, times)
    times["total_s"] = time.perf_counter() - t0
    common.write_stats(a, counts, times)
    return 0


if __name__ == "__main__":
    sys.exit(main())
