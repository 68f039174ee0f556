#!/usr/bin/env bash
# Builds trajcorr and its tests with AddressSanitizer and UndefinedBehaviorSanitizer
# (build-sanitize/, -DTRAJCORR_SANITIZE=address,undefined) and runs the whole suite
# there. Any report — a bad access, undefined behaviour, a leak not listed in
# tests/sanitize/lsan.supp — fails it (the sanitizer_reports test lists them).
# Usage: bash tests/sanitize.sh [ctest arguments, e.g. -R store]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-sanitize"
san=${TRAJCORR_SANITIZE:-address,undefined}
# RelWithDebInfo: -O2 keeps the suite's time near the normal build's, -g gives
# file:line in the reports
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRAJCORR_TESTS=ON \
  -DTRAJCORR_SANITIZE="$san" >/dev/null </dev/null
cmake --build "$build" -j"$(nproc)" >"$build/build.log" 2>&1 || { tail -n 50 "$build/build.log"; exit 1; }
if grep -q 'warning:' "$build/build.log"; then
  grep -B2 -A6 'warning:' "$build/build.log" >&2
  echo "sanitize: the sanitizer build has warnings" >&2
  exit 1
fi
export POCL_CACHE_DIR="$build/pocl-cache"
mkdir -p "$POCL_CACHE_DIR" "$build/test-tmp"
echo "sanitize: running the suite under -fsanitize=$san"
# -j: the suites are mostly one process each, and ASan makes them 2-3x slower
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "$@" </dev/null
