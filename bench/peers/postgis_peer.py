#!/usr/bin/python3
"""Close pairs of spec/encounters.md §3 computed the way a PostGIS user would: grid
positions loaded into a table of geography points, a GiST index, and one self-join
with ST_DWithin(geography, geography, dist, use_spheroid => false) per grid time.

A peer of `trajcorr encounters` for the peers bench suite. The grid positions (§1
rule 3 and §2) come from encounters_numpy.py's functions, so only the §3 step is
PostGIS's. It starts its own throwaway PostgreSQL server on a Unix socket in a temp
dir (as the `postgres` user when run as root: initdb refuses root) and removes it.

  postgis_peer.py INPUT -o pairs.csv [--dist 500] [--stats FILE]   # t,mmsi_a,mmsi_b
  postgis_peer.py --check               # exit 0 when PostgreSQL+PostGIS are usable
  postgis_peer.py --compare EXPECTED ACTUAL INPUT [--dist 500]

--compare checks two close-pair files: identical sets pass; a pair in only one
passes only when its haversine distance is within 1 mm of dist (PostGIS's sphere
radius differs from the spec's R by ~3 cm, so such decisions may differ).
"""
import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import encounters_numpy as en  # noqa: E402

PG_BIN = os.environ.get("TC_PG_BIN", "/usr/lib/postgresql/15/bin")
TOL_M = 1e-3


# ---------------------------------------------------------------- shared with meos_peer.py

def load_grid(a, counts):
    """Valid grid rows of spec §2 as (mmsi, s, lat, lon) arrays, by encounters_numpy."""
    if en.is_hdf5(a.input):
        mmsi, t, lat, lon = en.read_store(a.input, counts)
    else:
        mmsi, t, lat, lon = en.read_csv(a.input, counts)
    mmsi, t, lat, lon = en.teleport_filter(mmsi, t, lat, lon, a.max_gap, a.max_implied_speed, counts)
    if len(t) == 0:
        z = np.zeros(0)
        return z.astype(np.int64), z.astype(np.int64), z, z
    mmsi_of_vid, vid = np.unique(mmsi, return_inverse=True)
    gv, gs, valid, glat, glon = en.grid_positions(vid, t, lat, lon, a.slot, a.max_gap)
    counts["vessels"] = len(mmsi_of_vid)
    counts["grid_positions"] = int(valid.sum())
    return mmsi_of_vid[gv[valid]], gs[valid], glat[valid], glon[valid]


def add_grid_args(ap):
    ap.add_argument("--slot", type=int, default=600, help="grid step, s (600)")
    ap.add_argument("--max-gap", type=int, default=3600, help="longest interpolated gap, s (3600)")
    ap.add_argument("--max-implied-speed", type=float, default=50.0, help="teleport filter, kn (50)")
    ap.add_argument("--dist", type=float, default=500.0, help="proximity threshold, m (500)")
    ap.add_argument("--stats", metavar="FILE", help="write counts and timings as JSON")


def write_stats(a, counts, times):
    if a.stats:
        with open(a.stats, "w") as f:
            f.write(json.dumps({"counts": counts, "times": times}, indent=1) + "\n")


def read_pairs(path):
    with open(path) as f:
        next(f, None)
        return {tuple(int(x) for x in line.split(",")[:3]) for line in f if line.strip()}


def compare(a):
    """Prints one summary line; returns 0 when the sets agree (up to 1 mm of dist)."""
    exp, act = read_pairs(a.expected), read_pairs(a.actual)
    diff = sorted(exp ^ act)
    borderline = 0
    if diff:
        mmsi, s, lat, lon = load_grid(a, {})
        pos = {(int(m), int(t)): (la, lo) for m, t, la, lo in zip(mmsi, s, lat, lon)}
        for (t, ma, mb) in diff:
            pa, pb = pos.get((ma, t)), pos.get((mb, t))
            if pa and pb:
                d = float(en.haversine(np.float64(pa[0]), np.float64(pa[1]),
                                       np.float64(pb[0]), np.float64(pb[1])))
                borderline += abs(d - a.dist) <= a.tol_m
    pe = {(x[1], x[2]) for x in exp}
    pa_ = {(x[1], x[2]) for x in act}
    ok = borderline == len(diff)
    print(f"close pairs: expected {len(exp)}, actual {len(act)}; vessel pairs with a close time: "
          f"expected {len(pe)}, actual {len(pa_)}; differing rows {len(diff)} "
          f"({borderline} within {a.tol_m:g} m of dist)")
    return 0 if ok else 1


# ---------------------------------------------------------------- the server

