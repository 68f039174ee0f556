#!/usr/bin/python3
"""Encounters per spec/encounters.md, written the way a data scientist would: numpy
arrays, one vectorised pass per step, scipy's cKDTree per grid time.

An independent peer of `trajcorr encounters`: the benchmark runs it side by side,
and the test suite uses it as an oracle. Needs Debian's numpy/scipy (and h5py for a
store input): run it with /usr/bin/python3.

  encounters_numpy.py INPUT [-o out.csv] [--slot 600] [--max-gap 3600] ...

INPUT is a generic CSV (`mmsi,timestamp,lat,lon,...`, optionally .gz) or a trajcorr
HDF5 store (docs/format.md). For a CSV every cleaning rule of spec §1 is applied
here; a store already had rules 1-2 applied at import, so only rule 3 runs.
"""
import argparse
import csv
import datetime as dt
import gzip
import io
import json
import math
import sys
import time

import numpy as np
from scipy.spatial import cKDTree

R_EARTH = 6371008.8
KNOT = 1852.0 / 3600.0
D2R = math.pi / 180.0
HEADER = ("mmsi_a,mmsi_b,start,end,duration_s,close_slots,min_dist_m,median_dist_m,"
          "mean_lat,mean_lon,speed_a_kn,speed_b_kn")

TIME_NAMES = ("timestamp", "time", "t", "basedatetime", "# timestamp", "datetime")
LAT_NAMES = ("lat", "latitude")
LON_NAMES = ("lon", "longitude", "long")


# ---------------------------------------------------------------- geometry

def haversine(lat_a, lon_a, lat_b, lon_b):
    """Spec §3, elementwise on arrays (degrees in, metres out)."""
    pa = lat_a * D2R
    pb = lat_b * D2R
    sdp = np.sin((pb - pa) / 2.0)
    sdl = np.sin((lon_b - lon_a) * D2R / 2.0)
    h = sdp * sdp + np.cos(pa) * np.cos(pb) * sdl * sdl
    return 2.0 * R_EARTH * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def wrap_dlon(x):
    """A longitude difference into [-180, 180] (the short way)."""
    return np.where(x > 180.0, x - 360.0, np.where(x < -180.0, x + 360.0, x))


def norm_lon(x):
    """A longitude into [-180, 180)."""
    return np.where(x >= 180.0, x - 360.0, np.where(x < -180.0, x + 360.0, x))


def unit_vectors(lat, lon):
    p = lat * D2R
    l = lon * D2R
    cp = np.cos(p)
    return np.column_stack((cp * np.cos(l), cp * np.sin(l), np.sin(p)))


# ---------------------------------------------------------------- input

def open_text(path):
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline="")
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return open(path, "r", encoding="utf-8", newline="")


def find_col(header, names, what, path):
    low = [h.strip().lower() for h in header]
    for n in names:
        if n in low:
            return low.index(n)
    raise SystemExit(f"{path}: no {what} column in header {header}")


def parse_times(strs):
    """ISO 8601 UTC strings (or integer Unix seconds) -> int64 seconds; -1<<62 = bad.
    Fractional seconds are truncated toward the earlier second."""
    bad = np.int64(-(1 << 62))
    arr = np.asarray(strs, dtype=str)
    out = np.full(arr.shape, bad, dtype=np.int64)
    if arr.size == 0:
        return out
    if np.char.isdigit(arr).all():
        return arr.astype(np.int64)
    stripped = np.char.rstrip(np.char.strip(arr), "Z")
    try:  # fast path: every value is a plain ISO date-time without zone offset
        return stripped.astype("datetime64[ms]").astype(np.int64) // 1000
    except ValueError:
        pass
    for i, s in enumerate(strs):  # slow path: offsets, odd rows
        s = s.strip()
        try:
            if s.isdigit():
                out[i] = int(s)
                continue
            d = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
            if d.tzinfo is None:
                d = d.replace(tzinfo=dt.timezone.utc)
            out[i] = math.floor(d.timestamp())
        except ValueError:
            pass
    return out


