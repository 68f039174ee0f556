#!/bin/sh
# MPI ranks give one process's lists byte for byte: `mpirun -np K trajcorr encounters`
# and `events` for K = 1..4 on generated traffic (port anchorages keep pairs moored together for
# days, so encounters cross every part edge: checked), with hour and day buckets, and
# a sidecar that records the ranks; checkpoints refused with several ranks. Exit 77
# (skipped) when trajcorr was built without MPI or mpirun is missing.
# usage: test_ranks.sh TRAJCORR MPI_BUILT(0|1) SCRATCH
set -eu
bin=$1 built=$2 dir=$3
[ "$built" = 1 ] || { echo "trajcorr built without MPI: skipped"; exit 77; }
command -v mpirun >/dev/null || { echo "no mpirun: skipped"; exit 77; }
root=
[ "$(id -u)" = 0 ] && root=--allow-run-as-root
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
"$bin" generate -q --vessels 150 --days 5 -o all.csv
"$bin" import -q --bucket 1h h.h5 all.csv
"$bin" import -q d.h5 all.csv
fail=0
for store in h d; do
  "$bin" encounters -q -t 1 $store.h5 -o one-$store.csv
  for k in 1 2 3 4; do
    mpirun --oversubscribe $root -np $k "$bin" encounters -q -t 1 $store.h5 -o $store-$k.csv
    if cmp -s one-$store.csv $store-$k.csv; then
      echo "$store.h5 (bucket $( [ $store = h ] && echo 1h || echo 1d)), $k ranks: identical, $(($(wc -l < $store-$k.csv) - 1)) encounters"
    else
      echo "$store.h5, $k ranks: DIFFERENT from one process"; fail=1
    fi
    # the sidecar: "ranks": k (k > 1), and every inner part edge has an encounter across it
    python3 - "$store-$k.csv" "$k" <<'PY' || fail=1
import csv, json, sys
out, k = sys.argv[1], int(sys.argv[2])
side = json.load(open(out + ".json"))
if k > 1:
    assert side.get("ranks") == k, ("ranks", side.get("ranks"))
    figs = side["rank_figures"]
    assert len(figs) == k and all(f["rows"] > 0 for f in figs), figs
    rows = list(csv.DictReader(open(out)))
    for f in figs[1:]:
        edge = f["from"]
        n = sum(1 for e in rows if e["start"] < edge <= e["end"])
        assert n > 0, ("no encounter crosses the part edge", edge)
PY
  done
done
# several stores as one timeline (hour and 6 h buckets, split inside a bucket), and a
# --from/--to window that cuts encounters: the same as one process
head -1 all.csv > a.csv && cp a.csv b.csv
awk -F, 'NR > 1 { if ($2 < "2024-01-02T07:30:00Z") print >> "a.csv"; else print >> "b.csv" }' all.csv
"$bin" import -q --bucket 1h sa.h5 a.csv && "$bin" import -q --bucket 6h sb.h5 b.csv
mpirun --oversubscribe $root -np 3 "$bin" encounters -q -t 1 sb.h5 sa.h5 -o multi-3.csv
if cmp -s one-h.csv multi-3.csv; then echo "two stores, 3 ranks: identical"
else echo "two stores, 3 ranks: DIFFERENT"; fail=1; fi
w="--from 2024-01-01T10:00:00Z --to 2024-01-03T20:00:00Z"
"$bin" encounters -q -t 1 $w h.h5 -o win-1.csv
mpirun --oversubscribe $root -np 4 "$bin" encounters -q -t 1 $w h.h5 -o win-4.csv
if cmp -s win-1.csv win-4.csv; then echo "--from/--to, 4 ranks: identical"
else echo "--from/--to, 4 ranks: DIFFERENT"; fail=1; fi
# checkpoints and the nightly update are one process's: refused with ranks (exit 2),
# nothing written, and accepted by one rank
for opt in "--checkpoint r.ckpt" "--checkpoint r.ckpt --resume" "--save-state r.state"; do
  rc=0
  mpirun --oversubscribe $root -np 2 "$bin" encounters -q -t 1 h.h5 -o refused.csv $opt 2> refused.err || rc=$?
  if [ $rc -eq 2 ] && grep -q "not under mpirun with several ranks" refused.err && [ ! -e refused.csv ] &&
     [ ! -e r.ckpt ] && [ ! -e r.state ]; then echo "$opt, 2 ranks: refused"
  else echo "$opt, 2 ranks: exit $rc, NOT refused as it should be"; cat refused.err; fail=1; fi
