#include "host/report/events_csv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/report/events_gdal.h"
#include "host/report/events_geojson.h"
#include "host/report/events_h5.h"
#include "host/report/events_kml.h"
#include "io/numfmt.h"
#include "io/timefmt.h"

#define ROW_MAX (20 * (TC_FMT_FIXED_MAX + 1) + 8 * TC_ISO_LEN + 4 * 64 + 256)

static size_t put_sep(char *b, size_t n) {
  b[n] = ',';
  return n + 1;
}

static size_t put_u(char *b, size_t n, uint64_t v) { return n + tc_fmt_u64(b + n, v); }
static size_t put_i(char *b, size_t n, int64_t v) { return n + tc_fmt_i64(b + n, v); }
static size_t put_t(char *b, size_t n, int64_t t) { return n + (size_t)tc_time_format_iso(t, b + n); }
static size_t put_f(char *b, size_t n, double x, int dec) { return n + tc_fmt_fixed(b + n, x, dec); }

/* A place's name as a CSV field: commas and quotes become spaces (names are made by
 * `trajcorr anchorages` or read from a ports file). */
static size_t put_place(char *b, size_t n, const tc_event_places *pl, int idx) {
  b[n++] = ',';
  if (idx < 0)
    return n;
  for (const char *c = tc_places_get(pl->places, (size_t)idx)->name; *c; c++)
    b[n++] = *c == ',' || *c == '"' || *c == '\n' || *c == '\r' ? ' ' : *c;
  return n;
}

static tc_status put_line(FILE *f, char *b, size_t n) {
  b[n++] = '\n';
  return fwrite(b, 1, n, f) == n ? TC_OK : TC_ERR_IO;
}

tc_status tc_loiter_csv_fwrite(FILE *f, const tc_event_lists *l, const tc_event_places *pl) {
  const tc_loiter *v = l->loiter;
  size_t n = l->n_loiter;
  if (fputs(pl ? TC_LOITER_CSV_HEADER TC_LOITER_CSV_PLACES "\n" : TC_LOITER_CSV_HEADER "\n", f) < 0)
    return TC_ERR_IO;
  char b[ROW_MAX];
  for (size_t i = 0; i < n; i++) {
    const tc_loiter *e = &v[i];
    size_t k = put_u(b, 0, e->mmsi);
    k = put_t(b, put_sep(b, k), e->start);
    k = put_t(b, put_sep(b, k), e->end);
    k = put_i(b, put_sep(b, k), e->end - e->start);
    k = put_i(b, put_sep(b, k), e->slots);
    k = put_f(b, put_sep(b, k), e->mean_lat, 6);
    k = put_f(b, put_sep(b, k), e->mean_lon, 6);
    k = put_f(b, put_sep(b, k), e->median_speed_kn, 4);
    if (pl)
      k = put_place(b, k, pl, pl->loiter[i]);
    TC_TRY(put_line(f, b, k));
  }
  return TC_OK;
}

tc_status tc_gaps_csv_fwrite(FILE *f, const tc_event_lists *l, const tc_event_places *pl) {
  const tc_gap *v = l->gaps;
  size_t n = l->n_gaps;
  if (fputs(pl ? TC_GAPS_CSV_HEADER TC_GAPS_CSV_PLACES "\n" : TC_GAPS_CSV_HEADER "\n", f) < 0)
    return TC_ERR_IO;
  char b[ROW_MAX];
  for (size_t i = 0; i < n; i++) {
    const tc_gap *g = &v[i];
    int64_t dur = g->t1 - g->t0;
    size_t k = put_u(b, 0, g->mmsi);
    k = put_t(b, put_sep(b, k), g->t0);
    k = put_t(b, put_sep(b, k), g->t1);
    k = put_i(b, put_sep(b, k), dur);
    const double pos[] = {g->lat0, g->lon0, g->lat1, g->lon1};
    for (int j = 0; j < 4; j++)
      k = put_f(b, put_sep(b, k), pos[j], 6);
    k = put_f(b, put_sep(b, k), g->dist_m, 1);
    k = put_f(b, put_sep(b, k), g->dist_m / (double)dur / (1852.0 / 3600.0), 3);
    k = put_u(b, put_sep(b, k), g->others_seen);
    k = put_f(b, put_sep(b, k), g->coverage, 4);
    if (pl) {
      k = put_place(b, k, pl, pl->gap0[i]);
      k = put_place(b, k, pl, pl->gap1[i]);
    }
    TC_TRY(put_line(f, b, k));
  }
  return TC_OK;
}