def to_float(strs):
    """Strings -> float64, NaN-free parse failures flagged separately."""
    arr = np.asarray(strs, dtype=str)
    try:
        return arr.astype(np.float64), np.zeros(arr.shape, bool)
    except ValueError:
        out = np.empty(arr.shape, np.float64)
        bad = np.zeros(arr.shape, bool)
        for i, s in enumerate(strs):
            try:
                out[i] = float(s)
            except ValueError:
                out[i] = np.nan
                bad[i] = True
        return out, bad


def to_int(strs):
    arr = np.asarray(strs, dtype=str)
    try:
        return arr.astype(np.int64), np.zeros(arr.shape, bool)
    except (ValueError, OverflowError):
        out = np.zeros(arr.shape, np.int64)
        bad = np.zeros(arr.shape, bool)
        for i, s in enumerate(strs):
            try:
                v = int(s.strip())
                if abs(v) > (1 << 62):
                    raise ValueError
                out[i] = v
            except ValueError:
                bad[i] = True
        return out, bad


def read_csv(path, counts):
    """Returns mmsi, t, lat, lon after spec §1 rules 1 and 2."""
    with open_text(path) as f:
        rd = csv.reader(f)
        header = next(rd)
        ci = find_col(header, ("mmsi",), "mmsi", path)
        ti = find_col(header, TIME_NAMES, "time", path)
        ai = find_col(header, LAT_NAMES, "lat", path)
        oi = find_col(header, LON_NAMES, "lon", path)
        need = max(ci, ti, ai, oi)
        ms, ts, las, los = [], [], [], []
        short = 0
        for row in rd:
            if not row:
                continue
            if len(row) <= need:
                short += 1
                continue
            ms.append(row[ci])
            ts.append(row[ti])
            las.append(row[ai])
            los.append(row[oi])
    counts["rows_read"] = len(ms) + short
    mmsi, bad_m = to_int(ms)
    t = parse_times(ts)
    lat, bad_a = to_float(las)
    lon, bad_o = to_float(los)
    bad = bad_m | bad_a | bad_o | (t == -(1 << 62))
    counts["parse_errors"] = int(bad.sum()) + short
    keep = ~bad
    mmsi, t, lat, lon = mmsi[keep], t[keep], lat[keep], lon[keep]
    return clean_rules_1_2(mmsi, t, lat, lon, counts)


def clean_rules_1_2(mmsi, t, lat, lon, counts):
    # Rule 1: impossible or "not available" positions, (0, 0), out-of-range MMSI.
    badpos = ~(np.isfinite(lat) & np.isfinite(lon)) | (np.abs(lat) > 90) | (np.abs(lon) > 180) \
        | ((lat == 0) & (lon == 0))
    badm = ~badpos & ((mmsi < 1) | (mmsi > 999_999_999))
    counts["bad_position"] = int(badpos.sum())
    counts["bad_mmsi"] = int(badm.sum())
    keep = ~(badpos | badm)
    mmsi, t, lat, lon = mmsi[keep], t[keep], lat[keep], lon[keep]
    # Rule 2: order by (mmsi, t, lat, lon); keep the first fix of each (mmsi, t).
    order = np.lexsort((lon, lat, t, mmsi))
    mmsi, t, lat, lon = mmsi[order], t[order], lat[order], lon[order]
    first = np.ones(len(t), bool)
    first[1:] = (mmsi[1:] != mmsi[:-1]) | (t[1:] != t[:-1])
    counts["duplicate"] = int((~first).sum())
    return mmsi[first], t[first], lat[first], lon[first]


