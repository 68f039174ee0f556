#!/usr/bin/env bash
# On a lent many-core machine (see setup_nvidia.sh; the GPU is not used): how the OpenMP
# backend's thread count and libgomp's waiting policy change end-to-end time, on the
# 1 500-vessel case of docs/performance.md (36 h) beside the numpy peer, and on one
# generated day of larger fleets. Every setting alternates with the others round by round.
# Carried: .gpu-data/trajcorr and .debs/ as for run_issue4.sh.
# Usage: [ROUNDS=7] [THREADS="16 15 12 8"] bash bench/gpu/run_threads.sh [VESSELS...]  (default 10000 50000)
set -uo pipefail
OUT=${OUT:-gpu-out}; mkdir -p "$OUT"
T=$PWD/.gpu-data/trajcorr
PY=${PYTHON:-python3}
R=${ROUNDS:-7}
W=${TMPDIR:-/tmp}/tc-thr; rm -rf "$W"; mkdir -p "$W"
if [ "${SETUP:-1}" = 1 ]; then
  bash bench/gpu/setup_nvidia.sh "$T" >"$OUT/setup.log" 2>&1 || { tail -20 "$OUT/setup.log"; exit 1; }
  . "${TC_GPU_PREFIX:-/tmp/trajcorr-gpu}/env.sh"
fi
N=$(nproc)
TH=${THREADS:-"$N $((N - 1)) $((N * 3 / 4)) $((N / 2))"}
echo "cores: $N; $(grep -m1 'model name' /proc/cpuinfo); kernel $(uname -r)" | tee "$OUT/threads.txt"

# settings: each thread count as it is, the full count with libgomp waiting passively
settings() { # $1: store, $2: output stem
  for n in $TH; do echo "$n threads=$T encounters $1 -q --backend openmp --threads $n -o $2.$n.csv"; done
  echo "$N threads, passive wait=OMP_WAIT_POLICY=passive $T encounters $1 -q --backend openmp --threads $N -o $2.p.csv"
  echo "$((N - 1)) threads, passive wait=OMP_WAIT_POLICY=passive $T encounters $1 -q --backend openmp --threads $((N - 1)) -o $2.p1.csv"
  echo "default=$T encounters $1 -q -o $2.d.csv"
}
same() { # every list of stem $1 equal to the first
  local first="" ok=1
  for f in "$1".*.csv; do
    [ -n "$first" ] || first=$f
    cmp -s "$first" "$f" || { ok=0; echo "LIST DIFFERS: $f"; }
  done
  [ $ok = 1 ] && echo "all lists identical"
}

S=$W/issue.h5
"$T" generate -q --vessels 1500 --days 1.5 --min-interval 120 --max-interval 360 -o "$W/issue.csv" &&
  "$T" import --quiet "$S" "$W/issue.csv" && rm -f "$W/issue.csv"
mapfile -t cfg < <(settings "$S" "$W/i")
"$PY" bench/peers/encounters_numpy.py "$S" -o "$W/peer.csv" && "$T" encounters "$S" -q -o "$W/warm.csv"
echo "== issue case, $R rounds" | tee -a "$OUT/threads.txt"
"$PY" bench/gpu/alternate.py "$R" "numpy peer=$PY bench/peers/encounters_numpy.py $S -o $W/peer.csv" "${cfg[@]}" \
  --json "$OUT/threads_issue.json" 2>&1 | tee -a "$OUT/threads.txt"
same "$W/i" | tee -a "$OUT/threads.txt"
for n in $N $((N - 1)) $((N / 2)); do
  for i in 1 2 3; do "$T" encounters "$S" -q --backend openmp --threads $n --profile -o "$W/x.csv" 2>&1 | sed "s/^/issue, $n threads: /"; done
done | tee -a "$OUT/threads.txt"

[ $# -gt 0 ] || set -- 10000 50000
for V in "$@"; do
  "$T" generate -q --vessels "$V" --days 1 --seed 3 --clean --min-interval 120 --max-interval 360 -o - |
    "$T" import --quiet "$W/s$V.h5" -
  mapfile -t cfg < <(settings "$W/s$V.h5" "$W/e$V")
  echo "== $V vessels, 1 day, 3 rounds" | tee -a "$OUT/threads.txt"
  "$PY" bench/gpu/alternate.py 3 "${cfg[@]}" --json "$OUT/threads_$V.json" 2>&1 | tee -a "$OUT/threads.txt"
  same "$W/e$V" | tee -a "$OUT/threads.txt"
  for n in $N $((N / 2)); do
    "$T" encounters "$W/s$V.h5" -q --backend openmp --threads $n --profile -o "$W/x.csv" 2>&1 | sed "s/^/$V, $n threads: /" | tee -a "$OUT/threads.txt"
  done
  rm -f "$W/s$V.h5"
done
echo "done in ${SECONDS}s"
