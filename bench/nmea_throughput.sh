#!/usr/bin/env bash
# NMEA decode throughput: trajcorr's NMEA reader against gpsd's gpsdecode and pyais on
# the same >= 2 M sentence file, built in /tmp by repeating the real samples of
# shared/data with their receive times shifted by one day per copy (tag-block c:,
# $PGHP dates and USCG trailer times; checksums recomputed). Nothing is committed.
#
#   bench/nmea_throughput.sh [BUILD_DIR] [MIN_SENTENCES]
#
# Needs: a built trajcorr (libtrajcorr_core.a in BUILD_DIR), gpsdecode (apt-get install
# gpsd-clients), pyais in a venv (python3 -m venv /tmp/nmea-venv && /tmp/nmea-venv/bin/pip
# install pyais). A missing peer is reported and skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
min=${2:-2000000}
data=${TC_SHARED_DATA:-$here/../shared/data}
work=${TMPDIR:-/tmp}/trajcorr-nmea-bench
venv=${NMEA_VENV:-/tmp/nmea-venv}
py=/usr/bin/python3
mkdir -p "$work"
big=$work/big.nmea

# ---- the input ----
if [ ! -s "$big" ] || [ "$(cat "$work/big.min" 2>/dev/null)" != "$min" ]; then
  "$py" - "$data" "$big" "$min" <<'PY'
import re, sys, datetime, functools
data, out, need = sys.argv[1], sys.argv[2], int(sys.argv[3])
srcs = [data + "/ais-nmea-dma-aislib/stream_example.txt",
        data + "/ais-nmea-aisdb/test_data_20211101.nm4",
        data + "/ais-nmea-libais/typeexamples.nmea"]
lines = [l.rstrip("\r\n") for s in srcs for l in open(s, errors="replace") if l.strip()]
per = sum(1 for l in lines if "VDM," in l or "VDO," in l)
def ck(body): return "%02X" % functools.reduce(lambda a, c: a ^ ord(c), body, 0)
tag = re.compile(r"\\([^\\]*)\*[0-9A-Fa-f]{2}\\")
def shift_tag(m, d):
    body = re.sub(r"(^|,)c:(\d+)", lambda c: "%sc:%d" % (c.group(1), int(c.group(2)) + (d * 1000 if len(c.group(2)) > 11 else d)), m.group(1))
    return "\\%s*%s\\" % (body, ck(body))
def shift(l, k):
    d = 86400 * k
    if l.startswith("$PGHP"):
        f = l[1:l.index("*")].split(",")
        t = datetime.datetime(*map(int, f[2:8])) + datetime.timedelta(days=k)
        f[2:8] = map(str, (t.year, t.month, t.day, t.hour, t.minute, t.second))
        b = ",".join(f)
        return "$%s*%s" % (b, ck(b))
    l = tag.sub(lambda m: shift_tag(m, d), l)
    star = l.rfind("*")
    if star > 0 and l.find(",", star) > 0:  # USCG trailer: Unix times after the checksum
        head, tail = l[:star + 3], l[star + 3:].split(",")
        tail = [str(int(x) + d) if x.isdigit() and len(x) == 10 else x for x in tail]
        l = head + ",".join(tail)
    return l
k, n = 0, 0
with open(out, "w") as f:
    while n < need:
        f.write("\n".join(shift(l, k) for l in lines) + "\n")
        n += per
        k += 1
print("%d copies, %d AIS sentences" % (k, n), file=sys.stderr)
PY
  echo "$min" > "$work/big.min"
fi
sentences=$(grep -c 'VD[MO],' "$big")
echo "input: $big, $(du -h "$big" | cut -f1), $sentences AIS sentences"