def store_buckets(h, path):
    """The bucket groups of a trajcorr store in time order (docs/format.md:
    /bucket_table/t0 lists them, /buckets/<t0> holds the columns)."""
    fmt = h.attrs.get("format", b"")
    fmt = fmt.decode() if isinstance(fmt, bytes) else str(fmt)
    if fmt != "trajcorr-store":
        raise SystemExit(f"{path}: not a trajcorr store (root attribute format = {fmt!r})")
    ver = int(h.attrs.get("format_version", -1))
    if ver not in (1, 2, 3):
        raise SystemExit(f"{path}: store format version {ver}; this peer reads versions 1 to 3")
    if "bucket_table" not in h:
        return []
    return [h[f"buckets/{int(t0)}"] for t0 in h["bucket_table/t0"][...]]


KINDS = {"mmsi": np.uint32, "t": np.int64, "lat": np.float64, "lon": np.float64}
UINT = {2: np.uint16, 4: np.uint32, 8: np.uint64}
SIGNED = {2: np.int16, 4: np.int32, 8: np.int64}
ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


def unpack(b, n, es):
    """The pack codec's pieces (uint8 array b) back to a chunk's n stored integers
    (docs/format.md, "Codecs"): the headers parsed in Python, the bits and the
    exceptions of every piece gathered at once."""
    bb = b.tobytes()
    a_s, w_s, bit_s, ex_a, ex_at, ex_e = [], [], [], [], [], []
    at = 0
    for a in range(0, n, 128):
        m = min(128, n - a)
        w, e = bb[at], bb[at + 1] | bb[at + 2] << 8
        a_s.append(a), w_s.append(w), bit_s.append((at + 3) * 8)
        at += 3 + (m * w + 7) // 8
        if e:
            ex_a.append(a), ex_at.append(at), ex_e.append(e)
        at += (2 + es) * e
    if at != len(bb):
        raise SystemExit("damaged pack chunk")
    bp = np.concatenate([b, np.zeros(16, np.uint8)])
    # the 8 bytes from every byte offset, as one little-endian uint64 each (a strided view)
    words = np.ndarray(shape=(len(bp) - 8,), dtype="<u8", buffer=bp, strides=(1,))

    def word(byte_pos, nbytes):  # little-endian integers of nbytes at byte_pos
        v = words[byte_pos]
        return v if nbytes == 8 else v & np.uint64((1 << 8 * nbytes) - 1)

    m_s = np.minimum(128, n - np.array(a_s, np.int64))
    piece = np.repeat(np.arange(len(m_s)), m_s)
    w = np.array(w_s, np.int64)[piece]
    pos = np.array(bit_s, np.int64)[piece] + (np.arange(n) - np.array(a_s, np.int64)[piece]) * w
    off, sh = pos >> 3, (pos & 7).astype(np.uint64)
    hi = bp[off + 8].astype(np.uint64) << (np.uint64(64) - np.maximum(sh, np.uint64(1)))
    v = (word(off, 8) >> sh) | np.where(sh > 0, hi, np.uint64(0))
    v &= np.where(w >= 64, ONES, (np.uint64(1) << np.minimum(w, 63).astype(np.uint64)) - np.uint64(1))
    if ex_e:
        e = np.array(ex_e, np.int64)
        rep = np.repeat(np.arange(len(e)), e)
        j = np.arange(int(e.sum())) - np.repeat(np.cumsum(e) - e, e)
        first = np.array(ex_at, np.int64)[rep]
        rows = np.array(ex_a, np.int64)[rep] + word(first + 2 * j, 2).astype(np.int64)
        v[rows] = word(first + 2 * e[rep] + es * j, es)
    return v.astype(UINT[es])