def as_pg_user():
    """argv prefix that runs a command as a non-root user (initdb refuses root)."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


def check():
    for exe in ("initdb", "pg_ctl", "postgres"):
        if not os.access(os.path.join(PG_BIN, exe), os.X_OK):
            raise SystemExit(f"postgis peer: no {PG_BIN}/{exe} (apt-get install postgresql-15)")
    ctl = "/usr/share/postgresql/15/extension/postgis.control"
    if not os.path.exists(ctl):
        raise SystemExit(f"postgis peer: no {ctl} (apt-get install postgresql-15-postgis-3)")
    if os.geteuid() == 0 and (not shutil.which("runuser") or
                              subprocess.run(["id", "postgres"], capture_output=True).returncode):
        raise SystemExit("postgis peer: running as root without runuser and a postgres user")
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        if not shutil.which("psql"):
            raise SystemExit("postgis peer: neither psycopg2 (python3-psycopg2) nor psql found")


class Server:
    """A throwaway cluster: initdb, start on a socket only, stop and delete on exit."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="tc-postgis-")
        self.data = os.path.join(self.dir, "data")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        run = as_pg_user()
        subprocess.run(run + [f"{PG_BIN}/initdb", "-D", self.data, "-U", "tc", "-A", "trust",
                              "--no-sync", "-E", "UTF8", "--locale", "C"],
                       check=True, capture_output=True)
        opts = (f"-k {self.dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                "-c full_page_writes=off -c jit=off -c shared_buffers=256MB -c work_mem=256MB")
        subprocess.run(run + [f"{PG_BIN}/pg_ctl", "-D", self.data, "-o", opts, "-w", "-l",
                              os.path.join(self.dir, "log"), "start"], check=True, capture_output=True)

    def stop(self):
        subprocess.run(as_pg_user() + [f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "immediate", "-w",
                                       "stop"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


class Db:
    """psycopg2 when installed, else the psql client."""

    def __init__(self, sock):
        self.sock = sock
        try:
            import psycopg2
            self.conn = psycopg2.connect(host=sock, user="tc", dbname="postgres")
            self.conn.autocommit = True
        except ImportError:
            self.conn = None

    def psql(self, args, stdin=None):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.sock, "-U", "tc",
                        "-d", "postgres"] + args, input=stdin, check=True, capture_output=True)

    def execute(self, sql):
        if self.conn:
            with self.conn.cursor() as cur:
                cur.execute(sql)
        else:
            self.psql(["-c", sql])

    def copy_in(self, table, text):
        if self.conn:
            with self.conn.cursor() as cur:
                cur.copy_expert(f"COPY {table} FROM STDIN", io.StringIO(text))
        else:
            self.psql(["-c", f"COPY {table} FROM STDIN"], stdin=text.encode())

    def copy_out(self, query, path):
        if self.conn:
            with self.conn.cursor() as cur, open(path, "w") as f:
                cur.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)", f)
        else:
            self.psql(["-c", f"\\copy ({query}) TO '{path}' WITH (FORMAT csv, HEADER)"])


def run(a, counts, times):
    t0 = time.perf_counter()
    mmsi, s, lat, lon = load_grid(a, counts)
    times["grid_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    srv = Server()
    try:
        db = Db(srv.dir)
        db.execute("CREATE EXTENSION postgis; CREATE EXTENSION btree_gist;")
        times["server_start_s"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        db.execute("CREATE UNLOGGED TABLE raw (t bigint, mmsi bigint, lon float8, lat float8)")
        db.copy_in("raw", "".join(f"{int(a_)}\t{int(b_)}\t{c_!r}\t{d_!r}\n"
                                  for a_, b_, c_, d_ in zip(s, mmsi, lon.tolist(), lat.tolist())))
        db.execute("CREATE UNLOGGED TABLE grid AS SELECT t, mmsi, "
                   "ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography AS g FROM raw")
        times["load_s"] = time.perf_counter() - t2
        t3 = time.perf_counter()
        db.execute("CREATE INDEX grid_t_g ON grid USING gist (t, g); ANALYZE grid")
        times["index_s"] = time.perf_counter() - t3
        t4 = time.perf_counter()
        db.copy_out("SELECT a.t, a.mmsi AS mmsi_a, b.mmsi AS mmsi_b FROM grid a JOIN grid b "
                    "ON a.t = b.t AND a.mmsi < b.mmsi "
                    f"AND ST_DWithin(a.g, b.g, {float(a.dist)!r}, false) ORDER BY 1, 2, 3", a.output)
        times["query_s"] = time.perf_counter() - t4
    finally:
        srv.stop()
    with open(a.output) as f:
        counts["close_pairs"] = sum(1 for _ in f) - 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?", help="CSV (.gz ok) or trajcorr HDF5 store")
    ap.add_argument("-o", "--output", help="close pairs CSV t,mmsi_a,mmsi_b")
    ap.add_argument("--check", action="store_true", help="only check that the tools are installed")
    ap.add_argument("--compare", nargs=2, metavar=("EXPECTED", "ACTUAL"), help="compare two pair files")
    ap.add_argument("--tol-m", type=float, default=TOL_M,
                    help="--compare: a pair in only one file passes within this of dist, m (0.001)")
    add_grid_args(ap)
    a = ap.parse_args(argv)
    if a.check:
        check()
        print("postgis peer: ready")
        return 0
    if not a.input:
        ap.error("INPUT is required")
    if a.compare:
        a.expected, a.actual = a.compare
        return compare(a)
    if not a.output:
        ap.error("-o FILE is required")
    check()
    counts, times = {}, {}
    t0 = time.perf_counter()
    run(a, counts, times)
    times["total_s"] = time.perf_counter() - t0
    write_stats(a, counts, times)
    return 0


if __name__ == "__main__":
    sys.exit(main())
