#include "lead_tracks.h"
#include "engine_cuts.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "io/reader.h"
#include "kernels/geo.h"

void tt_fix(tc_columns *c, uint32_t mmsi, int64_t t, double lat, double lon) {
  tc_fix f = {t, lat, lon, mmsi, NAN, NAN, 511};
  cr_assert_eq(tc_columns_push(c, &f), TC_OK);
}

void tt_offset(double lat, double lon, double brg, double d, double *olat, double *olon) {
  double p1 = lat * TC_DEG2RAD, l1 = lon * TC_DEG2RAD, b = brg * TC_DEG2RAD, a = d / TC_EARTH_R_M;
  double p2 = asin(sin(p1) * cos(a) + cos(p1) * sin(a) * cos(b));
  double l2 = l1 + atan2(sin(b) * sin(a) * cos(p1), cos(a) - sin(p1) * sin(p2));
  *olat = p2 / TC_DEG2RAD;
  *olon = tc_norm_lon(l2 / TC_DEG2RAD);
}

tc_engine_stats tt_run(const tc_columns *c, int64_t bucket_s, const char *name, int threads,
            const tc_params *p, tc_encounter_list *out) {
  return tt_run_hooked(c, bucket_s, 0, name, threads, p, NULL, out);
}

int tt_same(const tc_encounter_list *a, const tc_encounter_list *b) {
  if (a->n != b->n)
    return 0;
  for (size_t i = 0; i < a->n; i++) {
    const tc_encounter *x = &a->v[i], *y = &b->v[i];
    if (x->mmsi_a != y->mmsi_a || x->mmsi_b != y->mmsi_b || x->start != y->start ||
        x->end != y->end || x->close_slots != y->close_slots || x->min_dist_m != y->min_dist_m ||
        x->median_dist_m != y->median_dist_m || x->mean_lat != y->mean_lat ||
        x->mean_lon != y->mean_lon || x->speed_a_kn != y->speed_a_kn ||
        x->speed_b_kn != y->speed_b_kn)
      return 0;
  }
  return 1;
}

static double rnd(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return (double)(z >> 11) / 9007199254740992.0;
}

void tt_synthetic(tc_columns *c, uint64_t seed, int vessels, int hours) {
  static const double centres[][2] = {
      {36.15, -5.36}, {-16.5, 179.997}, {-16.5, -179.998}, {89.995, 10.0}, {1.2, 103.8}};
  uint64_t s = seed;
  int64_t t0 = 1700000000 - 1700000000 % 86400 - 1800; /* starts before midnight */
  for (int v = 0; v < vessels; v++) {
    uint32_t mmsi = 200000000u + (uint32_t)(v * 7919 % 99991) * 10u + (uint32_t)v % 10u;
    const double *cen = centres[v % 5];
    double lat, lon;
    tt_offset(cen[0], cen[1], rnd(&s) * 360.0, rnd(&s) * 3000.0, &lat, &lon);
    int fast = v % 7 == 3;
    double brg = rnd(&s) * 360.0;
    int64_t step = 60 + (int64_t)(rnd(&s) * 540.0);
    int64_t t = t0 + (int64_t)(rnd(&s) * 600.0);
    while (t < t0 + hours * 3600) {
      tt_fix(c, mmsi, t, lat, lon);
      /* slow drift, or a transit at ~12 kn; now and then a gap of up to 2 h */
      double d = fast ? 6.0 * (double)step : rnd(&s) * 0.6 * (double)step / 60.0;
      tt_offset(lat, lon, fast ? brg : rnd(&s) * 360.0, d, &lat, &lon);
      t += step;
      if (rnd(&s) < 0.01)
        t += (int64_t)(rnd(&s) * 7200.0);
    }
  }
}

int tt_load_real_track(tc_columns *c, const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/real-tracks/%s", TC_SHARED_DATA, name);
  struct stat sb;
  if (stat(path, &sb) != 0)
    return 0;
  tc_reader_opts o = {NULL, 0, INT64_MIN};
  tc_reader *r = NULL;
  tc_err err = {0};
  cr_assert_eq(tc_reader_open(path, &o, &r, &err), TC_OK, "%s", err.msg);
  for (;;) {
    tc_record rec;
    int eof = 0;
    cr_assert_eq(tc_reader_next(r, &rec, &eof, &err), TC_OK, "%s: %s", path, err.msg);
    if (eof)
      break;
    if (rec.kind == TC_REC_POSITION)
      cr_assert_eq(tc_columns_push(c, &rec.fix), TC_OK);
  }
  tc_reader_close(r);
  return 1;
}

tc_status tt_events(const tc_columns *c, int64_t bucket_s, int threads, const tc_event_params *e,
                    const tc_encounter_list *enc, tc_event_lists *out, tc_err *err) {
  tc_memory_source *m1 = NULL, *m2 = NULL; /* pass 1 and pass 2 each read the fixes */
  cr_assert_eq(tc_memory_source_create(c, bucket_s, &m1), TC_OK);
  cr_assert_eq(tc_memory_source_create(c, bucket_s, &m2), TC_OK);
  tc_bucket_source s1 = tc_memory_source_get(m1), s2 = tc_memory_source_get(m2);
  tc_params p;
  tc_params_default(&p);
  p.threads = threads;
  tc_event_stats st;
  tc_event_lists_init(out);
  tc_status s = tc_events_run(&s1, &s2, &p, e, enc, out, &st, err);
  tc_memory_source_free(m1);
  tc_memory_source_free(m2);
  return s;
}
