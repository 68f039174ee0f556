#include "host/report/writers.h"

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
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (dot && !strchr(dot, '/'))
      for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(dot + 1, names[i].name))
          *out = names[i].f;
    return TC_OK;
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
  tc_atomic a;
  tc_status s;
  if (fmt == TC_FMT_HDF5) {
    TC_TRY(tc_atomic_name(&a, path, err));
    s = tc_write_hdf5(a.tmp, c, err);
  } else {
    TC_TRY(tc_atomic_open(&a, path, err));
    s = fmt == TC_FMT_GEOJSON ? tc_write_geojson(a.f, c, err)
        : fmt == TC_FMT_KML   ? tc_write_kml(a.f, c, err)
                              : tc_write_csv(a.f, c, err);
  }
  if (s == TC_OK)
    s = tc_atomic_commit(&a, err);
  else
    tc_err_prefix(err, "%s: ", path);
  tc_atomic_abort(&a);
  return s;
}
