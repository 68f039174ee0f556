#!/bin/sh
# Strong scaling of MPI ranks (docs/cluster.md): one store, the same list from
# `encounters` as one process with 1 and with 2 threads and as 2 ranks of 1 thread,
# alternated round by round so that a busy machine slows each alike; each list compared
# byte for byte with the first. Prints every run and the medians.
# usage: bench/ranks_scaling.sh TRAJCORR [VESSELS DAYS BUCKET ROUNDS]
set -eu
bin=$(realpath "$1") vessels=${2:-10000} days=${3:-2} bucket=${4:-1h} rounds=${5:-3}
dir=${TMPDIR:-/tmp}/tc-ranks-scaling
root=
[ "$(id -u)" = 0 ] && root=--allow-run-as-root
mkdir -p "$dir" && cd "$dir"
if [ ! -f s.h5 ]; then
  "$bin" generate -q --vessels "$vessels" --days "$days" -o all.csv.gz
  "$bin" import -q --bucket "$bucket" s.h5 all.csv.gz
  rm -f all.csv.gz
fi
"$bin" info s.h5 | head -5
runs="k1t1 k1t2 k2t1"
for r in $(seq "$rounds"); do
  for c in $runs; do
    case $c in
      k1t1) cmd="$bin encounters -t 1 --log json s.h5 -o $c.csv" ;;
      k1t2) cmd="$bin encounters -t 2 --log json s.h5 -o $c.csv" ;;
      k2t1) cmd="mpirun --oversubscribe $root -np 2 $bin encounters -t 1 --log json s.h5 -o $c.csv" ;;
    esac
    t0=$(date +%s.%N)
    $cmd 2> $c.$r.log
    t1=$(date +%s.%N)
    cmp -s k1t1.csv $c.csv || { echo "$c: list differs from one process"; exit 1; }
    # engine: the slowest rank's engine time (one process: the done line's real time)
    eng=$(python3 - $c.$r.log <<'PY'
import json, sys
d = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
t = [x for x in d if x["event"] == "total"]
done = [x for x in d if x["event"] == "done" and x["rank"] == 0]
b = [x for x in d if x["event"] == "bucket" and x["rank"] == 0]
print("%.3f %.0f" % (t[0]["engine_real_s"] if t else done[0]["real_s"], b[-1]["rate_rows_s"] if b else 0))
PY
)
    echo "round $r $c: wall $(echo "$t1 - $t0" | bc) s, engine ${eng% *} s, rank 0 rows/s ${eng#* }" | tee -a results.txt
  done
done
for c in $runs; do
  printf "%s median: wall %s s, engine %s s\n" "$c" \
    "$(grep " $c:" results.txt | tail -n "$rounds" | awk '{print $5}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
    "$(grep " $c:" results.txt | tail -n "$rounds" | awk '{print $8}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
done
