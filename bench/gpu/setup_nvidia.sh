#!/usr/bin/env bash
# Runs a trajcorr built here on an NVIDIA GPU machine that has the driver but no
# package registry and no OpenCL loader.
#
#   Here (with the Debian registry), once:
#     bench/gpu/setup_nvidia.sh download [TRAJCORR]
#       downloads into .debs/ (ignored through .git/info/exclude) the .deb of every
#       shared library TRAJCORR needs (per ldd, glibc excepted), the OpenCL ICD
#       loader and clinfo.
#   On the GPU machine (.debs/ and the binary carried there):
#     bench/gpu/setup_nvidia.sh [TRAJCORR]
#       unpacks the .debs into $TC_GPU_PREFIX (default /tmp/trajcorr-gpu), never into
#       /, writes an ICD file naming the driver's libnvidia-opencl.so.1, writes
#       $TC_GPU_PREFIX/env.sh (source it before running trajcorr; it puts the program
#       cache in $TC_GPU_PREFIX/cl-cache) and runs `trajcorr devices --build`, which
#       fills that cache.
#
# TRAJCORR defaults to build/trajcorr. TC_DEBS overrides the .debs folder.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DEBS=${TC_DEBS:-$ROOT/.debs}
PREFIX=${TC_GPU_PREFIX:-/tmp/trajcorr-gpu}
MODE=setup
if [ "${1:-}" = download ]; then
  MODE=download
  shift
fi
BIN=${1:-$ROOT/build/trajcorr}

die() {
  echo "setup_nvidia.sh: $*" >&2
  exit 1
}

[ -x "$BIN" ] || die "no trajcorr program at $BIN (build it here first: cmake --build build)"

# Debian package owning a library path (usrmerge: try both /lib and /usr/lib).
owner() {
  local r
  r=$(readlink -f "$1")
  for p in "$r" "${r#/usr}" "/usr$r"; do
    if out=$(dpkg -S "$p" 2>/dev/null); then
      echo "${out%%:*}"
      return
    fi
  done
}

if [ "$MODE" = download ]; then
  command -v apt-get >/dev/null || die "download needs apt-get (run it on the build machine)"
  pkgs=(ocl-icd-libopencl1 clinfo)
  while read -r lib; do
    p=$(owner "$lib")
    [ -n "$p" ] || die "no package owns $lib"
    case "$p" in libc6 | libgcc-s1) ;; *) pkgs+=("$p") ;; esac
  done < <(ldd "$BIN" | awk '/=> \//{print $3}')
  mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)
  mkdir -p "$DEBS"
  (cd "$DEBS" && rm -f ./*.deb && apt-get download "${pkgs[@]}")
  ex="$ROOT/.git/info/exclude"
  rel="/${DEBS#"$ROOT"/}/"
  if [ -d "$ROOT/.git" ] && [ "${DEBS#"$ROOT"/}" != "$DEBS" ] && ! grep -qxF "$rel" "$ex" 2>/dev/null; then
    echo "$rel" >>"$ex"
  fi
  echo "downloaded ${#pkgs[@]} packages into $DEBS ($(du -sh "$DEBS" | cut -f1)): ${pkgs[*]}"
  exit 0
fi

# ---- on the GPU machine ----------------------------------------------------------
ls "$DEBS"/*.deb >/dev/null 2>&1 || die "no .deb files in $DEBS (run '$0 download' on the build machine and carry $DEBS)"
mkdir -p "$PREFIX/root" "$PREFIX/icd"
for d in "$DEBS"/*.deb; do
  if command -v dpkg >/dev/null; then
    dpkg -x "$d" "$PREFIX/root"
  else # ar + tar when dpkg is missing
    (cd "$PREFIX" && ar x "$d" && tar -xf data.tar.* -C "$PREFIX/root" && rm -f data.tar.* control.tar.* debian-binary)
  fi
done

drv=$(find / \( -path /proc -o -path /sys -o -path "$PREFIX" \) -prune -o \
  \( -name 'libnvidia-opencl.so.1' -o -name 'libnvidia-opencl.so.[0-9]*' \) -print 2>/dev/null |
  sort | head -n 1)
[ -n "$drv" ] || die "the NVIDIA OpenCL driver (libnvidia-opencl.so*) is not on this machine"
echo "$drv" >"$PREFIX/icd/nvidia.icd"

libs="$PREFIX/root/usr/lib/x86_64-linux-gnu:$PREFIX/root/lib/x86_64-linux-gnu:$(dirname "$drv")"
cat >"$PREFIX/env.sh" <<EOF
# source me: trajcorr with the unpacked libraries and the NVIDIA OpenCL ICD
export OCL_ICD_VENDORS="$PREFIX/icd"
export LD_LIBRARY_PATH="$libs\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export PATH="$PREFIX/root/usr/bin:\$PATH"
export POCL_CACHE_DIR="\${POCL_CACHE_DIR:-$PREFIX/pocl-cache}"
export TRAJCORR_CL_CACHE="\${TRAJCORR_CL_CACHE:-$PREFIX/cl-cache}"
EOF
# shellcheck source=/dev/null
. "$PREFIX/env.sh"

echo "driver: $drv"
missing=$(ldd "$BIN" | grep 'not found' || true)
[ -z "$missing" ] || die "libraries still missing: $missing"
"$BIN" devices --build
echo "ready: . $PREFIX/env.sh; $BIN encounters STORE --backend opencl --device-type gpu"
