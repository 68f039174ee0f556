#!/usr/bin/env bash
# Two trajcorr builds importing the same file, alternately, round after round, so both
# see the same machine: wall and CPU of each import and the median rows/s of each.
# Usage: bash bench/import_ab.sh OLD/trajcorr NEW/trajcorr FILE [ROUNDS]
set -euo pipefail
old=$1 new=$2 file=$3 rounds=${4:-7}
work=$(mktemp -d "${TMPDIR:-/tmp}/trajcorr-import-ab-XXXXXX")
trap 'rm -rf "$work"' EXIT
declare -A rates
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= rounds; i++)); do
  for side in old new; do
    bin=${!side}
    rm -f "$work/s.h5"
    # the closing lines: "... rows/s ..." summary and "real X s, CPU Y s, peak RSS Z"
    out=$("$bin" import "$work/s.h5" "$file" 2>&1)
    rows=$(sed -n 's/.*now \([0-9]*\) rows.*/\1/p' <<<"$out")
    real=$(sed -n 's/.*real \([0-9.]*\) s, CPU \([0-9.]*\) s.*/\1/p' <<<"$out")
    cpu=$(sed -n 's/.*real \([0-9.]*\) s, CPU \([0-9.]*\) s.*/\2/p' <<<"$out")
    rate=$(awk -v r="$rows" -v t="$real" 'BEGIN { printf "%.0f", r / t }')
    rates[$side]+="$rate "
    printf 'round %d %-3s %s: real %s s, CPU %s s, %s rows/s\n' "$i" "$side" "$bin" "$real" "$cpu" "$rate"
  done
done
med() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mo=$(med "${rates[old]}") mn=$(med "${rates[new]}")
echo "median rows/s: old $mo, new $mn, new/old $(awk -v a="$mn" -v b="$mo" 'BEGIN { printf "%.2f", a / b }')"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
