#!/usr/bin/env python3
"""Checks trajcorr's events as GeoPackage, FlatGeobuf or Shapefile against its CSVs, read
back through GDAL's own tools: ogrinfo for the layers' geometry and field types, ogr2ogr
to CSV for the values. Per kind: as many features as CSV rows, the same values (times
as OGR datetimes, or ISO text in a Shapefile), the geometry at the CSV's coordinates.

usage: events_gis_check.py CSV_PREFIX GIS_PREFIX gpkg|fgb|shp [KIND ...]"""
import csv
import io
import re
import subprocess
import sys

GEOM = {"loitering": "Point", "gaps": "Multi Line String", "dark": "Point"}
# (column, type in GPKG/FlatGeobuf, type in a Shapefile)
TYPES = {
    "loitering": [("mmsi", "Integer"), ("start", "DateTime"), ("duration_s", "Integer64"), ("mean_lat", "Real")],
    "gaps": [("mmsi", "Integer"), ("end", "DateTime"), ("others_seen", "Integer"), ("dist_m", "Real")],
    "dark": [("mmsi_b", "Integer"), ("window_start", "DateTime"), ("l_star_s", "Integer64"), ("lon", "Real"),
             ("reason", "String"), ("rank", "Integer")],
}


def fail(msg):
    print("events_gis_check: " + msg, file=sys.stderr)
    sys.exit(1)


def norm(v):
    """An OGR datetime as the CSV writes times; numbers as floats."""
    m = re.fullmatch(r"(\d{4})/(\d\d)/(\d\d) (\d\d:\d\d:\d\d)\+00", v)
    if m:
        return "%s-%s-%sT%sZ" % m.groups()
    try:
        return float(v)
    except ValueError:
        return v


def coords(wkt):
    return [tuple(float(x) for x in p.split()) for p in re.findall(r"-?[\d.]+ -?[\d.]+", wkt)]


def main():
    cp, gp, fmt = sys.argv[1:4]
    kinds = sys.argv[4:] or ["loitering", "gaps", "dark"]
    for kind in kinds:
        src, layer = (gp + ".events.gpkg", kind) if fmt == "gpkg" else ("%s.%s.%s" % (gp, kind, fmt), None)
        want = list(csv.reader(open("%s.%s.csv" % (cp, kind), newline="")))
        head, rows = want[0], want[1:]
        info = subprocess.run(["ogrinfo", "-so"] + ([src, layer] if layer else ["-al", src]),
                              capture_output=True, text=True)
        if info.returncode:
            fail("%s: ogrinfo: %s" % (src, info.stderr))
        geom = "Line String" if fmt == "shp" and kind == "gaps" else GEOM[kind]  # a Shapefile's arcs hold parts
        if "Geometry: %s\n" % geom not in info.stdout:
            fail("%s %s: not a %s layer" % (src, kind, GEOM[kind]))
        m = re.search(r"Feature Count: (\d+)", info.stdout)
        if not m or int(m.group(1)) != len(rows):
            fail("%s %s: %s features, the CSV has %d rows" % (src, kind, m and m.group(1), len(rows)))
        fields = re.findall(r"^(\w+): (\w+) \(", info.stdout, re.M)
        if len(fields) != len(head):
            fail("%s %s: %d fields, the CSV has %d columns" % (src, kind, len(fields), len(head)))
        for col, typ in TYPES[kind]:
            got = fields[head.index(col)]
            if fmt == "shp" and typ == "DateTime":
                typ = "String"  # dBASE has no times: ISO 8601 text
            if got[1] != typ or (fmt != "shp" and got[0] != col) or len(got[0]) > (10 if fmt == "shp" else 63):
                fail("%s %s: field %s is %s %s, not %s" % (src, kind, col, got[0], got[1], typ))
        out = subprocess.run(["ogr2ogr", "-f", "CSV", "/vsistdout/", src] + ([layer] if layer else [])
                             + ["-lco", "GEOMETRY=AS_WKT"], capture_output=True, text=True)
        if out.returncode:
            fail("%s: ogr2ogr: %s" % (src, out.stderr))
        back = list(csv.reader(io.StringIO(out.stdout)))[1:]
        got, exp = [], []
        for r in back:
            pts = coords(r[0])
            got.append((tuple(norm(v) for v in r[1:]), pts[0], pts[-1]))
        for r in rows:
            d = dict(zip(head, r))
            if kind == "loitering":
                p0 = p1 = (float(d["mean_lon"]), float(d["mean_lat"]))
            elif kind == "dark":
                p0 = p1 = (float(d["lon"]), float(d["lat"]))
            else:
                p0, p1 = (float(d["lon0"]), float(d["lat0"])), (float(d["lon1"]), float(d["lat1"]))
            exp.append((tuple(norm(v) for v in r), p0, p1))
        if fmt == "fgb":  # its spatial index orders the features
            got.sort(key=repr)
            exp.sort(key=repr)
        for i, (a, b) in enumerate(zip(got, exp)):
            if a != b:
                fail("%s %s: feature %d is\n  %r\nthe CSV's row\n  %r" % (src, kind, i, a, b))
        if not any("T" in str(v) and str(v).endswith("Z") for v in got[0][0]) if got else False:
            fail("%s %s: no time among the values" % (src, kind))
        print("%s %s: %d features match the CSV" % (src, kind, len(got)))


main()
