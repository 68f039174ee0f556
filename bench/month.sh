#!/usr/bin/env bash
# A month at global density: 18 200 vessels in 6 open-sea regions (~20 M fixes a day), 30 days
# generated and imported one store per week, then `encounters` over 1, 7 and 30 days of them
# (one timeline), `--sort score` and `report` on the month, each timed with its peak RSS, and the
# 30 days' peak RSS after each day (`--log json`).
# Usage: bash bench/month.sh [TRAJCORR] [WORKDIR]   (~10 GB of disk in WORKDIR; docs/performance.md)
set -euo pipefail
T=$(realpath "${1:-build/trajcorr}")
W=${2:-$(mktemp -d)}
mkdir -p "$W"
cd "$W"
tm() { /usr/bin/time -f "$1: %e s wall, %U+%S s CPU, %M KB peak RSS" "${@:2}"; }
stores=()
for w in 0 1 2 3 4; do
  d=7
  [ "$w" = 4 ] && d=2
  s=$(date -u -d "2024-01-01 +$((7 * w)) days" +%Y-%m-%dT00:00:00Z)
  stores+=("week$w.h5")
  [ -s "week$w.h5" ] && continue
  tm "generate+import week $w ($d days)" "$T" generate -q --vessels 18200 --regions 6 --days "$d" --start "$s" \
    --seed 7 --store "week$w.h5"
  "$T" info "week$w.h5" | grep -E "^(format|rows):"
done
tm "encounters 1 day" "$T" encounters -q week0.h5 --to 2024-01-02T00:00:00Z -o d1.csv
tm "encounters 7 days" "$T" encounters -q week0.h5 -o d7.csv
tm "encounters 30 days" "$T" encounters -q "${stores[@]}" -o d30.csv --log json 2> d30.log
grep -v '"event":"bucket"' d30.log || true
# peak RSS after each day (flat in days: docs/performance.md)
echo "peak RSS by day (MB): $(sed -n 's/.*"buckets_done":\([0-9]*\).*"rss_mb":\([0-9.]*\).*/\1:\2/p' d30.log | tr '\n' ' ')"
wc -l d1.csv d7.csv d30.csv
tm "encounters 30 days --sort score" "$T" encounters -q "${stores[@]}" --sort score -o d30.ranked.csv
tm "report 30 days" "$T" report -q "${stores[@]}" d30.csv -o d30.html
ls -l d30.html
echo "work dir: $W"