done
mpirun --oversubscribe $root -np 1 "$bin" encounters -q -t 1 h.h5 -o ck-1.csv --checkpoint r.ckpt --save-state r.state
if cmp -s one-h.csv ck-1.csv && [ -s r.state ] && [ ! -e r.ckpt ]; then echo "--checkpoint --save-state, 1 rank: identical"
else echo "--checkpoint --save-state, 1 rank: DIFFERENT"; fail=1; fi
# events (docs/cluster.md): planted loitering, gaps and dark rendezvous (generate --events),
# with switch-offs staggered over the days and twin tracks (tests/support/events_edges.py):
# loitering runs and gaps cross every part edge (checked) and a rank must read again
# from the start (checked); every list, the encounters of the dark rule and the sidecar's
# counts are one process's, for K = 1..4, hour and day buckets, with the dark pairs'
# maximisation shared by every rank (the sidecar's dark_pairs: checked).
"$bin" generate -q --vessels 120 --days 2 --events -o ev0.csv
python3 "$here/support/events_edges.py" ev0.csv ev.csv
"$bin" import -q --bucket 1h eh.h5 ev.csv
"$bin" import -q ed.h5 ev.csv
for store in eh ed; do
  "$bin" events -q -t 1 $store.h5 -o one-$store --encounters one-$store.enc.csv
  for k in 1 2 3 4; do
    mpirun --oversubscribe $root -np $k "$bin" events -q -t 1 $store.h5 -o $store-$k --encounters $store-$k.enc.csv
    same=1
    for f in loitering.csv gaps.csv dark.csv enc.csv; do cmp -s one-$store.$f $store-$k.$f || same=0; done
    if [ $same = 1 ]; then
      echo "events $store.h5, $k ranks: identical, $(($(wc -l < $store-$k.loitering.csv) - 1)) loitering, $(($(wc -l < $store-$k.gaps.csv) - 1)) gaps, $(($(wc -l < $store-$k.dark.csv) - 1)) dark"
    else
      echo "events $store.h5, $k ranks: DIFFERENT from one process"; fail=1
    fi
    python3 - one-$store $store-$k $k <<'PY' || fail=1
import csv, json, sys
one, out, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
a, b = json.load(open(one + ".events.json")), json.load(open(out + ".events.json"))
for key in ("input", "parameters", "places", "counts"):
    assert a[key] == b[key], (key, a[key], b[key])
if k > 1:
    assert b.get("ranks") == k and len(b["rank_figures"]) == k, b.get("ranks")
    loit = list(csv.DictReader(open(out + ".loitering.csv")))
    gaps = list(csv.DictReader(open(out + ".gaps.csv")))
    for f in b["rank_figures"][1:]:
        edge = f["from"]
        if f["rows"] == 0:  # an empty part (more ranks than day buckets to share)
            continue
        assert any(e["start"] < edge <= e["end"] for e in loit), ("no loitering across the part edge", edge)
        assert any(g["start"] < edge < g["end"] for g in gaps), ("no gap across the part edge", edge)
    if any(f["read_from_start"] for f in b["rank_figures"][1:]):
        open("reread", "a").write(out + "\n")
    # the dark pairs' maximisation shared (host/mpi/dark_ranks.h): every covered pair that
    # the L* bound keeps once (at least the reported ones, at most the covered ones, the
    # same number whatever the ranks), in runs of about equal length on every rank
    pairs = [f["dark_pairs"] for f in b["rank_figures"]]
    n, found = b["counts"]["dark_covered_pairs"], b["counts"]["dark"]
    m = b["counts"]["dark_maximised_pairs"]
    assert found >= k and found <= sum(pairs) == m <= n, ("dark pairs by rank", pairs, found, m, n)
    try:
        first = int(open(one + ".maximised").read())
    except FileNotFoundError:
        first = sum(pairs)
        open(one + ".maximised", "w").write(str(first))
    assert sum(pairs) == first, ("dark pairs maximised", sum(pairs), "with other ranks", first)
    assert max(pairs) - min(pairs) <= 1 and min(pairs) > 0, ("dark pairs not shared", pairs)
