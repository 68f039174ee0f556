#!/usr/bin/env bash
# The main job end to end on a generated default: install what is missing, build,
# generate a day of synthetic AIS with planted ship-to-ship meetings, import it into
# a track store, find the encounters, and check them against the planted truth.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${TRAJCORR_DEMO_DIR:-$root/out/demo}
bash "$root/bench/setup.sh" </dev/null
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null </dev/null
cmake --build "$root/build" -j"$(nproc)" --target trajcorr >/dev/null
tc="$root/build/trajcorr"
export POCL_CACHE_DIR="${POCL_CACHE_DIR:-$root/build/pocl-cache}"
mkdir -p "$out" "$POCL_CACHE_DIR"
rm -f "$out/store.h5"
"$tc" generate --vessels 2000 --days 1 --seed 7 -o "$out/traffic.csv.gz" --truth "$out/truth.csv"
"$tc" import "$out/store.h5" "$out/traffic.csv.gz"
"$tc" info "$out/store.h5"
"$tc" encounters "$out/store.h5" -o "$out/encounters.csv"
/usr/bin/python3 "$root/bench/peers/recall.py" "$out/truth.csv" "$out/encounters.csv"
"$tc" encounters --quiet "$out/store.h5" --sort score -o "$out/ranked.csv"
"$tc" report "$out/store.h5" "$out/encounters.csv" -o "$out/report.html"
cat <<MSG

trajcorr demo outputs in $out:
  traffic.csv.gz        generated AIS (with duplicates, out-of-order and invalid rows, as real feeds)
  truth.csv             the planted meetings and decoys
  store.h5              the HDF5 track store ('trajcorr info $out/store.h5')
  encounters.csv        the encounters found (spec/encounters.md), encounters.csv.json its metadata
  ranked.csv            the same, ranked for analysts with identities, context and reasons
  report.html           self-contained report: map, sortable table, a panel per encounter
MSG
