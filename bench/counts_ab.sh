#!/usr/bin/env bash
# Two builds' load-independent counts on the 1 500-vessel case (issue 4: 1 500 vessels,
# 36 h, the default store), alternating in one run: per build the min and median over
# ROUNDS runs of the closing line's real time, `perf stat`'s task-clock (CPU ms),
# page faults and context switches, and peak RSS; with default threads and with
# --threads 1. With CALLGRIND=1 also each build's instructions on one thread
# (`valgrind --tool=callgrind`, which counts the same on a busy machine). The
# encounter lists must be byte-identical between the builds.
#
# Needs perf and, for CALLGRIND=1, valgrind: bash bench/setup.sh linux-perf valgrind
# Usage: BASE=OLD/trajcorr bash bench/counts_ab.sh [build/trajcorr]   (ROUNDS=21, CALLGRIND=0)
set -euo pipefail
tc=$(readlink -f "${1:-build/trajcorr}")
base=$(readlink -f "${BASE:?BASE=path/to/the/other/trajcorr}")
rounds=${ROUNDS:-21}
work=$(mktemp -d "${TMPDIR:-/tmp}/counts_ab.XXXXXX")
trap 'rm -rf "$work"' EXIT
export POCL_CACHE_DIR=${POCL_CACHE_DIR:-$work/pocl}
command -v perf >/dev/null || { echo "counts_ab: perf is missing (bash bench/setup.sh linux-perf valgrind)" >&2; exit 1; }

"$tc" generate -q --vessels 1500 --days 1.5 --min-interval 120 --max-interval 360 -o "$work/i4.csv"
"$tc" import -q "$work/s.h5" "$work/i4.csv"

# one run: "real task_clock_ms page_faults context_switches rss_mb"
one() {
  local out
  out=$(perf stat -x, -e task-clock,page-faults,context-switches "$1" encounters "$work/s.h5" -o "$2" "${@:3}" 2>&1 >/dev/null)
  echo "$(sed -n 's/.*encounters: real \([0-9.]*\) s.*/\1/p' <<<"$out")" \
       "$(grep ',task-clock' <<<"$out" | cut -d, -f1)" "$(grep ',page-faults' <<<"$out" | cut -d, -f1)" \
       "$(grep ',context-switches' <<<"$out" | cut -d, -f1)" "$(sed -n 's/.*peak RSS \([0-9.]*\) MB.*/\1/p' <<<"$out")"
}
stat() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{v[NR]=$1} END {printf "%s / %s", v[1], v[int((NR+1)/2)]}'; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A col
for b in base tc; do one "${!b}" "$work/$b.csv" >/dev/null; done # warm the cache
for th in default 1; do
  args=()
  [ "$th" = 1 ] && args=(--threads 1)
  for ((r = 0; r < rounds; r++)); do
    for b in base tc; do
      read -r rl ck pf cs rss < <(one "${!b}" "$work/$b.csv" "${args[@]}")
      col[$b-$th-real]+="$rl " col[$b-$th-clock]+="$ck " col[$b-$th-pf]+="$pf " col[$b-$th-cs]+="$cs "
      col[$b-$th-rss]+="$rss "
    done
  done
  cmp -s "$work/base.csv" "$work/tc.csv" || { echo "counts_ab: the builds' lists differ" >&2; exit 1; }
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

echo "the 1 500-vessel case (default store), $(nproc) cores, $rounds alternating rounds, $(date -u +%Y-%m-%dT%H:%MZ), load average $load0 before, $load1 after; lists identical"
echo "base: $base"
echo "this: $tc"
echo
echo "| threads | build | real min / median (s) | task-clock min / median (ms) | page faults min / median | context switches min / median | peak RSS min / median (MB) |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
for th in default 1; do
  for b in base tc; do
    name=$b
    [ "$b" = tc ] && name=this
    echo "| $th | $name | $(stat "${col[$b-$th-real]}") | $(stat "${col[$b-$th-clock]}") | $(stat "${col[$b-$th-pf]}") | $(stat "${col[$b-$th-cs]}") | $(stat "${col[$b-$th-rss]}") |"
  done
done
if [ "${CALLGRIND:-0}" = 1 ]; then
  echo
  for b in base tc; do
    # OMP_WAIT_POLICY set: the program does not start itself again under valgrind
    ir=$(OMP_WAIT_POLICY=passive valgrind --tool=callgrind --callgrind-out-file=/dev/null "${!b}" encounters \
           "$work/s.h5" -o /dev/null -q --threads 1 2>&1 | sed -n 's/.*refs: *\([0-9,]*\).*/\1/p')
    echo "instructions, one thread ($b): $ir"
  done
fi
