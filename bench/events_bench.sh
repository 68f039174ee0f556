#!/usr/bin/env bash
# Behaviour events benchmark (issue 17, docs/events.md "Speed"):
# 1. `generate --events` data (1 500 vessels, 36 h): encounters alone, encounters
#    --with-events, and events of each kind alone and of all kinds, round after round in
#    turn so that all see the same machine; wall and CPU of each (the commands' closing
#    line) and its ratio to the encounters of the same round, medians over the rounds.
# 2. Dark rendezvous where reception is poor and every pair must be maximised: the
#    generated receiver outage with the coverage rule off (--dark-min-coverage 0), and the
#    Suez sample when it is here; pairs maximised per second (the sidecar's count and
#    seconds of the dark stage) on OpenMP with 1 and 2 threads and OpenCL (PoCL on a CPU,
#    or whatever device --device-type any finds), in turn each round.
# 3. With BASE=other/trajcorr: that build's encounters and encounters --with-events in the
#    same rounds, in turn with this build's, and their ratio (the store is this build's).
# Usage: [BASE=...] bash bench/events_bench.sh [TRAJCORR] [ROUNDS]   (defaults build/trajcorr, 3)
set -euo pipefail
bin=$(realpath "${1:-build/trajcorr}") rounds=${2:-3}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/trajcorr-events-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export POCL_CACHE_DIR=${POCL_CACHE_DIR:-$work/pocl-cache}
mkdir -p "$POCL_CACHE_DIR"
cd "$work"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; $bin"
"$bin" generate -q --events --vessels 1500 --days 36h --seed 7 --store s.h5 --truth truth.csv
"$bin" generate -q --events --vessels 500 --days 1 --seed 7 --store dense.h5

# "real X s, CPU Y s" of a command's closing line -> "X Y"
run() { "$@" 2>&1 >/dev/null | sed -n 's/.*: real \([0-9.]*\) s, CPU \([0-9.]*\) s.*/\1 \2/p' | tail -1; }
med() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

names=(encounters with-events loitering gaps dark all all+anchorages)
cmds=("encounters --backend openmp s.h5 -o e.csv"
      "encounters --backend openmp s.h5 -o w.csv --with-events w"
      "events --no-anchorages --kinds loitering s.h5 -o l"
      "events --no-anchorages --kinds gaps s.h5 -o g"
      "events --no-anchorages --kinds dark s.h5 -o d"
      "events --no-anchorages s.h5 -o a"
      "events s.h5 -o p")
declare -A wall cpu rwall rcpu
for ((r = 1; r <= rounds; r++)); do
  read -r ew ec < <(run "$bin" ${cmds[0]})
  wall[encounters]+="$ew " cpu[encounters]+="$ec "
  for ((k = 1; k < ${#names[@]}; k++)); do
    read -r w c < <(run "$bin" ${cmds[$k]})
    n=${names[$k]}
    wall[$n]+="$w " cpu[$n]+="$c "
    rwall[$n]+="$(awk -v a="$w" -v b="$ew" 'BEGIN { printf "%.3f", a / b }') "
    rcpu[$n]+="$(awk -v a="$c" -v b="$ec" 'BEGIN { printf "%.3f", a / b }') "
  done
  if [ -n "${BASE:-}" ]; then
    read -r bw bc < <(run "$BASE" ${cmds[0]})
    read -r w c < <(run "$BASE" ${cmds[1]})
    rwall["with-events (base)"]+="$(awk -v a="$w" -v b="$bw" 'BEGIN { printf "%.3f", a / b }') "
    rcpu["with-events (base)"]+="$(awk -v a="$c" -v b="$bc" 'BEGIN { printf "%.3f", a / b }') "
    wall["with-events (base)"]+="$w " cpu["with-events (base)"]+="$c "
  fi
done
[ -n "${BASE:-}" ] && names+=("with-events (base)")
python3 "$src/bench/peers/event_recall.py" truth.csv a | sed 's/^/recall: /'
echo
echo "1 500 vessels, 36 h ($(sed -n 's/.*"fixes_read": \([0-9]*\).*/\1/p' a.events.json) fixes), median of $rounds rounds; ratio = to encounters of the same round"
echo
[ -z "${BASE:-}" ] || echo "base: $BASE's encounters --with-events against its own encounters, in the same rounds"
echo
echo "| run | wall s | CPU s | wall / encounters | CPU / encounters |"
echo "| --- | --- | --- | --- | --- |"
for n in "${names[@]}"; do
  rw=$(med "${rwall[$n]:-1}") rc=$(med "${rcpu[$n]:-1}")
  printf '| %s | %s | %s | %.2f | %.2f |\n' "$n" "$(med "${wall[$n]}")" "$(med "${cpu[$n]}")" "$rw" "$rc"
done

# 2. dark rendezvous: pairs per second
stores=("dense.h5|--dark-min-coverage 0|generated outage, coverage rule off")
suez="$src/../shared/data/real-tracks/suez_evergiven_2021_03_derived_sog.csv.gz"
if [ -r "$suez" ]; then
  "$bin" import --quiet suez.h5 "$suez" >/dev/null
  stores+=("suez.h5||Suez 2021-03 (real)")
fi
backs=("openmp-1|--backend openmp --threads 1" "openmp-2|--backend openmp --threads 2" "opencl|--backend opencl --device-type any")
declare -A rate pairs
for ((r = 1; r <= rounds; r++)); do
  for s in "${stores[@]}"; do
    IFS='|' read -r st opt _ <<<"$s"
    for b in "${backs[@]}"; do
      IFS='|' read -r bn bo <<<"$b"
      # shellcheck disable=SC2086
      if ! "$bin" events -q --no-anchorages --kinds dark $opt $bo "$st" -o x 2>x.log; then
        echo "$bn on $st failed: $(tail -1 x.log)"; continue
      fi
      rate["$st $bn"]+="$(python3 -c "import json; d = json.load(open('x.events.json')); print(d['counts']['dark_maximised_pairs'], d['seconds']['dark'])" | awk '{ printf "%.0f", $1 / ($2 > 0 ? $2 : 1e-9) }') "
      pairs["$st"]=$(python3 -c "import json; print(json.load(open('x.events.json'))['counts']['dark_maximised_pairs'])")
    done
  done
done
echo
echo "dark rendezvous: pairs maximised per second (median of $rounds rounds)"
echo
echo "| data | pairs | OpenMP 1 thread | OpenMP 2 threads | OpenCL | OpenCL / OpenMP 2 |"
echo "| --- | --- | --- | --- | --- | --- |"
for s in "${stores[@]}"; do
  IFS='|' read -r st opt label <<<"$s"
  o1=$(med "${rate["$st openmp-1"]:-0}") o2=$(med "${rate["$st openmp-2"]:-0}") cl=$(med "${rate["$st opencl"]:-0}")
  printf '| %s | %s | %s | %s | %s | %.2f |\n' "$label" "${pairs["$st"]:-?}" "$o1" "$o2" "$cl" \
    "$(awk -v a="$cl" -v b="$o2" 'BEGIN { print (b > 0 ? a / b : 0) }')"
done
echo
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
