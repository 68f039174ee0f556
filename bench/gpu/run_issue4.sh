#!/usr/bin/env bash
# On a lent GPU machine (see setup_nvidia.sh): the speed target's case of docs/performance.md
# (1 500 generated vessels over 36 h, end to end from the store) with trajcorr and the
# numpy/scipy peer side by side, round after round, on that machine's CPU cores and GPU;
# then a thread sweep, per-stage profiles, the real tracks on the GPU, and one generated
# day at larger fleets, OpenMP against OpenCL.
# Carried from the development machine (ignored by git):
#   .gpu-data/trajcorr                          the program built there
#   .gpu-data/trajcorr.base                     optional: an earlier build, timed alongside
#   .gpu-data/NAME.csv.gz, NAME.encounters.csv  real tracks and the spec's lists (optional)
#   .debs/                                      from `setup_nvidia.sh download`
# The peer needs a python3 with numpy, scipy and h5py (PYTHON overrides).
# Writes its logs to $OUT (or ./gpu-out).
# Usage: [ROUNDS=9] [BUDGET_S=360] bash bench/gpu/run_issue4.sh [VESSELS...]  (default 10000 50000 200000)
set -uo pipefail
OUT=${OUT:-gpu-out}; mkdir -p "$OUT"
T=$PWD/.gpu-data/trajcorr
PY=${PYTHON:-python3}
R=${ROUNDS:-9}
BUDGET=${BUDGET_S:-360}
W=${TMPDIR:-/tmp}/tc-i4; rm -rf "$W"; mkdir -p "$W"
if [ "${SETUP:-1}" = 1 ]; then # SETUP=0 DEVTYPE=cpu: a dry run where OpenCL is installed (PoCL)
  bash bench/gpu/setup_nvidia.sh "$T" >"$OUT/setup.log" 2>&1 || { tail -20 "$OUT/setup.log"; exit 1; }
  . "${TC_GPU_PREFIX:-/tmp/trajcorr-gpu}/env.sh"
fi
D=${DEVTYPE:-gpu}
export POCL_CACHE_DIR=$W/pocl
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>/dev/null
  "$T" devices
  echo "cores: $(nproc); $(grep -m1 'model name' /proc/cpuinfo)"
  echo "kernel: $(uname -r)"
  "$PY" -c 'import sys, numpy, scipy, h5py; print("python", sys.version.split()[0], "numpy", numpy.__version__, "scipy", scipy.__version__, "h5py", h5py.__version__)'
} 2>&1 | tee "$OUT/machine.txt"

S=$W/issue.h5
echo "== issue case: 1500 vessels x 36 h" | tee "$OUT/issue.txt"
"$T" generate -q --vessels 1500 --days 1.5 --min-interval 120 --max-interval 360 -o "$W/issue.csv" &&
  "$T" import --quiet "$S" "$W/issue.csv" | tail -1 | tee -a "$OUT/issue.txt"
rm -f "$W/issue.csv"
enc="$T encounters $S -q"
# One untimed run of each first: the GPU's kernels compile once and are cached after.
for c in "$PY bench/peers/encounters_numpy.py $S -o $W/peer.csv" "$enc -o $W/auto.csv" \
  "$enc --backend opencl --device-type $D -o $W/ocl.csv"; do
  sh -c "$c" || echo "warm-up failed: $c" | tee -a "$OUT/issue.txt"
done
base=()
B=$PWD/.gpu-data/trajcorr.base
[ -x "$B" ] && base=("earlier build (auto)=$B encounters $S -q -o $W/base.csv"
  "earlier build, openmp=$B encounters $S -q --backend openmp -o $W/baseomp.csv")
"$PY" bench/gpu/alternate.py "$R" --json "$OUT/issue.json" \
  "numpy peer=$PY bench/peers/encounters_numpy.py $S -o $W/peer.csv" \
  "trajcorr (auto)=$enc -o $W/auto.csv" \
  "openmp, all cores=$enc --backend openmp -o $W/omp.csv" \
  "openmp, 2 threads=$enc --backend openmp --threads 2 -o $W/omp2.csv" \
  "opencl gpu, double=$enc --backend opencl --device-type $D -o $W/ocl.csv" \
  "opencl gpu, single=$enc --backend opencl --device-type $D --precision single -o $W/ocls.csv" \
  "${base[@]}" 2>&1 | tee -a "$OUT/issue.txt"
