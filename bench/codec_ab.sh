#!/usr/bin/env bash
# The store codecs side by side, in one run (the machine is shared and noisy: only
# ratios measured together mean anything). For the 1 500-vessel case (issue 4:
# 1 500 vessels, 36 h) and a 5 M-fix day (4 100 vessels), each stored with
# --codec none (--deflate 0), deflate and delta: bytes per row (trajcorr info), the
# read rate of the engine's columns (rows / the reader's time, `encounters --profile`
# "reading"), and `encounters` end to end (its closing line's real time), min and
# median over ROUNDS alternating rounds, each against none. Every store's encounters
# must be byte-identical. With BASE=path/to/another/trajcorr, also that build's
# --profile line on the 1 500-vessel case (stored by it, its default codec).
#
# Usage: bash bench/codec_ab.sh [build/trajcorr]   (ROUNDS=7, SMALL=1: skip the 5 M day)
set -euo pipefail
tc=$(readlink -f "${1:-build/trajcorr}")
rounds=${ROUNDS:-7}
work=$(mktemp -d "${TMPDIR:-/tmp}/codec_ab.XXXXXX")
trap 'rm -rf "$work"' EXIT
export POCL_CACHE_DIR=${POCL_CACHE_DIR:-$work/pocl}
codecs=(none deflate delta)
cargs() { case $1 in none) echo "--codec none --deflate 0" ;; *) echo "--codec $1" ;; esac; }

cases=(issue4)
"$tc" generate -q --vessels 1500 --days 1.5 --min-interval 120 --max-interval 360 -o "$work/issue4.csv"
if [ "${SMALL:-0}" != 1 ]; then
  cases+=(day5m)
  "$tc" generate -q --vessels 4100 --days 1 -o "$work/day5m.csv"
fi
for c in "${cases[@]}"; do
  for k in "${codecs[@]}"; do
    # shellcheck disable=SC2046
    "$tc" import -q $(cargs "$k") "$work/$c-$k.h5" "$work/$c.csv"
  done
done

# one encounters run: "real_s reading_s" (also keeps its list for the comparison)
one() {
  local err
  err=$("$tc" encounters "$1" -o "$2" --profile 2>&1 >/dev/null)
  local real reading
  real=$(sed -n 's/.*encounters: real \([0-9.]*\) s.*/\1/p' <<<"$err")
  reading=$(sed -n 's/.*(reading \([0-9.]*\) s).*/\1/p' <<<"$err")
  echo "$real $reading"
}

declare -A times reads
for c in "${cases[@]}"; do
  for k in "${codecs[@]}"; do one "$work/$c-$k.h5" "$work/$c-$k.csv" >/dev/null; done # warm the cache
  for ((r = 0; r < rounds; r++)); do
    for k in "${codecs[@]}"; do
      read -r real reading < <(one "$work/$c-$k.h5" "$work/$c-$k.csv")
      times[$c-$k]+="$real "
      reads[$c-$k]+="$reading "
    done
  done
  for k in deflate delta; do
    cmp -s "$work/$c-none.csv" "$work/$c-$k.csv" || { echo "codec_ab: $c: encounters differ between none and $k" >&2; exit 1; }
  done
done

stat() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{v[NR]=$1} END {printf "%s %s\n", v[1], v[int((NR+1)/2)]}'; }
echo "trajcorr codecs, $(nproc) cores, $rounds alternating rounds, $(date -u +%Y-%m-%dT%H:%MZ); encounters lists identical"
echo
echo "| case | codec | bytes/row | size vs none | read rows/s (best) | read speed vs none | encounters min / median | time vs none (min / median) |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for c in "${cases[@]}"; do
  rows=$("$tc" info --json "$work/$c-none.h5" 2>/dev/null | sed -n 's/^  "rows": \([0-9]*\),/\1/p')
  read -r n_bytes < <("$tc" info --json "$work/$c-none.h5" 2>/dev/null | sed -n 's/^  "file_bytes": \([0-9]*\),*/\1/p')
  read -r n_rmin _ < <(stat "${reads[$c-none]}")
  read -r n_min n_med < <(stat "${times[$c-none]}")
  for k in "${codecs[@]}"; do
    bytes=$("$tc" info --json "$work/$c-$k.h5" 2>/dev/null | sed -n 's/^  "file_bytes": \([0-9]*\),*/\1/p')
    read -r rmin _ < <(stat "${reads[$c-$k]}")
    read -r tmin tmed < <(stat "${times[$c-$k]}")
    awk -v c="$c" -v k="$k" -v rows="$rows" -v b="$bytes" -v nb="$n_bytes" -v r="$rmin" -v nr="$n_rmin" \
        -v t="$tmin" -v tm="$tmed" -v nt="$n_min" -v ntm="$n_med" 'BEGIN {
      printf "| %s (%.2f M rows) | %s | %.1f | %.2f | %.1f M | %.2f | %.3f s / %.3f s | %.2f / %.2f |\n",
             c, rows / 1e6, k, b / rows, b / nb, rows / r / 1e6, nr / r, t, tm, t / nt, tm / ntm }'
  done
done
echo
# --profile lines: the fastest of ROUNDS alternating runs (by the closing line's real time)
best_profile() { # binary store
  local best="" bt=1e9 out real
  for ((r = 0; r < rounds; r++)); do
    out=$("$1" encounters "$2" -o /dev/null --profile 2>&1 >/dev/null)
    real=$(sed -n 's/.*encounters: real \([0-9.]*\) s.*/\1/p' <<<"$out")
    if awk -v a="$real" -v b="$bt" 'BEGIN {exit !(a < b)}'; then bt=$real best=$(grep '^profile' <<<"$out"); fi
  done
  echo "real $bt s; $best"
}
if [ -n "${BASE:-}" ]; then
  "$BASE" import -q "$work/issue4-base.h5" "$work/issue4.csv"
  "$BASE" encounters "$work/issue4-base.h5" -o /dev/null >/dev/null 2>&1
  echo "--profile, the 1 500-vessel case, $BASE on its default store:"
  best_profile "$BASE" "$work/issue4-base.h5"
fi
echo "--profile, the 1 500-vessel case, $tc on the delta store:"
best_profile "$tc" "$work/issue4-delta.h5"
