#!/usr/bin/env bash
# Installs what is missing, builds trajcorr with its tests and runs the whole suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# chromium: the HTML report is checked in a real headless browser
bash "$root/bench/setup.sh" chromium </dev/null
build="$root/build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTRAJCORR_TESTS=ON </dev/null
cmake --build "$build" -j"$(nproc)"
export POCL_CACHE_DIR="$build/pocl-cache"
mkdir -p "$POCL_CACHE_DIR" "$build/test-tmp"
ctest --test-dir "$build" --output-on-failure </dev/null
bash "$root/bench/demo.sh" </dev/null        # the README's first command, end to end
bash "$root/tests/sanitize.sh" </dev/null    # the whole suite again under ASan+UBSan
bash "$root/tests/package.sh" </dev/null     # the .deb built, installed, run, removed
bash "$root/tests/clean_tree.sh"             # none of the above left litter in the tree
