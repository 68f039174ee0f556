#!/usr/bin/env bash
# The store codecs side by side, in one run (the machine is shared and noisy: only
# ratios measured together mean anything). For the 1 500-vessel case (issue 4:
# 1 500 vessels, 36 h) and a 5 M-fix day (4 100 vessels), each stored with
# --codec none (--deflate 0), deflate, delta and pack: bytes per row (trajcorr info), the
# read rate of the engine's columns (rows / the reader's time, `encounters --profile`
# "reading"), and `encounters` end to end (its closing line's real time, min and
# median, and its CPU time, median) over ROUNDS alternating rounds, each against none.
# Every store's encounters must be byte-identical. The load average is printed before
# and after (the machine may be shared). With BASE=path/to/another/trajcorr, also that
# build's encounters on its default store (delta; BASE must read format version 2),
# alternating with this one's on its default (pack), and each build's --profile line
# of its fastest run.
#
# Usage: bash bench/codec_ab.sh [build/trajcorr]   (ROUNDS=7, SMALL=1: skip the 5 M day)
set -euo pipefail
tc=$(readlink -f "${1:-build/trajcorr}")
rounds=${ROUNDS:-7}
work=$(mktemp -d "${TMPDIR:-/tmp}/codec_ab.XXXXXX")
trap 'rm -rf "$work"' EXIT
export POCL_CACHE_DIR=${POCL_CACHE_DIR:-$work/pocl}
codecs=(none deflate delta pack)
default=pack # this build's default codec (io/codec.h)
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

# one encounters run: "real_s reading_s cpu_s" (also keeps its list for the comparison)
one() {
  local err
  err=$("$tc" encounters "$1" -o "$2" --profile 2>&1 >/dev/null)
  local real reading cpu
  real=$(sed -n 's/.*encounters: real \([0-9.]*\) s.*/\1/p' <<<"$err")
  cpu=$(sed -n 's/.*encounters: real [0-9.]* s, CPU \([0-9.]*\) s.*/\1/p' <<<"$err")
  reading=$(sed -n 's/.*(reading \([0-9.]*\) s).*/\1/p' <<<"$err")
  echo "$real $reading $cpu"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A times reads cpus
for c in "${cases[@]}"; do
  for k in "${codecs[@]}"; do one "$work/$c-$k.h5" "$work/$c-$k.csv" >/dev/null; done # warm the cache
  for ((r = 0; r < rounds; r++)); do
    for k in "${codecs[@]}"; do
      read -r real reading cpu < <(one "$work/$c-$k.h5" "$work/$c-$k.csv")
      times[$c-$k]+="$real "
      reads[$c-$k]+="$reading "
      cpus[$c-$k]+="$cpu "
    done
  done
  for k in "${codecs[@]:1}"; do
    cmp -s "$work/$c-none.csv" "$work/$c-$k.csv" || { echo "codec_ab: $c: encounters differ between none and $k" >&2; exit 1; }
  done
done

# "min median" of a list of numbers
stat() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{v[NR]=$1} END {printf "%s %s\n", v[1], v[int((NR+1)/2)]}'; }
load1=$(cut -d' ' -f1-3 /proc/loadavg)
echo "trajcorr codecs, $(nproc) cores, $rounds alternating rounds, $(date -u +%Y-%m-%dT%H:%MZ), load average $load0 before, $load1 after; encounters lists identical"
echo
echo "| case | codec | bytes/row | size vs none | read rows/s (best) | read speed vs none | encounters min / median | time vs none (min / median) | CPU median | CPU vs none |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for c in "${cases[@]}"; do
  rows=$("$tc" info --json "$work/$c-none.h5" 2>/dev/null | sed -n 's/^  "rows": \([0-9]*\),/\1/p')
  read -r n_bytes < <("$tc" info --json "$work/$c-none.h5" 2>/dev/null | sed -n 's/^  "file_bytes": \([0-9]*\),*/\1/p')
  read -r n_rmin _ < <(stat "${reads[$c-none]}")
  read -r n_min n_med < <(stat "${times[$c-none]}")
  read -r _ n_cpu < <(stat "${cpus[$c-none]}")
  for k in "${codecs[@]}"; do
    bytes=$("$tc" info --json "$work/$c-$k.h5" 2>/dev/null | sed -n 's/^  "file_bytes": \([0-9]*\),*/\1/p')
    read -r rmin _ < <(stat "${reads[$c-$k]}")
    read -r tmin tmed < <(stat "${times[$c-$k]}")
    read -r _ cmed < <(stat "${cpus[$c-$k]}")
    awk -v c="$c" -v k="$k" -v rows="$rows" -v b="$bytes" -v nb="$n_bytes" -v r="$rmin" -v nr="$n_rmin" \
        -v t="$tmin" -v tm="$tmed" -v nt="$n_min" -v ntm="$n_med" -v cm="$cmed" -v ncm="$n_cpu" 'BEGIN {
      printf "| %s (%.2f M rows) | %s | %.1f | %.2f | %.1f M | %.2f | %.3f s / %.3f s | %.2f / %.2f | %.3f s | %.2f |\n",
             c, rows / 1e6, k, b / rows, b / nb, rows / r / 1e6, nr / r, t, tm, t / nt, tm / ntm, cm, cm / ncm }'
  done
done
echo
# BASE on the delta store against this build on its default store, alternating; then
# each one's --profile line of its fastest run (by the closing line's real time)
if [ -n "${BASE:-}" ]; then
  base=$(readlink -f "$BASE")
  declare -A store=([base]="$work/issue4-delta.h5" [this]="$work/issue4-$default.h5")
  "$base" encounters "${store[base]}" -o "$work/base.csv" >/dev/null 2>&1
  cmp -s "$work/base.csv" "$work/issue4-delta.csv" || { echo "codec_ab: BASE's encounters differ" >&2; exit 1; }
  declare -A best bt breal bcpu
  bt[base]=1e9 bt[this]=1e9
  for ((r = 0; r < rounds; r++)); do
    for who in base this; do
      bin=$tc
      [ "$who" = base ] && bin=$base
      out=$("$bin" encounters "${store[$who]}" -o /dev/null --profile 2>&1 >/dev/null)
      real=$(sed -n 's/.*encounters: real \([0-9.]*\) s.*/\1/p' <<<"$out")
      breal[$who]+="$real "
      bcpu[$who]+="$(sed -n 's/.*encounters: real [0-9.]* s, CPU \([0-9.]*\) s.*/\1/p' <<<"$out") "
      if awk -v a="$real" -v b="${bt[$who]}" 'BEGIN {exit !(a < b)}'; then
        bt[$who]=$real best[$who]=$(grep '^profile: start' <<<"$out")
      fi
    done
  done
  echo "The 1 500-vessel case, BASE on the delta store and this build on the $default store, $rounds alternating rounds, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end:"
  for who in base this; do
    bin=$tc
    [ "$who" = base ] && bin=$base
    read -r tmin tmed < <(stat "${breal[$who]}")
    read -r _ cmed < <(stat "${bcpu[$who]}")
    echo "$bin ($(basename "${store[$who]}")): real min $tmin s, median $tmed s; CPU median $cmed s; fastest run's --profile:"
    echo "  ${best[$who]}"
  done
fi
