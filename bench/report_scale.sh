#!/usr/bin/env bash
# The analyst commands at volume: a generated period (default 20 000 vessels x 2 days,
# ~46 M fixes, ~11 k encounters), then `report` (anchorages found, then cached) and
# `encounters --sort score`, each timed with its peak RSS; the two pages must match.
# Usage: bash bench/report_scale.sh [VESSELS] [DAYS] [TRAJCORR] [WORKDIR]
set -euo pipefail
V=${1:-20000}
D=${2:-2}
T=$(realpath "${3:-build/trajcorr}")
W=${4:-$(mktemp -d)}
mkdir -p "$W"
cd "$W"
tm() { /usr/bin/time -f "$1: %e s wall, %U+%S s CPU, %M KB peak RSS" "${@:2}"; }
if [ ! -s "big$V.h5" ]; then
  tm "generate+import $V vessels x $D days" "$T" generate -q --vessels "$V" --days "$D" --store "big$V.h5" -o /dev/null
fi
tm "encounters" "$T" encounters -q "big$V.h5" -o "big$V.enc.csv"
rm -f "big$V.h5.anchorages.csv"
tm "report (anchorages found)" "$T" report -q "big$V.h5" "big$V.enc.csv" -o report1.html
tm "report (anchorages cached)" "$T" report -q "big$V.h5" "big$V.enc.csv" -o report2.html
tm "encounters --sort score" "$T" encounters -q "big$V.h5" --sort score -o ranked.csv
cmp report1.html report2.html
echo "encounters: $(($(wc -l <"big$V.enc.csv") - 1)); work dir: $W"