def column(h, g, name):
    """Bucket column `name` as trajcorr reads it, in any codec (docs/format.md,
    "Codecs": delta and pack store per-chunk zigzag differences, pack bit-packed)."""
    d = g[name]
    x = d[...]
    if "chunk_modes" not in d.attrs:
        return x
    codec = h.attrs.get("codec", b"")
    chunk = d.chunks[0]
    if (codec.decode() if isinstance(codec, bytes) else str(codec)) == "pack":
        for i, nbytes in enumerate(d.attrs["chunk_bytes"]):
            if nbytes:
                z = x[i * chunk:(i + 1) * chunk]
                z[:] = unpack(z.view(np.uint8)[:nbytes].copy(), len(z), x.itemsize)
    out = np.empty(len(x), KINDS[name])
    signed = SIGNED[x.itemsize]
    for i, k in enumerate(d.attrs["chunk_modes"]):
        z = x[i * chunk:(i + 1) * chunk]
        v = np.cumsum(((z >> 1) ^ -(z & 1)).view(signed), dtype=signed)
        if k:
            out[i * chunk:(i + 1) * chunk] = v.astype(np.float64) / np.float64(10 ** int(k))
        else:
            out[i * chunk:(i + 1) * chunk] = v.view(out.dtype)
    return out


def read_store(path, counts):
    """Every bucket of a trajcorr store, concatenated (rules 1-2 already applied)."""
    import h5py
    ms, ts, las, los = [], [], [], []
    with h5py.File(path, "r") as h:
        for g in store_buckets(h, path):
            ms.append(column(h, g, "mmsi").astype(np.int64))
            ts.append(column(h, g, "t").astype(np.int64))
            las.append(column(h, g, "lat").astype(np.float64))
            los.append(column(h, g, "lon").astype(np.float64))
    if not ms:
        z = np.zeros(0)
        return z.astype(np.int64), z.astype(np.int64), z, z
    mmsi, t, lat, lon = (np.concatenate(x) for x in (ms, ts, las, los))
    counts["rows_read"] = len(mmsi)
    # Buckets are sorted by (mmsi, t) each; one vessel spans several buckets.
    order = np.lexsort((t, mmsi))
    return mmsi[order], t[order], lat[order], lon[order]


def is_hdf5(path):
    if path == "-":
        return False
    with open(path, "rb") as f:
        return f.read(8) == b"\x89HDF\r\n\x1a\n"


# ---------------------------------------------------------------- spec §1 rule 3

def teleport_filter(mmsi, t, lat, lon, max_gap, max_kn, counts):
    """Keeps a fix when >= max_gap after the last kept fix or reachable from it at
    max_kn. Vectorised for the usual case (nothing dropped: the last kept fix is the
    previous one); vessels with a suspect step are redone fix by fix."""
    n = len(t)
    keep = np.ones(n, bool)
    if max_kn <= 0 or n < 2:
        counts["teleport"] = 0
        return mmsi, t, lat, lon
    same = mmsi[1:] == mmsi[:-1]
    dt_ = (t[1:] - t[:-1]).astype(np.float64)
    d = haversine(lat[:-1], lon[:-1], lat[1:], lon[1:])
    fail = same & (dt_ < max_gap) & ~(d <= max_kn * KNOT * dt_)
    if fail.any():
        starts = np.flatnonzero(np.r_[True, ~same])
        ends = np.r_[starts[1:], n]
        vfail = np.unique(np.searchsorted(starts, np.flatnonzero(fail) + 1, side="right") - 1)
        lim = max_kn * KNOT
        for v in vfail:
            a, b = starts[v], ends[v]
            ref = a
            for i in range(a + 1, b):
                gap = t[i] - t[ref]
                if gap >= max_gap:
                    ref = i
                    continue
                dd = haversine(lat[ref], lon[ref], lat[i], lon[i])
                if dd <= lim * gap:
                    ref = i
                else:
                    keep[i] = False
    counts["teleport"] = int((~keep).sum())
    return mmsi[keep], t[keep], lat[keep], lon[keep]


# ---------------------------------------------------------------- spec §2