/* L* and the window rounded to whole seconds (the maximisation finds L* to a small
 * fraction of a second). */
tc_status tc_dark_csv_fwrite(FILE *f, const tc_event_lists *l, int64_t dwell, const tc_event_places *pl) {
  const tc_dark *v = l->dark;
  size_t n = l->n_dark;
  if (fputs(pl ? TC_DARK_CSV_HEADER TC_DARK_CSV_PLACES "\n" : TC_DARK_CSV_HEADER "\n", f) < 0)
    return TC_ERR_IO;
  char b[ROW_MAX];
  for (size_t i = 0; i < n; i++) {
    const tc_dark *d = &v[i];
    int64_t ls = (int64_t)llround(d->l_star);
    size_t k = put_u(b, 0, d->mmsi_a);
    k = put_u(b, put_sep(b, k), d->mmsi_b);
    k = put_t(b, put_sep(b, k), d->a0);
    k = put_t(b, put_sep(b, k), d->a1);
    k = put_t(b, put_sep(b, k), d->b0);
    k = put_t(b, put_sep(b, k), d->b1);
    k = put_i(b, put_sep(b, k), ls);
    k = put_f(b, put_sep(b, k), d->lat, 5);
    k = put_f(b, put_sep(b, k), d->lon, 5);
    k = put_t(b, put_sep(b, k), (int64_t)llround(d->w_start));
    k = put_t(b, put_sep(b, k), (int64_t)llround(d->w_end));
    k = put_i(b, put_sep(b, k), ls - dwell);
    k = put_f(b, put_sep(b, k), d->dist_dark_m, 0);
    k = put_f(b, put_sep(b, k), d->dist_reappear_m, 0);
    k = put_f(b, put_sep(b, k), d->coverage_a, 4);
    k = put_f(b, put_sep(b, k), d->coverage_b, 4);
    if (pl) {
      k = put_place(b, k, pl, pl->dark[i]);
      k = put_u(b, put_sep(b, k), pl->dark_rank[i]);
      b[k++] = ',';
      if (pl->dark[i] >= 0) {
        static const char at[] = "at a port or anchorage (ranked after the others); ";
        memcpy(b + k, at, sizeof at - 1);
        k += sizeof at - 1;
      }
      static const char t1[] = "went dark ", t2[] = " m apart and reappeared ", t3[] = " m apart; slack ",
                        t4[] = " s";
      memcpy(b + k, t1, sizeof t1 - 1);
      k = put_f(b, k + sizeof t1 - 1, d->dist_dark_m, 0);
      memcpy(b + k, t2, sizeof t2 - 1);
      k = put_f(b, k + sizeof t2 - 1, d->dist_reappear_m, 0);
      memcpy(b + k, t3, sizeof t3 - 1);
      k = put_i(b, k + sizeof t3 - 1, ls - dwell);
      memcpy(b + k, t4, sizeof t4 - 1);
      k += sizeof t4 - 1;
    }
    TC_TRY(put_line(f, b, k));
  }
  return TC_OK;
}

enum { F_LOITER, F_GAPS, F_DARK, F_JSON, F_N };

static const unsigned file_kind[F_N] = {TC_EV_LOITER, TC_EV_GAPS, TC_EV_DARK, TC_EV_ALL};

/* PREFIX and the suffix of file i in format; 0 (and err) when too long. */
static int file_path(const char *prefix, int format, int i, char *b, size_t cap, tc_err *err) {
  static const char *const csv[F_N] = {".loitering.csv", ".gaps.csv", ".dark.csv", ".events.json"};
  static const char *const gj[F_N] = {".loitering.geojson", ".gaps.geojson", ".dark.geojson",
                                      ".events.json"};
  static const char *const kml[F_N] = {".loitering.kml", ".gaps.kml", ".dark.kml", ".events.json"};
  static const char *const h5[F_N] = {".loitering.h5", ".gaps.h5", ".dark.h5", ".events.json"};
  static const char *const gpkg[F_N] = {".events.gpkg", ".events.gpkg", ".events.gpkg", ".events.json"};
  static const char *const fgb[F_N] = {".loitering.fgb", ".gaps.fgb", ".dark.fgb", ".events.json"};
  static const char *const shp[F_N] = {".loitering.shp", ".gaps.shp", ".dark.shp", ".events.json"};
  const char *const *suffix = format == TC_EV_FORMAT_GEOJSON ? gj
                            : format == TC_EV_FORMAT_KML     ? kml
                            : format == TC_EV_FORMAT_HDF5    ? h5
                            : format == TC_EV_FORMAT_GPKG    ? gpkg
                            : format == TC_EV_FORMAT_FGB     ? fgb
                            : format == TC_EV_FORMAT_SHP     ? shp
                                                             : csv;
  if ((size_t)snprintf(b, cap, "%s%s", prefix, suffix[i]) < cap)
    return 1;
  tc_fail(err, TC_ERR_ARG, "%s: output prefix too long", prefix);
  return 0;
}