for f in auto omp2 ocl ocls ${base:+base baseomp}; do
  cmp -s "$W/omp.csv" "$W/$f.csv" && echo "$f: list identical to openmp's" || echo "$f: LIST DIFFERS from openmp's"
done | tee -a "$OUT/issue.txt"
echo "peer against trajcorr: $("$PY" bench/peers/compare_encounters.py "$W/omp.csv" "$W/peer.csv" | tr '\n' ' ')" |
  tee -a "$OUT/issue.txt"

echo "== thread sweep (openmp)" | tee -a "$OUT/issue.txt"
sweep=()
for n in 1 2 4 8 12 $(($(nproc) - 1)) $(nproc); do sweep+=("$n threads=$enc --backend openmp --threads $n -o $W/t$n.csv"); done
"$PY" bench/gpu/alternate.py 5 "${sweep[@]}" 2>&1 | tee -a "$OUT/issue.txt"
for b in "openmp" "openmp --threads 2" "opencl --device-type $D"; do
  echo "-- --profile $b" | tee -a "$OUT/issue.txt"
  for i in 1 2 3; do $enc --backend $b --profile -o "$W/p.csv" 2>&1 | tail -4; done | tee -a "$OUT/issue.txt"
done

echo "== real tracks on the GPU against the spec's lists" | tee "$OUT/equiv.txt"
for f in .gpu-data/*.csv.gz; do
  [ -e "$f" ] || continue
  a=$(basename "$f" .csv.gz)
  "$T" import --quiet "$W/$a.h5" "$f" >/dev/null 2>&1 || echo "import $a failed"
  for p in double single; do
    for b in opencl opencl-allpairs; do
      "$T" encounters -q --backend $b --device-type $D --precision $p "$W/$a.h5" -o "$W/$a.csv" 2>>"$OUT/equiv.txt"
      echo "$a $b $p: $("$PY" bench/peers/compare_encounters.py ".gpu-data/$a.encounters.csv" "$W/$a.csv" | tail -1)"
    done
  done | tee -a "$OUT/equiv.txt"
done

[ $# -gt 0 ] || set -- 10000 50000 200000
for V in "$@"; do
  [ "$SECONDS" -lt "$BUDGET" ] || { echo "stopped before $V vessels: ${SECONDS}s of ${BUDGET}s used" | tee -a "$OUT/scale.txt"; break; }
  s0=$SECONDS
  "$T" generate -q --vessels "$V" --days 1 --seed 3 --clean --min-interval 120 --max-interval 360 -o - \
    --truth "$W/t$V.csv" | "$T" import --quiet "$W/s$V.h5" - | tail -1 | sed "s/^/$V: /" | tee -a "$OUT/scale.txt"
  echo "$V: generate + import $((SECONDS - s0)) s" | tee -a "$OUT/scale.txt"
  for b in openmp "opencl --device-type $D"; do
    for i in 1 2; do
      "$T" encounters --backend $b --profile "$W/s$V.h5" -o "$W/e$V.$i.csv" 2>&1 | sed "s/^/$V $b ($i): /"
    done
    [ -e "$W/e$V.omp.csv" ] || cp "$W/e$V.1.csv" "$W/e$V.omp.csv"
    cmp -s "$W/e$V.1.csv" "$W/e$V.omp.csv" && cmp -s "$W/e$V.2.csv" "$W/e$V.omp.csv" &&
      echo "$V $b: list identical to openmp's" || echo "$V $b: LIST DIFFERS from openmp's"
  done | tee -a "$OUT/scale.txt"
  "$PY" bench/peers/recall.py --quiet "$W/t$V.csv" "$W/e$V.omp.csv" | sed "s/^/$V: /" | tee -a "$OUT/scale.txt"
  rm -f "$W/s$V.h5"
done
echo "done in ${SECONDS}s"
