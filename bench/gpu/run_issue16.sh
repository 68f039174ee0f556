#!/usr/bin/env bash
# Issue 16 on a lent GPU machine, one shot: OpenCL (the device deciding close pairs) against
# OpenMP on that machine's cores, side by side, and everything logged into $OUT:
#   machine.txt   devices, driver, cores
#   startup.txt   a cold run (empty program cache), `devices --build`, then second runs:
#                 the `profile opencl: startup` figures (goal <= 50 ms warm)
#   issue.txt     issue 4's case (1 500 vessels x 36 h) alternated, lists compared
#   day.txt       the dense 50 k-vessel day and the 200 k-vessel day (docs/performance.md):
#                 openmp and opencl alternated, --profile lines, lists compared; once more
#                 opencl with TRAJCORR_CL_DROP_RUNS=0 (every close pair back: the runs step's gain)
#                 and with TRAJCORR_CL_BLOCK_POSITIONS=33554432 (blocks of a whole day), and
#                 with TRAJCORR_CL_OVERLAP=0 (the op in line: what running it beside the host gains)
#   auto.txt      what --backend auto picks on each day (and with TRAJCORR_AUTO_CROSSOVER=0)
#   devices.txt   --device all against one device where the machine has several
# The program: built here when BUILD=1 and cmake finds its libraries (build-gpu/), else
# $TRAJCORR, else .gpu-data/trajcorr carried from the development machine with .debs/
# (setup_nvidia.sh).
# Dry run where only PoCL exists (30 s on dev):
#   SETUP=0 DEVTYPE=cpu TRAJCORR=build/trajcorr ISSUE_VESSELS=150 ROUNDS=2 OUT=/tmp/dry \
#   bash bench/gpu/run_issue16.sh 300 600
# Usage: [ROUNDS=5] [BUDGET_S=480] [BUILD=0] bash bench/gpu/run_issue16.sh [VESSELS...]
#        (default 50000 200000; a day is skipped once BUDGET_S seconds are used)
set -uo pipefail
OUT=${OUT:-gpu-out}; mkdir -p "$OUT"
R=${ROUNDS:-5}
BUDGET=${BUDGET_S:-480}
D=${DEVTYPE:-gpu}
PY=${PYTHON:-python3}
W=${TMPDIR:-/tmp}/tc-i16; rm -rf "$W"; mkdir -p "$W"
T=${TRAJCORR:-$PWD/.gpu-data/trajcorr}
if [ "${BUILD:-0}" = 1 ]; then
  if cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release >"$OUT/build.log" 2>&1 &&
    cmake --build build-gpu -j"$(nproc)" --target trajcorr >>"$OUT/build.log" 2>&1; then
    T=$PWD/build-gpu/trajcorr
  else
    echo "build failed (tail of $OUT/build.log below); using $T"; tail -5 "$OUT/build.log"
  fi
fi
if [ "${SETUP:-1}" = 1 ]; then
  bash bench/gpu/setup_nvidia.sh "$T" >"$OUT/setup.log" 2>&1 || { tail -20 "$OUT/setup.log"; exit 1; }
  . "${TC_GPU_PREFIX:-/tmp/trajcorr-gpu}/env.sh"
fi
[ -x "$T" ] || { echo "no program at $T"; exit 1; }
export POCL_CACHE_DIR=$W/pocl
export TRAJCORR_CL_CACHE=$W/clcache
ocl="--backend opencl --device-type $D"
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>/dev/null
  "$T" devices
  echo "cores: $(nproc); $(grep -m1 'model name' /proc/cpuinfo)"
  echo "program: $T ($(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
} 2>&1 | tee "$OUT/machine.txt"

S=$W/issue.h5
"$T" generate -q --vessels "${ISSUE_VESSELS:-1500}" --days 1.5 --min-interval 120 --max-interval 360 \
  --store "$S" 2>&1 | tail -1

echo "== start-up: cold program cache, devices --build, then warm runs" | tee "$OUT/startup.txt"
"$T" encounters -q $ocl --profile "$S" -o "$W/cold.csv" 2>&1 | grep '^profile opencl' | sed 's/^/cold: /' |
  tee -a "$OUT/startup.txt"
rm -rf "$TRAJCORR_CL_CACHE"
"$T" devices --build 2>&1 | tail -4 | tee -a "$OUT/startup.txt"
for i in 1 2 3; do
  "$T" encounters -q $ocl --profile "$S" -o "$W/warm.csv" 2>&1 | grep '^profile opencl' |
    sed "s/^/warm $i: /"
done | tee -a "$OUT/startup.txt"

