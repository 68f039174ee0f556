#!/usr/bin/env bash
# On a lent NVIDIA machine (see setup_nvidia.sh): the OpenCL backend end to end on
# the NVIDIA platform. Expects, carried from the development machine (ignored by git):
#   .gpu-data/trajcorr                          the program built there
#   .gpu-data/NAME.csv.gz, NAME.encounters.csv  real tracks and the spec's lists
#   .debs/                                      from `setup_nvidia.sh download`
# Writes logs to $OUT (or ./gpu-out). Usage: bash bench/gpu/run_checks.sh [VESSELS]
set -uo pipefail
OUT=${OUT:-gpu-out}; mkdir -p "$OUT"
V=${1:-50000}
T=.gpu-data/trajcorr
W=${TMPDIR:-/tmp}/tc-gpu; rm -rf "$W"; mkdir -p "$W"
bash bench/gpu/setup_nvidia.sh "$T" >"$OUT/setup.log" 2>&1 || { tail -20 "$OUT/setup.log"; exit 1; }
. "${TC_GPU_PREFIX:-/tmp/trajcorr-gpu}/env.sh"
export POCL_CACHE_DIR=$W/pocl
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  "$T" devices
  nproc; grep -m1 'model name' /proc/cpuinfo
} 2>&1 | tee "$OUT/machine.txt"

echo "== real tracks: every backend and precision against the spec's list" | tee "$OUT/equiv.txt"
for f in .gpu-data/*.csv.gz; do
  a=$(basename "$f" .csv.gz)
  "$T" import --quiet "$W/$a.h5" "$f" >/dev/null 2>&1 || echo "import $a failed"
  for b in openmp allpairs opencl opencl-allpairs; do
    for p in double single; do
      case $b in openmp|allpairs) [ $p = single ] && continue;; esac
      "$T" encounters -q --backend $b --precision $p "$W/$a.h5" -o "$W/$a.$b.$p.csv" 2>>"$OUT/equiv.txt"
      r=$(python3 bench/peers/compare_encounters.py ".gpu-data/$a.encounters.csv" "$W/$a.$b.$p.csv" | tail -1)
      echo "$a $b $p: $r" | tee -a "$OUT/equiv.txt"
    done
  done
done

echo "== $V vessels, 1 day" | tee "$OUT/scale.txt"
/usr/bin/time -f "generate: %e s, %M KB" "$T" generate -q --vessels "$V" --days 1 --seed 3 --clean \
  -o "$W/big.csv" --truth "$W/truth.csv" 2>&1 | tee -a "$OUT/scale.txt"
/usr/bin/time -f "import: %e s, %M KB" "$T" import --quiet "$W/big.h5" "$W/big.csv" 2>&1 | tail -3 | tee -a "$OUT/scale.txt"
rm -f "$W/big.csv"
for b in openmp opencl "opencl --precision single"; do
  for rep in 1 2; do
    echo "-- $b (run $rep)" | tee -a "$OUT/scale.txt"
    "$T" encounters --backend $b --profile "$W/big.h5" -o "$W/big.$rep.csv" 2>&1 | tee -a "$OUT/scale.txt"
  done
  [ -e "$W/big.openmp.csv" ] || cp "$W/big.1.csv" "$W/big.openmp.csv"
  if cmp -s "$W/big.1.csv" "$W/big.openmp.csv" && cmp -s "$W/big.2.csv" "$W/big.openmp.csv"; then
    echo "$b: list identical to openmp's" | tee -a "$OUT/scale.txt"
  else
    echo "$b: LIST DIFFERS from openmp's" | tee -a "$OUT/scale.txt"
  fi
done
python3 bench/peers/recall.py --quiet "$W/truth.csv" "$W/big.openmp.csv" | tee -a "$OUT/scale.txt"
