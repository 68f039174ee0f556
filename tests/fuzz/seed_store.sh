#!/bin/sh
# Seed corpus for fuzz_store: three tiny track stores (a few kB each) made by the
# trajcorr binary given: compressed, --deflate 0, and hourly buckets with two imports.
#   tests/fuzz/seed_store.sh build/trajcorr OUTDIR
set -eu
bin=${1:?usage: seed_store.sh TRAJCORR OUTDIR}
out=${2:?usage: seed_store.sh TRAJCORR OUTDIR}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# 12 rows of 3 vessels, two of them meeting for 2 h (so the engine finds something)
cat >"$tmp/a.csv" <<CSV
mmsi,timestamp,lat,lon,sog,cog,heading
211000001,2024-01-01T00:00:00Z,54.00000,10.00000,0.5,90,90
211000001,2024-01-01T01:00:00Z,54.00010,10.00010,0.5,90,90
211000001,2024-01-01T02:00:00Z,54.00020,10.00020,0.5,90,90
211000001,2024-01-01T03:00:00Z,54.00030,10.00030,0.5,90,90
211000002,2024-01-01T00:00:00Z,54.00100,10.00100,0.4,270,270
211000002,2024-01-01T01:00:00Z,54.00110,10.00110,0.4,270,270
211000002,2024-01-01T02:00:00Z,54.00120,10.00120,0.4,270,270
211000002,2024-01-01T03:00:00Z,54.00130,10.00130,0.4,270,270
366000003,2024-01-01T00:30:00Z,40.00000,-70.00000,12.0,45,45
366000003,2024-01-01T01:30:00Z,40.10000,-69.90000,12.0,45,45
366000003,2024-01-01T02:30:00Z,40.20000,-69.80000,12.0,45,45
366000003,2024-01-01T03:30:00Z,40.30000,-69.70000,12.0,45,45
CSV
sed -e 's/2024-01-01T0/2024-01-02T0/' "$tmp/a.csv" >"$tmp/b.csv"
"$bin" import --quiet "$out/deflate.h5" "$tmp/a.csv"
"$bin" import --quiet --deflate 0 "$out/plain.h5" "$tmp/a.csv"
"$bin" import --quiet --bucket 1h "$out/hourly.h5" "$tmp/a.csv"
"$bin" import --quiet "$out/hourly.h5" "$tmp/b.csv"
rm -f "$out"/.*.lock
ls -l "$out"
