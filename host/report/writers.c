#include "host/report/writers.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "host/report/gdal_lib.h"
#include "host/report/textout.h"

static const struct {
  const char *name;
  tc_format f;
  int ext; /* also a file name extension */
} names[] = {{"csv", TC_FMT_CSV, 1},        {"geojson", TC_FMT_GEOJSON, 1},    {"json", TC_FMT_GEOJSON, 1},
             {"kml", TC_FMT_KML, 1},        {"hdf5", TC_FMT_HDF5, 1},          {"h5", TC_FMT_HDF5, 1},
             {"gpkg", TC_FMT_GPKG, 1},      {"geopackage", TC_FMT_GPKG, 0},    {"fgb", TC_FMT_FGB, 1},
             {"flatgeobuf", TC_FMT_FGB, 0}, {"shp", TC_FMT_SHP, 1},            {"esri shapefile", TC_FMT_SHP, 0},
             {"shapefile", TC_FMT_SHP, 0}};

#define KNOWN_EXT ".csv, .geojson or .json, .kml, .h5 or .hdf5, .gpkg, .fgb, .shp"
#define KNOWN_NAMES "csv, geojson, kml, hdf5, gpkg (GPKG), fgb (FlatGeobuf), shp ('ESRI Shapefile')"

int tc_format_is_gdal(tc_format f) { return f == TC_FMT_GPKG || f == TC_FMT_FGB || f == TC_FMT_SHP; }

/* The formats GDAL writes are known whether or not GDAL is there; asking for one
 * without it is refused here, before any work. */
static tc_status found(tc_format f, tc_format *out, tc_err *err) {
  *out = f;
  return tc_format_is_gdal(f) ? tc_gdal_load(tc_format_title(f), err) : TC_OK;
}

tc_status tc_format_parse(const char *name, const char *path, tc_format *out, tc_err *err) {
  *out = TC_FMT_CSV;
  if (!name) {
    /* The extension of the file name (a leading dot is a hidden file, not one). */
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : path;
    const char *dot = base ? strrchr(base, '.') : NULL;
    if (!dot || dot == base)
      return TC_OK;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
      if (names[i].ext && !strcasecmp(dot + 1, names[i].name))
        return found(names[i].f, out, err);
    /* Writing CSV under a name that promises another format would hand the GIS a
     * file it cannot open. */
    return tc_fail(err, TC_ERR_ARG,
                   "%s: unknown output format '%s' (known: " KNOWN_EXT "; --format/-f " KNOWN_NAMES
                   " picks one whatever the name)",
                   path, dot);
  }
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcasecmp(name, names[i].name))
      return found(names[i].f, out, err);
  return tc_fail(err, TC_ERR_ARG, "unknown output format '%s' (known: " KNOWN_NAMES ")", name);
}

const char *tc_format_name(tc_format f) {
  switch (f) {
  case TC_FMT_CSV: return "csv";
  case TC_FMT_GEOJSON: return "geojson";
  case TC_FMT_KML: return "kml";
  case TC_FMT_HDF5: return "hdf5";
  case TC_FMT_GPKG: return "gpkg";
  case TC_FMT_FGB: return "fgb";
  case TC_FMT_SHP: return "shp";
  }
  return "?";
}

const char *tc_format_title(tc_format f) {
  switch (f) {
  case TC_FMT_CSV: return "CSV";
  case TC_FMT_GEOJSON: return "GeoJSON";
  case TC_FMT_KML: return "KML";
  case TC_FMT_HDF5: return "HDF5";
  case TC_FMT_GPKG: return "GeoPackage";
  case TC_FMT_FGB: return "FlatGeobuf";
  case TC_FMT_SHP: return "Shapefile";
  }
  return "?";
}

tc_status tc_candidates_write(const char *path, tc_format fmt, const tc_candidates *c, tc_err *err) {
  tc_atomic a, tr;
  tc_status s;
  if (tc_format_is_gdal(fmt))
    return tc_write_gdal(path, fmt, c, err);
  tr.f = NULL;
  tr.tmp[0] = '\0';
  int tracks = fmt == TC_FMT_GEOJSON && c->track_a;
  char tpath[4096];
  if (tracks && !tc_geojson_tracks_path(path, tpath, sizeof tpath))
    return tc_fail(err, TC_ERR_ARG, "%s: name too long", path);
  if (fmt == TC_FMT_HDF5) {
    TC_TRY(tc_atomic_name(&a, path, err));
    s = tc_write_hdf5(a.tmp, c, err);
  } else {
    TC_TRY(tc_atomic_open(&a, path, err));
    s = fmt == TC_FMT_GEOJSON ? tc_write_geojson(a.f, c, err)
        : fmt == TC_FMT_KML   ? tc_write_kml(a.f, c, err)
                              : tc_write_csv(a.f, c, err);
  }
  if (s == TC_OK && tracks && (s = tc_atomic_open(&tr, tpath, err)) == TC_OK &&
      (s = tc_write_geojson_tracks(tr.f, c, err)) != TC_OK)
    tc_err_prefix(err, "%s: ", tpath);
  else if (s != TC_OK)
    tc_err_prefix(err, "%s: ", path);
  /* The tracks first: a failure then leaves neither file. */
  if (s == TC_OK && tracks)
    s = tc_atomic_commit(&tr, err);
  if (s == TC_OK && (s = tc_atomic_commit(&a, err)) != TC_OK && tracks)
    remove(tpath);
  tc_atomic_abort(&a);
  if (tracks)
    tc_atomic_abort(&tr);
  return s;
}
