#!/usr/bin/env bash
# Installs what trajcorr needs to build and test, from Debian, only when missing.
# Usage: bash bench/setup.sh [extra-package...]
# (tests/fuzz/run.sh asks for clang libclang-rt-dev: libFuzzer; the sanitizer build's
# libasan and libubsan come with gcc.)
set -euo pipefail
pkgs=(cmake make gcc pkg-config zlib1g-dev libdeflate-dev libisal-dev libhdf5-dev nettle-dev libjansson-dev
      ocl-icd-opencl-dev opencl-headers openmpi-bin libopenmpi-dev
      pocl-opencl-icd clinfo libcriterion-dev python3 python3-numpy python3-scipy python3-h5py
      python3-matplotlib python3-networkx gmt-gshhg-low libjs-leaflet gdal-bin libgdal-dev libxml2-utils "$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi
