#include "host/report/writers.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "host/report/textout.h"

static const struct {
  const char *name;
  tc_format f;
} names[] = {{"csv", TC_FMT_CSV}, {"geojson", TC_FMT_GEOJSON}, {"json", TC_FMT_GEOJSON},
             {"kml", TC_FMT_KML},  {"hdf5", TC_FMT_HDF5},       {"h5", TC_FMT_HDF5}};

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
      if (!strcasecmp(dot + 1, names[i].name)) {
        *out = names[i].f;
        return TC_OK;
      }
    /* Writing CSV under a name that promises a Shapefile or a GeoPackage would hand
     * the GIS a file it cannot open. */
    return tc_fail(err, TC_ERR_ARG,
                   "%s: unknown output format '%s' (known: .csv, .geojson or .json, .kml, .h5 or .hdf5; "
                   "--format csv|geojson|kml|hdf5 picks one whatever the name)",
                   path, dot);
  }
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcasecmp(name, names[i].name)) {
      *out = names[i].f;
      return TC_OK;
    }
  return tc_fail(err, TC_ERR_ARG, "unknown output format '%s' (csv, geojson, kml, hdf5)", name);
}

const char *tc_format_name(tc_format f) {
  switch (f) {
  case TC_FMT_CSV: return "csv";
  case TC_FMT_GEOJSON: return "geojson";
  case TC_FMT_KML: return "kml";
  case TC_FMT_HDF5: return "hdf5";
  }
  return "?";
}

tc_status tc_candidates_write(const char *path, tc_format fmt, const tc_candidates *c, tc_err *err) {
  tc_atomic a, tr;
  tc_status s;
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
