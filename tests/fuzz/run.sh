#!/usr/bin/env bash
# Builds every libFuzzer target in tests/fuzz (clang, -DTRAJCORR_FUZZ=ON, in build-fuzz/)
# and runs each for SECONDS, one after the other, on one core.
# Usage: tests/fuzz/run.sh SECONDS [target...]      (default: every fuzz_*.c)
# Corpora live in build-fuzz/corpus/NAME (seeded by tests/fuzz/NAME.seed from tests/data
# and ../shared/data the first time, kept between runs); crashes in build-fuzz/crashes/NAME. Exit status is
# non-zero when any target found a crash. Extra libFuzzer flags: FUZZ_FLAGS="...".
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:?usage: tests/fuzz/run.sh SECONDS [target...]}
shift
bash "$root/bench/setup.sh" clang libclang-rt-dev </dev/null
build="$root/build-fuzz"
CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRAJCORR_FUZZ=ON \
  -DTRAJCORR_TESTS=OFF -DTRAJCORR_OPENCL=OFF -DTRAJCORR_OPENMP=OFF -DTRAJCORR_BENCH=OFF \
  -DTRAJCORR_STATIC_HDF5=ON >/dev/null </dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$root"/tests/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi
shared="$root/../shared/data"
# Leaks are findings too, except those of tests/sanitize/lsan.supp (libraries'
# own); full malloc stacks so that its entries naming HDF5 functions match (~30 %
# fewer executions per second).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/sanitize/lsan.supp:print_suppressions=0}
export ASAN_OPTIONS=${ASAN_OPTIONS:-fast_unwind_on_malloc=0}
failed=()
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t" crashes="$build/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  # tests/fuzz/NAME.seed, when there is one, fills an empty corpus from the data files
  if [ -z "$(ls -A "$corpus")" ] && [ -f "$root/tests/fuzz/$t.seed" ]; then
    datadirs=("$root/tests/data" "$shared")
    # shellcheck source=/dev/null
    source "$root/tests/fuzz/$t.seed"
  fi
  dict=()
  [ -f "$root/tests/fuzz/$t.dict" ] && dict=(-dict="$root/tests/fuzz/$t.dict")
  echo "== $t: ${secs}s, corpus $(ls "$corpus" | wc -l) files"
  # -fork/-jobs off: one process on one core; leaks are findings like crashes.
  if ! "$build/tests/fuzz/$t" "$corpus" "${dict[@]}" -max_total_time="$secs" -max_len=65536 \
       -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" \
       ${FUZZ_FLAGS:-} 2>"$build/$t.log"; then
    failed+=("$t")
  fi
  # libFuzzer's closing lines: the last status line (cov:, ft:, corpus, exec/s), the
  # final stats and any crash report
  grep -E '^#[0-9]+[[:space:]]' "$build/$t.log" | tail -n 1 || true
  grep -E '^stat::|ERROR:|SUMMARY:|Test unit written|^artifact_prefix' "$build/$t.log" | tail -n 20 || true
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in ${failed[*]} (inputs under $build/crashes/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s), ${secs}s each, no crash"