echo "== issue 4's case" | tee "$OUT/issue.txt"
enc="$T encounters $S -q"
"$PY" bench/gpu/alternate.py "$R" --json "$OUT/issue.json" \
  "openmp, all cores=$enc --backend openmp -o $W/omp.csv" \
  "opencl, double=$enc $ocl -o $W/ocl.csv" \
  "opencl, single=$enc $ocl --precision single -o $W/ocls.csv" \
  "opencl-allpairs=$enc --backend opencl-allpairs --device-type $D -o $W/oap.csv" \
  "auto=$enc -o $W/auto.csv" 2>&1 | tee -a "$OUT/issue.txt"
for f in ocl ocls oap auto; do
  cmp -s "$W/omp.csv" "$W/$f.csv" && echo "$f: list identical to openmp's" || echo "$f: LIST DIFFERS from openmp's"
done | tee -a "$OUT/issue.txt"
for b in "--backend openmp" "$ocl"; do
  $enc $b --profile -o "$W/p.csv" 2>&1 | grep '^profile' | sed "s/^/$b: /"
done | tee -a "$OUT/issue.txt"

[ $# -gt 0 ] || set -- 50000 200000
: >"$OUT/day.txt"; : >"$OUT/auto.txt"
for V in "$@"; do
  [ "$SECONDS" -lt "$BUDGET" ] || { echo "stopped before $V vessels: ${SECONDS}s of ${BUDGET}s used" | tee -a "$OUT/day.txt"; break; }
  s0=$SECONDS
  "$T" generate -q --vessels "$V" --days 1 --seed 3 --clean --min-interval 120 --max-interval 360 -o - |
    "$T" import --quiet "$W/s$V.h5" - | tail -1 | sed "s/^/$V: /" | tee -a "$OUT/day.txt"
  echo "$V: generate + import $((SECONDS - s0)) s" | tee -a "$OUT/day.txt"
  e="$T encounters $W/s$V.h5"
  n=2; [ "$V" -ge 100000 ] && n=1
  for i in $(seq "$n"); do
    for b in "--backend openmp" "$ocl"; do
      $e $b --profile -o "$W/e$V.$i.${b##* }.csv" 2>&1 | sed "s/^/$V $b ($i): /"
    done
  done | tee -a "$OUT/day.txt"
  # what dropping the short runs on the device gains (docs/opencl.md, step 6): once without
  TRAJCORR_CL_DROP_RUNS=0 $e $ocl --profile -o "$W/e$V.nodrop.csv" 2>&1 |
    sed "s/^/$V $ocl, TRAJCORR_CL_DROP_RUNS=0: /" | tee -a "$OUT/day.txt"
  # ... and what blocks of a whole day send back against the default's (at least four
  # merge_gaps a block; every run within merge_gap of a block's end comes back)
  TRAJCORR_CL_BLOCK_POSITIONS=33554432 $e $ocl --profile -o "$W/e$V.block32m.csv" 2>&1 |
    sed "s/^/$V $ocl, TRAJCORR_CL_BLOCK_POSITIONS=33554432: /" | tee -a "$OUT/day.txt"
  # ... and the op waited on in line, not run beside the host's stages of the block before
  TRAJCORR_CL_OVERLAP=0 $e $ocl --profile -o "$W/e$V.inline.csv" 2>&1 |
    sed "s/^/$V $ocl, TRAJCORR_CL_OVERLAP=0: /" | tee -a "$OUT/day.txt"
  for f in "$W"/e"$V".*.csv; do
    cmp -s "$W/e$V.1.openmp.csv" "$f" && echo "$V $(basename "$f"): list identical to openmp's" ||
      echo "$V $(basename "$f"): LIST DIFFERS from openmp's"
  done | tee -a "$OUT/day.txt"
  { $e --profile -o "$W/a.csv" 2>&1 | grep 'backend auto' | sed "s/^/$V default: /"
    TRAJCORR_AUTO_CROSSOVER=0 $e --profile -o "$W/a.csv" 2>&1 | grep 'backend auto' | sed "s/^/$V crossover 0: /"
  } | tee -a "$OUT/auto.txt"
  if [ "$("$T" devices 2>/dev/null | grep -c "type $D,")" -gt 1 ]; then
    $e --backend opencl --device all --device-type "$D" --profile -o "$W/all$V.csv" 2>&1 |
      sed "s/^/$V --device all: /" | tee -a "$OUT/devices.txt"
    cmp -s "$W/e$V.1.openmp.csv" "$W/all$V.csv" && echo "$V --device all: list identical" | tee -a "$OUT/devices.txt"
  fi
  rm -f "$W/s$V.h5"
done
echo "done in ${SECONDS}s" | tee -a "$OUT/day.txt"
