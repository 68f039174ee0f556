#!/usr/bin/env bash
# CPU milliseconds per OpenCL kernel on a CPU device (PoCL), from `perf record` samples
# (cpu-clock periods; the sampling itself slows the run, so compare builds, not totals),
# for builds side by side: R alternating rounds of `encounters --backend opencl` of each,
# then each build's mean per run of every PoCL kernel (`_pocl_kernel_<name>_workgroup`),
# PoCL's buffer fills, the copies of writes (memmove) and page faults. CPU time, not wall:
# on a machine shared with other jobs it moves far less than the wall time does.
#
# Usage: bash bench/opencl_kernel_cpu.sh STORE LABEL=TRAJCORR [LABEL=TRAJCORR ...]
#        (R=5 rounds; F=10000 samples a second; needs perf)
set -euo pipefail
store=$1
shift
rounds=${R:-5}
freq=${F:-10000}
work=$(mktemp -d "${TMPDIR:-/tmp}/opencl_kcpu.XXXXXX")
trap 'rm -rf "$work"' EXIT
for lb in "$@"; do # warm the program caches
  "${lb#*=}" encounters -q "$store" --backend opencl -o "$work/warm.csv"
done
for r in $(seq "$rounds"); do
  for lb in "$@"; do
    perf record -q -F "$freq" -o "$work/${lb%%=*}.$r.data" -- \
      "${lb#*=}" encounters -q "$store" --backend opencl -o "$work/out.csv" >/dev/null 2>&1
  done
done
for lb in "$@"; do
  l=${lb%%=*}
  for r in $(seq "$rounds"); do
    perf report -i "$work/$l.$r.data" --no-children --sort sym -F period,sym -q 2>/dev/null
  done | awk -v l="$l" -v R="$rounds" '
    { n = $1; $1 = ""; sub(/^ +/, ""); s[$0] += n; t += n }
    END { for (k in s) if (k ~ /pocl_kernel|pocl_fill|memmove_avx|exc_page_fault/)
            printf "%s\t%7.1f ms\t%s\n", l, s[k] / R / 1e6, k
          printf "%s\t%7.1f ms\tall samples (perf adds its own)\n", l, t / R / 1e6 }' | sort -t$'\t' -k2 -nr
done