def grid_positions(vid, t, lat, lon, slot, max_gap):
    """All (vessel, grid time) rows between each vessel's first and last fix, vessel-
    major then time: returns vessel, s, valid, lat, lon."""
    n = len(t)
    starts = np.flatnonzero(np.r_[True, vid[1:] != vid[:-1]])
    ends = np.r_[starts[1:], n] - 1
    s_first = -(-t[starts] // slot) * slot
    s_last = (t[ends] // slot) * slot
    cnt = np.maximum(0, (s_last - s_first) // slot + 1)
    gv = np.repeat(vid[starts], cnt)
    base = np.repeat(np.cumsum(cnt) - cnt, cnt)
    gs = np.repeat(s_first, cnt) + (np.arange(cnt.sum()) - base) * slot
    # Last fix with t <= s, searched on a (vessel, time) key: t is sorted per vessel.
    t0 = t.min() if n else 0
    span = np.int64(max(1, (t.max() - t0 + 1) if n else 1))
    key_fix = vid.astype(np.int64) * span + (t - t0)
    key_grid = gv.astype(np.int64) * span + (gs - t0)
    i = np.searchsorted(key_fix, key_grid, side="right") - 1
    exact = t[i] == gs
    j = np.minimum(i + 1, n - 1)
    gap = t[j] - t[i]
    interp = ~exact & (gap <= max_gap)
    valid = exact | interp
    glat = lat[i].copy()
    glon = lon[i].copy()
    k = np.flatnonzero(interp)
    ii, jj = i[k], j[k]
    f = (gs[k] - t[ii]).astype(np.float64) / (t[jj] - t[ii]).astype(np.float64)
    glat[k] = lat[ii] + f * (lat[jj] - lat[ii])
    glon[k] = norm_lon(lon[ii] + f * wrap_dlon(lon[jj] - lon[ii]))
    return gv, gs, valid, glat, glon


def slot_speeds(gv, gs, valid, glat, glon, slot):
    """Speed (kn) at each grid row: forward to s+slot, else backward from s-slot."""
    m = len(gv)
    sp = np.full(m, np.nan)
    if m < 2:
        return sp
    nxt = (gv[1:] == gv[:-1]) & valid[1:] & valid[:-1]  # rows k, k+1 same vessel
    d = np.full(m - 1, np.nan)
    d[nxt] = haversine(glat[:-1][nxt], glon[:-1][nxt], glat[1:][nxt], glon[1:][nxt])
    v = d / slot / KNOT
    sp[:-1] = v                       # forward
    back = np.isnan(sp[1:]) & nxt     # else backward
    sp[1:][back] = v[back]
    sp[~valid] = np.nan
    return sp


# ---------------------------------------------------------------- spec §3

def close_pairs(gidx_by_slot, glat, glon, dist):
    """Per grid time: cKDTree on unit vectors, chord radius with a margin, then the
    exact haversine test. Returns row indices (p, q) and distances."""
    chord = 2.0 * math.sin(dist / (2.0 * R_EARTH)) * (1.0 + 1e-7)
    ps, qs = [], []
    for rows in gidx_by_slot:
        if len(rows) < 2:
            continue
        xyz = unit_vectors(glat[rows], glon[rows])
        pr = cKDTree(xyz).query_pairs(chord, output_type="ndarray")
        if len(pr):
            ps.append(rows[pr[:, 0]])
            qs.append(rows[pr[:, 1]])
    if not ps:
        e = np.zeros(0, np.int64)
        return e, e, np.zeros(0)
    p = np.concatenate(ps)
    q = np.concatenate(qs)
    d = haversine(glat[p], glon[p], glat[q], glon[q])
    ok = d <= dist
    return p[ok], q[ok], d[ok]


# ---------------------------------------------------------------- spec §4

def group_median(values, gid, ngroups):
    """Median of values per group (gid sorted ascending), NaN ignored; NaN if none."""
    order = np.lexsort((values, gid))       # NaN sorts last within a group
    v = values[order]
    g = gid[order]
    start = np.searchsorted(g, np.arange(ngroups), side="left")
    nvalid = np.bincount(gid, weights=~np.isnan(values), minlength=ngroups).astype(np.int64)
    out = np.full(ngroups, np.nan)
    h = nvalid > 0
    lo = start[h] + (nvalid[h] - 1) // 2
    hi = start[h] + nvalid[h] // 2
    out[h] = (v[lo] + v[hi]) / 2.0
    return out


def encounters(mmsi_of_vid, gv, gs, glat, glon, speed, p, q, d, a):
    va, vb = gv[p], gv[q]
    swap = mmsi_of_vid[va] > mmsi_of_vid[vb]
    p, q = np.where(swap, q, p), np.where(swap, p, q)
    va, vb = gv[p], gv[q]
    s = gs[p]
    order = np.lexsort((s, vb, va))
    p, q, d, va, vb, s = p[order], q[order], d[order], va[order], vb[order], s[order]
    n = len(s)
    if n == 0:
        return []
    brk = np.ones(n, bool)
    brk[1:] = (va[1:] != va[:-1]) | (vb[1:] != vb[:-1]) | (s[1:] - s[:-1] > a.merge_gap)
    gid = np.cumsum(brk) - 1
    first = np.flatnonzero(brk)
    last = np.r_[first[1:], n] - 1
    long_enough = (s[last] - s[first]) >= a.min_duration
    # Keep only the rows of candidates long enough, renumbered.
    rk = long_enough[gid]
    if not rk.any():
        return []
    remap = np.cumsum(long_enough) - 1
    gid2 = remap[gid[rk]]
    ng = int(long_enough.sum())
    p, q, d, va, vb, s = p[rk], q[rk], d[rk], va[rk], vb[rk], s[rk]
    first = np.searchsorted(gid2, np.arange(ng), side="left")
    last = np.r_[first[1:], len(gid2)] - 1
    sa = group_median(speed[p], gid2, ng)
    sb = group_median(speed[q], gid2, ng)
    md = group_median(d, gid2, ng)
    mind = np.minimum.reduceat(d, first)
    cnt = last - first + 1
    mlat = (glat[p] + glat[q]) / 2.0
    mlon = norm_lon(glon[p] + wrap_dlon(glon[q] - glon[p]) / 2.0)
    lat_mean = np.bincount(gid2, weights=mlat, minlength=ng) / cnt
    ssum = np.bincount(gid2, weights=np.sin(mlon * D2R), minlength=ng)
    csum = np.bincount(gid2, weights=np.cos(mlon * D2R), minlength=ng)
    lon_mean = norm_lon(np.degrees(np.arctan2(ssum / cnt, csum / cnt)))
    ok = (sa < a.max_speed) & (sb < a.max_speed)  # NaN compares False: fails
    out = []
    for k in np.flatnonzero(ok):
        out.append((int(s[first[k]]), int(mmsi_of_vid[va[first[k]]]), int(mmsi_of_vid[vb[first[k]]]),
                    int(s[last[k]]), int(cnt[k]), float(mind[k]), float(md[k]),
                    float(lat_mean[k]), float(lon_mean[k]), float(sa[k]), float(sb[k])))
    out.sort(key=lambda e: (e[0], e[1], e[2]))
    return out


def iso(ts):
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_csv(rows, f):
    f.write(HEADER + "\n")
    for (st, ma, mb, en, cnt, mind, md, la, lo, sa, sb) in rows:
        f.write(f"{ma},{mb},{iso(st)},{iso(en)},{en - st},{cnt},{mind:.3f},{md:.3f},"
                f"{la:.6f},{lo:.6f},{sa:.4f},{sb:.4f}\n")


def write_close_pairs(ma, mb, s, path):
    """Spec §3 close pairs as t,mmsi_a,mmsi_b (mmsi_a < mmsi_b), sorted: what the
    GIS peers (postgis_peer.py, meos_peer.py) are compared against."""
    lo, hi = np.minimum(ma, mb), np.maximum(ma, mb)
    order = np.lexsort((hi, lo, s))
    with open(path, "w", newline="") as f:
        f.write("t,mmsi_a,mmsi_b\n")
        for k in order:
            f.write(f"{int(s[k])},{int(lo[k])},{int(hi[k])}\n")


# ---------------------------------------------------------------- driver

def run(a, counts, times):
    t_0 = time.perf_counter()
    if is_hdf5(a.input):
        mmsi, t, lat, lon = read_store(a.input, counts)
    else:
        mmsi, t, lat, lon = read_csv(a.input, counts)
    times["read_s"] = time.perf_counter() - t_0
    counts["fixes"] = len(t)
    t_1 = time.perf_counter()
    mmsi, t, lat, lon = teleport_filter(mmsi, t, lat, lon, a.max_gap, a.max_implied_speed, counts)
    counts["fixes_clean"] = len(t)
    if len(t) == 0:
        times["compute_s"] = time.perf_counter() - t_1
        return []
    mmsi_of_vid, vid = np.unique(mmsi, return_inverse=True)
    counts["vessels"] = len(mmsi_of_vid)
    gv, gs, valid, glat, glon = grid_positions(vid, t, lat, lon, a.slot, a.max_gap)
    speed = slot_speeds(gv, gs, valid, glat, glon, a.slot)
    rows = np.flatnonzero(valid)
    counts["grid_positions"] = len(rows)
    # Group valid grid rows by grid time.
    order = rows[np.argsort(gs[rows], kind="stable")]
    so = gs[order]
    cut = np.flatnonzero(so[1:] != so[:-1]) + 1
    by_slot = np.split(order, cut)
    counts["grid_times"] = len(by_slot)
    p, q, d = close_pairs(by_slot, glat, glon, a.dist)
    counts["close_pairs"] = len(p)
    if getattr(a, "close_pairs_out", None):
        write_close_pairs(mmsi_of_vid[gv[p]], mmsi_of_vid[gv[q]], gs[p], a.close_pairs_out)
    out = encounters(mmsi_of_vid, gv, gs, glat, glon, speed, p, q, d, a)
    counts["encounters"] = len(out)
    times["compute_s"] = time.perf_counter() - t_1
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", help="CSV (.gz ok, '-' = stdin) or trajcorr HDF5 store")
    ap.add_argument("-o", "--output", default="-", help="encounters CSV (default stdout)")
    ap.add_argument("--slot", type=int, default=600, help="grid step, s (600)")
    ap.add_argument("--max-gap", type=int, default=3600, help="longest interpolated gap, s (3600)")
    ap.add_argument("--max-implied-speed", type=float, default=50.0,
                    help="teleport filter, kn; 0 disables (50)")
    ap.add_argument("--dist", type=float, default=500.0, help="proximity threshold, m (500)")
    ap.add_argument("--merge-gap", type=int, default=14400, help="merge runs this close, s (14400)")
    ap.add_argument("--min-duration", type=int, default=7200, help="shortest encounter, s (7200)")
    ap.add_argument("--max-speed", type=float, default=2.0, help="median slot speed limit, kn (2)")
    ap.add_argument("--close-pairs-out", metavar="FILE",
                    help="also write the close pairs of spec §3 (t,mmsi_a,mmsi_b) to FILE")
    ap.add_argument("--stats", metavar="FILE", help="write counts and timings as JSON ('-' = stderr)")
    a = ap.parse_args(argv)
    if a.slot <= 0 or a.max_gap < 0 or a.dist <= 0 or a.merge_gap < 0 or a.min_duration < 0:
        ap.error("slot and dist must be positive; gaps and durations non-negative")
    counts, times = {}, {}
    t0 = time.perf_counter()
    out = run(a, counts, times)
    t1 = time.perf_counter()
    if a.output == "-":
        write_csv(out, sys.stdout)
    else:
        with open(a.output, "w", newline="") as f:
            write_csv(out, f)
    times["total_s"] = time.perf_counter() - t0
    times["write_s"] = times["total_s"] - (t1 - t0)
    if a.stats:
        doc = json.dumps({"counts": counts, "times": times}, indent=1)
        if a.stats == "-":
            print(doc, file=sys.stderr)
        else:
            with open(a.stats, "w") as f:
                f.write(doc + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