# ---- trajcorr: the reader as `trajcorr import` drives it (linesrc + format + decoder) ----
cat > "$work/drv.c" <<'C'
#include <stdint.h>
#include <stdio.h>
#include "io/reader.h"
int main(int argc, char **argv) {
  tc_reader_opts o = {"nmea", 0, INT64_MIN};
  tc_reader *r;
  tc_err e = {0};
  tc_record rec;
  int eof = 0;
  unsigned long long n = 0;
  if (argc < 2 || tc_reader_open(argv[1], &o, &r, &e) != TC_OK) {
    fprintf(stderr, "%s\n", e.msg);
    return 1;
  }
  while (tc_reader_next(r, &rec, &eof, &e) == TC_OK && !eof)
    n++;
  if (e.msg[0]) {
    fprintf(stderr, "%s\n", e.msg);
    return 1;
  }
  printf("%llu records, %llu skipped\n", n, (unsigned long long)tc_reader_get_counts(r)->skipped);
  tc_reader_close(r);
  return 0;
}
C
libs=$(tr ' ' '\n' < "$build/CMakeFiles/trajcorr.dir/link.txt" | grep -E '^-l|\.so(\.[0-9]+)*$' | sort -u | tr '\n' ' ')
gcc -std=c11 -O2 -D_GNU_SOURCE -I"$here" -I"$build/generated" $(pkg-config --cflags hdf5-serial 2>/dev/null || true) \
  "$work/drv.c" "$build/libtrajcorr_core.a" $libs -fopenmp -lm -o "$work/drv"

# CPU seconds (user + system) of a command: the machine may be shared, wall time is noisy
secs() {
  /usr/bin/time -f '%U %S %e' -o "$work/time.txt" "$@" > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; return 1; }
  awk '{ printf "%.2f %.2f\n", $1 + $2, $3 }' "$work/time.txt"
}
row() { printf '| %-34s | %10s | %7.2f | %7.2f | %10.0f | %s |\n' "$1" "$2" "$3" "$4" "$(echo "$2 / $3" | bc -l)" "$5"; }

echo "| decoder | sentences | CPU s | wall s | sentences per CPU s | note |"
echo "| --- | ---: | ---: | ---: | ---: | --- |"
cat "$big" > /dev/null # warm the page cache for everyone
read -r tt wall < <(secs "$work/drv" "$big")
row "trajcorr NMEA reader" "$sentences" "$tt" "$wall" "$(cat "$work/out.txt")"
rate=$(echo "$sentences / $tt" | bc -l)
if command -v gpsdecode > /dev/null; then
  read -r t wall < <(secs sh -c "gpsdecode < '$big' > /dev/null")
  row "gpsdecode $(gpsdecode -V 2>&1 | grep -o '[0-9][0-9.]*' | head -1) (JSON to /dev/null)" "$sentences" "$t" "$wall" \
    "trajcorr $(echo "$rate / ($sentences / $t)" | bc -l | xargs printf '%.1f')x faster"
else
  echo "| gpsdecode | - | - | - | - | not installed (apt-get install gpsd-clients) |"
fi
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import pyais' 2> /dev/null; then
  # pyais is slow: time it on the first tenth of the file
  sub=$work/sub.nmea
  head -n $(($(wc -l < "$big") / 10)) "$big" > "$sub"
  subn=$(grep -c 'VD[MO],' "$sub")
  cat > "$work/pyais_run.py" <<'PY'
import sys
from pyais.stream import FileReaderStream
n = 0
for msg in FileReaderStream(sys.argv[1]):
    try:
        msg.decode()
        n += 1
    except Exception:
        pass
print(n, "decoded")
PY
  read -r t wall < <(secs "$venv/bin/python" "$work/pyais_run.py" "$sub")
  row "pyais $("$venv/bin/python" -c 'import pyais; print(pyais.__version__)')" "$subn" "$t" "$wall" \
    "first tenth of the file; trajcorr $(echo "$rate / ($subn / $t)" | bc -l | xargs printf '%.0f')x faster"
else
  echo "| pyais | - | - | - | - | no venv at $venv (python3 -m venv $venv && $venv/bin/pip install pyais) |"
fi
