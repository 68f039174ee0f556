#!/usr/bin/env bash
# The release as a user gets it: builds the Debian package from a fresh Release build
# (build-package/), installs it with apt-get, runs the installed /usr/bin/trajcorr in a
# temporary folder (version, generate, import, encounters on the CPU and OpenCL backends,
# report) and removes it again, with any package apt pulled in for it, so the machine
# is left as found. Needs root (or sudo) for apt-get. Usage: bash tests/package.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-package"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "$@" </dev/null; }
fail() { echo "package: FAIL: $*" >&2; exit 1; }
installed() { dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 2>/dev/null | awk '$1 ~ /^.i/ {print $2}' | sort; }

t0=$(date +%s)
# dpkg-shlibdeps (dpkg-dev) turns the binary's shared libraries into Depends.
bash "$root/bench/setup.sh" dpkg-dev </dev/null
if installed | grep -x trajcorr >/dev/null; then
  fail "a trajcorr package is already installed ($(dpkg-query -W -f='${Version}' trajcorr)); this test installs and removes its own: 'apt-get remove trajcorr' first"
fi

rm -rf "$build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTRAJCORR_TESTS=OFF >/dev/null </dev/null
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[ -n "$version" ] || fail "no CMAKE_PROJECT_VERSION in $build/CMakeCache.txt"
cmake --build "$build" -j"$(nproc)" --target trajcorr >/dev/null </dev/null
(cd "$build" && cpack -G DEB >cpack.log 2>&1 </dev/null) || { cat "$build/cpack.log" >&2; fail "cpack -G DEB"; }
deb=("$build"/trajcorr_"$version"_*.deb)
[ -f "${deb[0]}" ] || fail "cpack made no $build/trajcorr_${version}_*.deb"
echo "package: built $(basename "${deb[0]}") ($(du -k "${deb[0]}" | cut -f1) KiB) in $(( $(date +%s) - t0 )) s"
dpkg-deb -f "${deb[0]}" Depends Recommends | sed 's/^/package:   /'

tmp=$(mktemp -d)
before="$tmp/before.txt"
installed >"$before"
uninstall() {
  # Remove trajcorr and exactly the packages its installation added (not autoremove,
  # which would also take packages that were orphaned before this test).
  local new
  new=$(installed | comm -13 "$before" - | tr '\n' ' ')
  [ -z "$new" ] || apt remove -y -qq $new >/dev/null || echo "package: could not remove $new" >&2
}
trap 'uninstall; rm -rf "$tmp"' EXIT

apt install -y -qq "${deb[0]}" >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; fail "apt-get install ${deb[0]}"; }
added=$(installed | comm -13 "$before" - | paste -sd' ')
echo "package: apt-get install ./$(basename "${deb[0]}") added: $added"

tc=/usr/bin/trajcorr
[ -x "$tc" ] || fail "$tc not installed"
[ "$(dpkg -S "$tc" | cut -d: -f1)" = trajcorr ] || fail "$tc does not belong to the trajcorr package"
for f in /usr/share/trajcorr/peers/encounters_numpy.py /usr/share/doc/trajcorr/README.md; do
  [ -s "$f" ] || fail "the package did not install $f"
done
"$tc" --version | tee "$tmp/version.txt" | sed 's/^/package:   /'
[ "$(head -1 "$tmp/version.txt")" = "trajcorr $version" ] || fail "'trajcorr --version' does not start with 'trajcorr $version'"
"$tc" version | cmp -s - "$tmp/version.txt" || fail "'trajcorr version' and 'trajcorr --version' differ"

# The demo's steps on a smaller day, from the installed program, outside the checkout.
run="$tmp/run"
mkdir -p "$run"
export POCL_CACHE_DIR="$tmp/pocl-cache" TRAJCORR_CL_CACHE="$tmp/cl-cache"
mkdir -p "$POCL_CACHE_DIR"
(
  cd "$run"
  "$tc" generate --vessels 300 --days 1 --seed 7 -o traffic.csv.gz --truth truth.csv 2>generate.log
  "$tc" import store.h5 traffic.csv.gz >import.log 2>&1
  "$tc" encounters store.h5 -o encounters.csv 2>encounters.log
) || { tail -n 20 "$run"/*.log >&2; fail "the installed trajcorr failed"; }
for f in traffic.csv.gz truth.csv store.h5 encounters.csv encounters.csv.json; do
  [ -s "$run/$f" ] || fail "the installed trajcorr wrote no $f"
done
n=$(($(wc -l <"$run/encounters.csv") - 1))
[ "$n" -gt 0 ] || fail "no encounters found (encounters.csv has only its header)"
grep -q "\"version\": \"$version\"" "$run/encounters.csv.json" || fail "encounters.csv.json does not carry version $version"
echo "package: installed trajcorr: generate, import, encounters: $n encounters, sidecar version $version"

# OpenCL from the installed binary: the embedded kernels, then the installed kernel
# sources (TRAJCORR_KERNEL_DIR); both must give the CPU backend's list byte for byte.
if "$tc" devices >/dev/null 2>&1 && [ -d /usr/share/trajcorr/kernels ]; then
  (cd "$run" && "$tc" encounters --quiet --backend opencl store.h5 -o opencl.csv &&
    TRAJCORR_KERNEL_DIR=/usr/share/trajcorr/kernels "$tc" encounters --quiet --backend opencl store.h5 -o kerneldir.csv) ||
    fail "the installed trajcorr's OpenCL backend failed"
  cmp "$run/encounters.csv" "$run/opencl.csv" || fail "OpenCL (embedded kernels) and CPU encounters differ"
  cmp "$run/encounters.csv" "$run/kerneldir.csv" || fail "OpenCL (installed kernel sources) and CPU encounters differ"
  echo "package: installed trajcorr: OpenCL backend, embedded and installed kernels: same $n encounters"
else
  echo "package: no OpenCL device (or a build without OpenCL): OpenCL run skipped"
fi

# The report reads Leaflet (libjs-leaflet, a Recommends) at run time.
(cd "$run" && "$tc" report store.h5 encounters.csv -o report.html 2>report.log) || { cat "$run/report.log" >&2; fail "report"; }
[ -s "$run/report.html" ] || fail "the installed trajcorr wrote no report.html"
if installed | grep -x libjs-leaflet >/dev/null; then
  grep -q "maps by Leaflet" "$run/report.log" || fail "libjs-leaflet is installed but the report has no maps: $(cat "$run/report.log")"
fi
echo "package: installed trajcorr: report.html $(du -k "$run/report.html" | cut -f1) KiB"

uninstall
[ ! -e "$tc" ] || fail "$tc still there after apt-get remove"
installed | cmp -s - "$before" || fail "the installed packages differ from before the test"
echo "package: removed ($added); OK in $(( $(date +%s) - t0 )) s"