PY
  done
done
# the dark pairs in chunks of 2 (TRAJCORR_DARK_BUDGET, fewer than the ranks): a round per
# chunk, the same list as one process's single chunk, the ranks' shares within one pair
TRAJCORR_DARK_BUDGET=400 mpirun --oversubscribe $root -np 3 "$bin" events -q -t 1 eh.h5 -o ch-3 --encounters ch-3.enc.csv
same=1
for f in loitering.csv gaps.csv dark.csv enc.csv; do cmp -s one-eh.$f ch-3.$f || same=0; done
if [ $same = 1 ] && python3 -c '
import json, sys
b = json.load(open("ch-3.events.json"))
pairs, found = [f["dark_pairs"] for f in b["rank_figures"]], b["counts"]["dark"]
n = int(open("one-eh.maximised").read())  # the pairs maximised in one round (above)
sys.exit(0 if n > 2 * 2 and found <= n and sum(pairs) == n and max(pairs) - min(pairs) <= 1 else 1)'; then
  echo "events eh.h5, 3 ranks, dark pairs 2 a round: identical, shared evenly"
else echo "events eh.h5, 3 ranks, dark pairs 2 a round: DIFFERENT (or not shared evenly)"; fail=1; fi
if [ -s reread ]; then echo "events: a rank read again from the start (twin tracks)"
else echo "events: no rank read again from the start: the twin tracks do not test the check"; fail=1; fi
# encounters --with-events and the ranking's events (a GeoJSON's gap links) under ranks
"$bin" encounters -q -t 1 eh.h5 -o we-1.csv --with-events we-1
mpirun --oversubscribe $root -np 3 "$bin" encounters -q -t 1 eh.h5 -o we-3.csv --with-events we-3
same=1
for f in csv loitering.csv gaps.csv dark.csv; do cmp -s we-1.$f we-3.$f || same=0; done
if [ $same = 1 ] && python3 -c '
import json, sys
f = json.load(open("we-3.events.json"))["rank_figures"]
sys.exit(0 if all(r["dark_pairs"] > 0 for r in f) else 1)'; then
  echo "encounters --with-events, 3 ranks: identical, dark pairs on every rank"
else echo "encounters --with-events, 3 ranks: DIFFERENT (or the dark pairs not shared)"; fail=1; fi
"$bin" encounters -q -t 1 eh.h5 -o rk-1.geojson
mpirun --oversubscribe $root -np 4 "$bin" encounters -q -t 1 eh.h5 -o rk-4.geojson
if cmp -s rk-1.geojson rk-4.geojson && grep -q '"n_gaps":[1-9]' rk-4.geojson; then
  echo "encounters -o .geojson (ranked with events), 4 ranks: identical"
else echo "encounters -o .geojson, 4 ranks: DIFFERENT (or no gap linked)"; fail=1; fi
# OpenCL (PoCL here): several ranks on one node take the devices in turn, same list
if POCL_CACHE_DIR=${POCL_CACHE_DIR:-} "$bin" encounters -q -t 1 --backend opencl h.h5 -o cl-1.csv 2>/dev/null; then
  mpirun --oversubscribe $root -np 3 "$bin" encounters -q -t 1 --backend opencl h.h5 -o cl-3.csv
  if cmp -s one-h.csv cl-3.csv; then echo "h.h5, 3 ranks, --backend opencl: identical"
  else echo "h.h5, 3 ranks, --backend opencl: DIFFERENT"; fail=1; fi
  # the dark pairs on every rank's device: one process's OpenCL list (not OpenMP's, where
  # L is flat), so no rank may fall back to the host
  "$bin" events -q -t 1 --backend opencl eh.h5 -o ecl-1
  mpirun --oversubscribe $root -np 3 "$bin" events -q -t 1 --backend opencl eh.h5 -o ecl-3
  if cmp -s ecl-1.dark.csv ecl-3.dark.csv; then echo "events eh.h5, 3 ranks, --backend opencl: identical dark list"
  else echo "events eh.h5, 3 ranks, --backend opencl: DIFFERENT dark list"; fail=1; fi
fi
exit $fail
