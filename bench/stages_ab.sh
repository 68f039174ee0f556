#!/usr/bin/env bash
# Two builds side by side on the 1 500-vessel case (issue 4: 1 500 vessels, 36 h), in one
# run (the machine is shared and noisy: only ratios measured together mean anything). The
# case is stored uncompressed (--codec none --deflate 0) and with the default codec; on
# each store every round runs BASE's encounters, then this build's, with the default
# threads and with --threads 1, and with LOAD=N also beside N busy processes. Printed:
# min and median real time and median CPU time of each, the --profile line of each
# build's fastest default run, and the load average before and after. The lists must be
# byte-identical between the builds.
#
# Usage: BASE=OLD/trajcorr bash bench/stages_ab.sh [build/trajcorr]   (ROUNDS=9, LOAD=0)
set -euo pipefail
tc=$(readlink -f "${1:-build/trajcorr}")
base=$(readlink -f "${BASE:?BASE=path/to/the/other/trajcorr}")
rounds=${ROUNDS:-9}
load=${LOAD:-0}
work=$(mktemp -d "${TMPDIR:-/tmp}/stages_ab.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export POCL_CACHE_DIR=${POCL_CACHE_DIR:-$work/pocl}

"$tc" generate -q --vessels 1500 --days 1.5 --min-interval 120 --max-interval 360 -o "$work/i4.csv"
"$tc" import -q --codec none --deflate 0 "$work/none.h5" "$work/i4.csv"
"$tc" import -q "$work/default.h5" "$work/i4.csv"

# one run: "real cpu", the profile line kept in $work/prof
one() {
  local err
  err=$("$1" encounters "$2" -o "$3" --profile "${@:4}" 2>&1 >/dev/null)
  sed -n 's/^profile: start/&/p' <<<"$err" >"$work/prof"
  sed -n 's/.*encounters: real \([0-9.]*\) s, CPU \([0-9.]*\) s.*/\1 \2/p' <<<"$err"
}
stat() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{v[NR]=$1} END {printf "%s %s\n", v[1], v[int((NR+1)/2)]}'; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A real cpu best prof
for store in none default; do
  for b in base tc; do one "${!b}" "$work/$store.h5" "$work/$b.csv" >/dev/null; done # warm the cache
  for ((r = 0; r < rounds; r++)); do
    for b in base tc; do
      for th in default 1; do
        args=()
        [ "$th" = 1 ] && args=(--threads 1)
        read -r t c < <(one "${!b}" "$work/$store.h5" "$work/$b.csv" "${args[@]}")
        k=$store-$b-$th
        real[$k]+="$t "
        cpu[$k]+="$c "
        if [ "$th" = default ] && { [ -z "${best[$k]:-}" ] || awk -v a="$t" -v b="${best[$k]}" 'BEGIN{exit !(a<b)}'; }; then
          best[$k]=$t
          prof[$k]=$(cat "$work/prof")
        fi
      done
    done
  done
  cmp -s "$work/base.csv" "$work/tc.csv" || { echo "stages_ab: $store: the builds' lists differ" >&2; exit 1; }
done
if [ "$load" -gt 0 ]; then
  for ((i = 0; i < load; i++)); do
    yes >/dev/null &
    pids+=($!)
  done
  for ((r = 0; r < rounds; r++)); do
    for b in base tc; do
      for th in default 1; do
        args=()
        [ "$th" = 1 ] && args=(--threads 1)
        read -r t c < <(one "${!b}" "$work/default.h5" "$work/$b.csv" "${args[@]}")
        real[load-$b-$th]+="$t "
        cpu[load-$b-$th]+="$c "
      done
    done
  done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  pids=()
fi
load1=$(cut -d' ' -f1-3 /proc/loadavg)

echo "the 1 500-vessel case, $(nproc) cores, $rounds alternating rounds, $(date -u +%Y-%m-%dT%H:%MZ), load average $load0 before, $load1 after; lists identical"
echo "base: $base"
echo "this: $tc"
echo
echo "| store | threads | base real min / median | this real min / median | base CPU median | this CPU median |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
sets=(none default)
[ "$load" -gt 0 ] && sets+=(load)
for store in "${sets[@]}"; do
  for th in default 1; do
    read -r bmin bmed < <(stat "${real[$store-base-$th]}")
    read -r tmin tmed < <(stat "${real[$store-tc-$th]}")
    read -r _ bcpu < <(stat "${cpu[$store-base-$th]}")
    read -r _ tcpu < <(stat "${cpu[$store-tc-$th]}")
    name=$store
    [ "$store" = load ] && name="default, beside $load busy"
    echo "| $name | $th | $bmin / $bmed s | $tmin / $tmed s | $bcpu s | $tcpu s |"
  done
done
echo
for store in none default; do
  echo "fastest default run's --profile, $store store:"
  echo "  base: ${prof[$store-base-default]}"
  echo "  this: ${prof[$store-tc-default]}"
done
