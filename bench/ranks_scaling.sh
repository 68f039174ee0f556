#!/bin/sh
# Strong scaling of MPI ranks (docs/cluster.md): one store, the same lists from
# `encounters` (or `events`) as one process with 1 and with 2 threads and as 2 ranks of
# 1 thread, alternated round by round so that a busy machine slows each alike; each list
# compared byte for byte with the first. Prints every run, then a table of the medians.
# usage: bench/ranks_scaling.sh TRAJCORR [VESSELS DAYS BUCKET ROUNDS MODE]
#   MODE: encounters (default) or events (a store from `generate --events`, with planted
#   gaps and dark rendezvous; the dark pairs' maximisation shared by the ranks)
set -eu
bin=$(realpath "$1") vessels=${2:-10000} days=${3:-2} bucket=${4:-1h} rounds=${5:-3} mode=${6:-encounters}
case $mode in
  encounters) gen= ;;
  events) gen=--events ;;
  *) echo "ranks_scaling.sh: MODE is encounters or events, not '$mode'" >&2; exit 2 ;;
esac
dir=${TMPDIR:-/tmp}/tc-ranks-scaling-$mode-$vessels-$days-$bucket
root=
[ "$(id -u)" = 0 ] && root=--allow-run-as-root
mkdir -p "$dir" && cd "$dir"
if [ ! -f s.h5 ]; then
  "$bin" generate -q $gen --vessels "$vessels" --days "$days" -o all.csv.gz
  "$bin" import -q --bucket "$bucket" s.h5 all.csv.gz
  rm -f all.csv.gz
fi
"$bin" info s.h5 | head -5
rm -f results.txt
runs="k1t1 k1t2 k2t1"
for r in $(seq "$rounds"); do
  for c in $runs; do
    case $c in
      k1t1) pre= t=1 ;;
      k1t2) pre= t=2 ;;
      k2t1) pre="mpirun --oversubscribe $root -np 2" t=1 ;;
    esac
    if [ "$mode" = encounters ]; then
      cmd="$pre $bin encounters -t $t --log json s.h5 -o $c.csv"
    else
      cmd="$pre $bin events -t $t s.h5 -o $c"
    fi
    t0=$(date +%s.%N)
    $cmd 2> $c.$r.log
    t1=$(date +%s.%N)
    if [ "$mode" = encounters ]; then
      cmp -s k1t1.csv $c.csv || { echo "$c: list differs from one process"; exit 1; }
    else
      for f in loitering.csv gaps.csv dark.csv; do
        cmp -s k1t1.$f $c.$f || { echo "$c: $f differs from one process"; exit 1; }
      done
    fi
    # one line a run: wall, then the figures of its log (encounters) or sidecar (events)
    python3 - "$mode" "$c" "$r" "$(echo "$t1 - $t0" | bc)" <<'PY' | tee -a results.txt
import json, sys
mode, c, r, wall = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
if mode == "encounters":
    d = [json.loads(l) for l in open("%s.%s.log" % (c, r)) if l.startswith("{")]
    t = [x for x in d if x["event"] == "total"]
    done = [x for x in d if x["event"] == "done" and x["rank"] == 0]
    ranks = [x for x in d if x["event"] == "rank"]
    eng = t[0]["engine_real_s"] if t else done[0]["real_s"]
    cpu = " + ".join("%.2f" % x["engine_cpu_s"] for x in ranks) if ranks else "%.2f" % done[0]["cpu_s"]
    rows = " + ".join("%.1f" % (x["fixes_read"] / 1e6) for x in ranks) if ranks else "all"
    extra = {"cpu": cpu, "read_M": rows}
else:
    s = json.load(open(c + ".events.json"))
    figs = s.get("rank_figures", [])
    eng = 0  # no engine time of one process's events to set against the ranks' (wall only)
    extra = {"dark_s": s["seconds"]["dark"],
             "rank_real": " / ".join("%.2f" % f["real_s"] for f in figs) if figs else "—",
             "dark_pairs": " + ".join(str(f["dark_pairs"]) for f in figs) if figs else s["counts"]["dark_covered_pairs"],
             "read_M": " + ".join("%.1f" % (f["fixes_read"] / 1e6) for f in figs) if figs else "all"}
print(json.dumps({"run": c, "round": int(r), "wall_s": round(wall, 3), "engine_s": round(eng, 3), **extra}))
PY
  done
done
# the table: medians over the rounds (the other columns from the median run's round)
python3 - "$mode" <<'PY'
import json, sys
mode = sys.argv[1]
res = [json.loads(l) for l in open("results.txt")]
names = {"k1t1": "1 process, `-t 1`", "k1t2": "1 process, `-t 2`", "k2t1": "2 ranks × `-t 1`"}
if mode == "encounters":
    print("| run | wall (median) | engine real (median) | engine CPU | rows read (M) |")
    print("| --- | ---: | ---: | ---: | ---: |")
else:
    print("| run | wall (median) | ranks' real (s) | dark step, rank 0 (s) | dark pairs | rows read (M) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
for c in ("k1t1", "k1t2", "k2t1"):
    rs = sorted((x for x in res if x["run"] == c), key=lambda x: x["wall_s"])
    m = rs[(len(rs) - 1) // 2]
    eng = sorted(x["engine_s"] for x in rs)[(len(rs) - 1) // 2]
    if mode == "encounters":
        print("| %s | %.2f s | %.2f s | %s s | %s |" % (names[c], m["wall_s"], eng, m["cpu"], m["read_M"]))
    else:
        print("| %s | %.2f s | %s | %.3f | %s | %s |" % (names[c], m["wall_s"], m["rank_real"], m["dark_s"],
                                                     m["dark_pairs"], m["read_M"]))
PY
