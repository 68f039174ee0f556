#!/usr/bin/env python3
"""Random byte flips in track stores: does `trajcorr encounters` ever crash or print a
wrong list with exit 0?

Makes a store in each codec (pack, delta, deflate, and none: --deflate 0) from a small generated day,
then for each: N flips in metadata (every byte of the file that is not chunk data,
found with h5py's get_chunk_info) and N in chunk data, one flipped byte per copy of the
store (XOR with a random non-zero byte). Each damaged copy is run through
`trajcorr encounters` and classified:

  clean error   exit != 0 with a message on stderr
  identical     exit 0 and the same list as the undamaged store (the byte was unused)
  WRONG         exit 0 and another list                         (a defect)
  crash         killed by a signal, a sanitizer report, a hang,
                or exit != 0 with no message                    (a defect)

Prints a Markdown table (and writes it with --table FILE); exits 1 when any flip was a
defect. Usage:
  tests/byteflip.py --trajcorr build/trajcorr --flips 500 [--jobs 2] [--seed 1] [--dir D]
"""
import argparse
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile

try:
    import h5py
except ImportError:  # the project runs it with Debian's python3-h5py
    sys.exit("byteflip.py: needs h5py (apt-get install python3-h5py; run with /usr/bin/python3)")

ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=0",
           UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
SANITIZER = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer")


# making the stores is not under test: a sanitizer report there is another issue's
SETUP_ENV = dict(ENV, UBSAN_OPTIONS="halt_on_error=0")


def run(cmd, env=ENV, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, **kw)


def data_ranges(path):
    """(offset, length) of every chunk (and contiguous block) of every dataset."""
    ranges = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if not isinstance(obj, h5py.Dataset):
                return
            if obj.chunks is None:
                off = obj.id.get_offset()
                if off is not None:
                    ranges.append((off, obj.id.get_storage_size()))
                return
            for i in range(obj.id.get_num_chunks()):
                ci = obj.id.get_chunk_info(i)
                ranges.append((ci.byte_offset, ci.size))
        f.visititems(visit)
    return sorted(ranges)


def metadata_offsets(size, ranges):
    """Every byte offset of the file outside the data ranges, as (start, end) spans."""
    spans, at = [], 0
    for off, n in ranges:
        if off > at:
            spans.append((at, off))
        at = max(at, off + n)
    if at < size:
        spans.append((at, size))
    return spans


def pick(rng, spans):
    total = sum(e - s for s, e in spans)
    k = rng.randrange(total)
    for s, e in spans:
        if k < e - s:
            return s + k
        k -= e - s
    raise AssertionError


def encounters(trajcorr, store, out, timeout):
    try:
        r = run([trajcorr, "encounters", "-q", "--threads", "1", store, "-o", out], timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    return r.returncode, r.stderr


def one(args, store, good, offset, xor, work, i):
    path = os.path.join(work, "flip%s.h5" % i)
    out = os.path.join(work, "flip%s.csv" % i)
    shutil.copyfile(store, path)
    with open(path, "r+b") as fh:
        fh.seek(offset)
        b = fh.read(1)[0]
        fh.seek(offset)
        fh.write(bytes([b ^ xor]))
    rc, err = encounters(args.trajcorr, path, out, args.timeout)
    if rc is None:
        kind = "crash"
    elif rc < 0 or any(s in err for s in SANITIZER) or (rc != 0 and not err.strip()):
        kind = "crash"
    elif rc != 0:
        kind = "clean error"
    else:
        with open(out) as fh:
            kind = "identical" if fh.read() == good else "WRONG"
    note = "" if kind in ("clean error", "identical") else (
        "offset %d xor 0x%02x rc %s: %s" % (offset, xor, rc, (err or "").strip()[-600:]))
    for p in (path, out, out + ".json"):
        if os.path.exists(p):
            os.remove(p)
    return kind, note, (err or "").strip().splitlines()[-1:] if kind == "clean error" else []


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trajcorr", required=True)
    ap.add_argument("--flips", type=int, default=20, help="flips per region per store type")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--dir", help="work directory (default: a temporary one)")
    ap.add_argument("--table", help="also write the Markdown table here")
    ap.add_argument("--label", default="", help="build name for the table (release, ASan)")
    args = ap.parse_args()
    work = args.dir or tempfile.mkdtemp(prefix="byteflip.")
    os.makedirs(work, exist_ok=True)
    csv = os.path.join(work, "day.csv")
    r = run([args.trajcorr, "generate", "-q", "--vessels", "50", "--days", "1", "-o", csv], env=SETUP_ENV)
    if r.returncode:
        sys.exit("byteflip.py: generate failed: " + r.stderr)
    rng = random.Random(args.seed)
    counts, defects, examples = {}, [], {}
    for codec, level in (("pack", "1"), ("delta", "1"), ("deflate", "1"), ("none", "0")):
        store = os.path.join(work, "store-%s.h5" % codec)
        if os.path.exists(store):
            os.remove(store)
        r = run([args.trajcorr, "import", "--quiet", "--bucket", "6h", "--codec", codec, "--deflate", level, store, csv], env=SETUP_ENV)
        if r.returncode:
            sys.exit("byteflip.py: import failed: " + r.stderr)
        good_csv = os.path.join(work, "good-%s.csv" % codec)
        rc, err = encounters(args.trajcorr, store, good_csv, args.timeout)
        if rc != 0:
            sys.exit("byteflip.py: encounters on the undamaged store failed: %s" % err)
        with open(good_csv) as fh:
            good = fh.read()
        size = os.path.getsize(store)
        ranges = data_ranges(store)
        regions = {"metadata": metadata_offsets(size, ranges),
                   "chunk data": [(o, o + n) for o, n in ranges]}
        for region, spans in regions.items():
            jobs = [(pick(rng, spans), rng.randrange(1, 256)) for _ in range(args.flips)]
            with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
                futs = [ex.submit(one, args, store, good, off, x, work, "%s-%s-%d" % (codec, region[0], i))
                        for i, (off, x) in enumerate(jobs)]
                for fu in futs:
                    kind, note, msg = fu.result()
                    key = (codec, region)
                    counts.setdefault(key, {}).setdefault(kind, 0)
                    counts[key][kind] += 1
                    if note:
                        defects.append("%s/%s: %s: %s" % (codec, region, kind, note))
                    if msg:
                        examples.setdefault(key, msg[0])
    kinds = ["clean error", "identical", "WRONG", "crash"]
    lines = ["| build | store | region | flips | " + " | ".join(kinds) + " |",
             "| --- | --- | --- | ---: | " + " | ".join("---:" for _ in kinds) + " |"]
    for (codec, region), c in counts.items():
        lines.append("| %s | %s | %s | %d | %s |" % (args.label or "-", "--deflate 0" if codec == "none" else "%s 1" % codec,
                                                   region, sum(c.values()),
                                                   " | ".join(str(c.get(k, 0)) for k in kinds)))
    table = "\n".join(lines)
    print(table)
    for key, msg in examples.items():
        print("e.g. %s/%s: %s" % (key[0], key[1], msg))
    if args.table:
        with open(args.table, "w") as fh:
            fh.write(table + "\n")
    for d in defects:
        print("DEFECT " + d, file=sys.stderr)
    if not args.dir:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if defects else 0


if __name__ == "__main__":
    sys.exit(main())
