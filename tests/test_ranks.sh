#!/bin/sh
# MPI ranks give one process's list byte for byte: `mpirun -np K trajcorr encounters`
# for K = 1..4 on generated traffic (port anchorages keep pairs moored together for
# days, so encounters cross every part edge: checked), with hour and day buckets, and
# a sidecar that records the ranks. Exit 77 (skipped) when trajcorr was built without
# MPI or mpirun is missing.
# usage: test_ranks.sh TRAJCORR MPI_BUILT(0|1) SCRATCH
set -eu
bin=$1 built=$2 dir=$3
[ "$built" = 1 ] || { echo "trajcorr built without MPI: skipped"; exit 77; }
command -v mpirun >/dev/null || { echo "no mpirun: skipped"; exit 77; }
root=
[ "$(id -u)" = 0 ] && root=--allow-run-as-root
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
exit $fail