tc_status tc_events_paths(const char *prefix, unsigned kinds, int format, char paths[][TC_EV_PATH_MAX],
                          size_t *n, tc_err *err) {
  *n = 0;
  int one = format == TC_EV_FORMAT_GPKG; /* the kinds share one file */
  for (int i = 0; i < F_N; i++)
    if ((kinds & file_kind[i]) && !(one && i != F_JSON && *n)) {
      if (!file_path(prefix, format, i, paths[*n], TC_EV_PATH_MAX, err))
        return TC_ERR_ARG;
      (*n)++;
    }
  return TC_OK;
}

tc_status tc_events_write(const char *prefix, unsigned kinds, int format, const tc_event_lists *l,
                          int64_t dwell, const tc_event_places *pl, const char *json, size_t len,
                          tc_err *err) {
  char path[F_N][TC_EV_PATH_MAX], tmp[F_N][TC_EV_PATH_MAX + 32];
  int made[F_N] = {0};
  tc_status s = TC_OK;
  int gis = format == TC_EV_FORMAT_GPKG || format == TC_EV_FORMAT_FGB || format == TC_EV_FORMAT_SHP;
  for (int i = 0; i < F_N && s == TC_OK; i++) {
    if (!(kinds & file_kind[i]) || (gis && i != F_JSON))
      continue;
    if (!file_path(prefix, format, i, path[i], sizeof path[i], err)) {
      s = TC_ERR_ARG;
      break;
    }
    snprintf(tmp[i], sizeof tmp[i], "%s.tmp.%ld", path[i], (long)getpid());
    if (format == TC_EV_FORMAT_HDF5 && i != F_JSON) { /* built in memory, written whole */
      made[i] = 1;
      s = tc_events_h5_write(tmp[i], file_kind[i], l, dwell, pl, err);
      continue;
    }
    FILE *f = fopen(tmp[i], "w");
    if (!f) {
      s = tc_fail(err, TC_ERR_IO, "%s: cannot create: %s", tmp[i], strerror(errno));
      break;
    }
    made[i] = 1;
    tc_status w;
    if (i == F_JSON)
      w = fwrite(json, 1, len, f) == len ? TC_OK : TC_ERR_IO;
    else if (format == TC_EV_FORMAT_GEOJSON)
      w = i == F_LOITER ? tc_loiter_geojson_fwrite(f, l, pl)
          : i == F_GAPS ? tc_gaps_geojson_fwrite(f, l, pl)
                        : tc_dark_geojson_fwrite(f, l, dwell, pl);
    else if (format == TC_EV_FORMAT_KML)
      w = i == F_LOITER ? tc_loiter_kml_fwrite(f, l, pl)
          : i == F_GAPS ? tc_gaps_kml_fwrite(f, l, pl)
                        : tc_dark_kml_fwrite(f, l, dwell, pl);
    else
      w = i == F_LOITER ? tc_loiter_csv_fwrite(f, l, pl)
          : i == F_GAPS ? tc_gaps_csv_fwrite(f, l, pl)
                        : tc_dark_csv_fwrite(f, l, dwell, pl);
    if (fclose(f) != 0 && w == TC_OK)
      w = TC_ERR_IO;
    if (w != TC_OK)
      s = tc_fail(err, w, "%s: write failed: %s", tmp[i], strerror(errno));
  }
  /* the GIS files complete and in place (atomically, among themselves), then the rest */
  if (gis && s == TC_OK)
    s = tc_events_gdal_write(prefix, kinds, format, l, dwell, pl, err);
  for (int i = 0; i < F_N && s == TC_OK; i++)
    if (made[i]) {
      if (rename(tmp[i], path[i]) != 0)
        s = tc_fail(err, TC_ERR_IO, "%s: cannot rename to %s: %s", tmp[i], path[i], strerror(errno));
      else
        made[i] = 0;
    }
  for (int i = 0; i < F_N; i++)
    if (made[i])
      remove(tmp[i]);
  return s;
}
