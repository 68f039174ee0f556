#!/usr/bin/env bash
# On a lent NVIDIA machine: the kernels micro-benchmark and one generated day at
# several fleet sizes, OpenMP vs OpenCL end to end. Same carried files as run_checks.sh.
# Usage: [KERNELS=0] bash bench/gpu/run_scale.sh [VESSELS...]   (default 10000 50000 200000)
set -uo pipefail
OUT=${OUT:-gpu-out}; mkdir -p "$OUT"
T=.gpu-data/trajcorr
W=${TMPDIR:-/tmp}/tc-gpu; rm -rf "$W"; mkdir -p "$W"
bash bench/gpu/setup_nvidia.sh "$T" >"$OUT/setup.log" 2>&1 || { tail -20 "$OUT/setup.log"; exit 1; }
. "${TC_GPU_PREFIX:-/tmp/trajcorr-gpu}/env.sh"
export POCL_CACHE_DIR=$W/pocl
[ "${KERNELS:-1}" = 0 ] || timeout 150 "$T" bench kernels --budget 0.3 -o "$OUT/kernels.json" --md "$OUT/kernels.md" >"$OUT/kernels.log" 2>&1
echo "kernels suite: exit $?"
[ $# -gt 0 ] || set -- 10000 50000 200000
for V in "$@"; do
  # reports every 2-6 min: about 550 fixes a vessel a day, as the 1 500-vessel case's 0.83 M over 36 h
  /usr/bin/time -f "generate+import $V vessels: %e s, %M KB" sh -c \
    "'$T' generate -q --vessels $V --days 1 --seed 3 --clean --min-interval 120 --max-interval 360 -o - --truth '$W/t$V.csv' | '$T' import --quiet '$W/s$V.h5' -" 2>&1 | tail -2 | tee -a "$OUT/scale.txt"
  for b in openmp opencl; do
    "$T" encounters --backend $b --profile "$W/s$V.h5" -o "$W/e$V.$b.csv" 2>&1 | sed "s/^/$V $b: /" | tee -a "$OUT/scale.txt"
  done
  cmp -s "$W/e$V.openmp.csv" "$W/e$V.opencl.csv" && echo "$V: identical lists" | tee -a "$OUT/scale.txt"
  python3 bench/peers/recall.py --quiet "$W/t$V.csv" "$W/e$V.openmp.csv" | sed "s/^/$V: /" | tee -a "$OUT/scale.txt"
  rm -f "$W/s$V.h5"
done
