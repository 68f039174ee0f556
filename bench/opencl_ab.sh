#!/usr/bin/env bash
# The OpenCL path of two builds side by side on the 5 M-fix day (docs/opencl.md), in one
# run (the machine is shared and noisy: only figures measured together mean anything):
# `encounters --backend opencl` of BASE and of NEW and `--backend openmp` of NEW,
# alternated ROUNDS times (bench/gpu/alternate.py: min / median wall and CPU), every list
# compared with openmp's, then one `--profile` run of each opencl build (its engine and
# device lines: host time per stage, bytes each way, close pairs back), and the load;
# with STEPS=N, N more alternating `--profile` rounds of the two opencl builds and openmp,
# the least and median of each device step (bench/opencl_steps.py).
#
# Usage: BASE=path/to/old/trajcorr bash bench/opencl_ab.sh [build/trajcorr]
#        (ROUNDS=7; STEPS=0; VESSELS=4100; DEVTYPE=any: the OpenCL device type;
#         ARGS="--threads 1": more options for every `encounters`;
#         GEN="--days 1 --seed 3 --min-interval 120 --max-interval 360": more options
#         for `generate`, here the dense days of docs/performance.md)
set -euo pipefail
new=$(readlink -f "${1:-build/trajcorr}")
base=$(readlink -f "${BASE:?BASE=path to the build to compare with}")
rounds=${ROUNDS:-7}
work=$(mktemp -d "${TMPDIR:-/tmp}/opencl_ab.XXXXXX")
trap 'rm -rf "$work"' EXIT
export POCL_CACHE_DIR=${POCL_CACHE_DIR:-$work/pocl}
export TRAJCORR_CL_CACHE=${TRAJCORR_CL_CACHE:-$work/clcache}
here=$(dirname "$(readlink -f "$0")")
dev="--device-type ${DEVTYPE:-any}"
x=${ARGS:-}
# the base build writes the store: a newer build reads every older layout, not the reverse
"$base" generate -q --vessels "${VESSELS:-4100}" ${GEN:-} --store "$work/day.h5"
for b in "$base" "$new"; do # warm both program caches (and PoCL's) before timing
  "$b" encounters -q "$work/day.h5" --backend opencl $dev $x -o "$work/warm.csv"
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$here/gpu/alternate.py" "$rounds" \
  "openmp (new)=$new encounters -q $work/day.h5 --backend openmp $x -o $work/omp.csv" \
  "opencl (base)=$base encounters -q $work/day.h5 --backend opencl $dev $x -o $work/base.csv" \
  "opencl (new)=$new encounters -q $work/day.h5 --backend opencl $dev $x -o $work/new.csv"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for f in base new; do
  cmp -s "$work/omp.csv" "$work/$f.csv" && echo "opencl ($f): list identical to openmp's" ||
    { echo "opencl ($f): LIST DIFFERS from openmp's"; exit 1; }
done
for b in "$base" "$new"; do
  echo "== $( [ "$b" = "$base" ] && echo base || echo new ): $b"
  "$b" encounters "$work/day.h5" --backend opencl $dev $x --profile -o "$work/p.csv" 2>&1 | grep -v '^trajcorr encounters: wrote'
done
if [ "${STEPS:-0}" -gt 0 ]; then
  python3 "$here/opencl_steps.py" "$STEPS" \
    "opencl (base)=$base encounters $work/day.h5 --backend opencl $dev $x --profile -o $work/p.csv" \
    "opencl (new)=$new encounters $work/day.h5 --backend opencl $dev $x --profile -o $work/p.csv" \
    "openmp (new)=$new encounters $work/day.h5 --backend openmp $x --profile -o $work/p.csv"
fi
