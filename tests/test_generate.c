/* trajcorr generate (bench/generate/): determinism, scaling, noise, the antimeridian
 * option, output format, and the truth list checked against the rows actually written,
 * with the spec's cleaning and interpolation reimplemented here independently. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "bench/generate/csvout.h"
#include "bench/generate/traffic.h"
#include "host/engine/encounter.h"
#include "host/engine/source.h"
#include "io/timefmt.h"
#include "kernels/geo.h"

#define SLOT 600

typedef struct {
  tc_fix *v;
  size_t n, cap;
} rows;

static void rows_push(rows *r, const tc_fix *f, size_t n) {
  if (r->n + n > r->cap) {
    r->cap = 2 * (r->n + n);
    r->v = realloc(r->v, r->cap * sizeof *r->v);
    cr_assert(r->v);
  }
  memcpy(r->v + r->n, f, n * sizeof *f);
  r->n += n;
}

static tc_gen *make(const tc_gen_params *p) {
  tc_gen *g = NULL;
  tc_err err = {0};
  cr_assert_eq(tc_gen_create(p, &g, &err), TC_OK, "create: %s", err.msg);
  return g;
}

/* Every row of the stream; optionally a hash of the formatted CSV. */
static void drain(tc_gen *g, rows *out, uint32_t *crc) {
  static tc_fix buf[1000];
  char line[TC_GEN_ROW_MAX];
  size_t n;
  tc_err err = {0};
  uLong c = crc32(0L, Z_NULL, 0);
  while (tc_gen_next(g, buf, 1000, &n, &err) == TC_OK && n) {
    if (out)
      rows_push(out, buf, n);
    for (size_t i = 0; crc && i < n; i++) {
      size_t len = tc_gen_format_fix(&buf[i], line);
      c = crc32(c, (const Bytef *)line, (uInt)len);
    }
  }
  if (crc)
    *crc = (uint32_t)c;
}

static void small(tc_gen_params *p, uint64_t seed) {
  tc_gen_params_default(p);
  p->seed = seed;
  p->vessels = 300;
}

Test(generate, same_seed_same_bytes_other_seed_differs) {
  tc_gen_params p;
  uint32_t c1, c2, c3;
  small(&p, 7);
  tc_gen *a = make(&p), *b = make(&p);
  drain(a, NULL, &c1);
  drain(b, NULL, &c2);
  cr_assert_eq(c1, c2, "same seed gave different rows");
  size_t na, nb;
  const tc_truth *ta = tc_gen_truth(a, &na), *tb = tc_gen_truth(b, &nb);
  cr_assert_eq(na, nb);
  cr_assert(na == 0 || !memcmp(ta, tb, na * sizeof *ta), "same seed gave a different truth list");
  p.seed = 8;
  tc_gen *c = make(&p);
  drain(c, NULL, &c3);
  cr_assert_neq(c1, c3, "a different seed gave the same rows");
  tc_gen_free(a);
  tc_gen_free(b);
  tc_gen_free(c);
}

static uint64_t count_rows(size_t vessels, double days) {
  tc_gen_params p;
  small(&p, 3);
  p.vessels = vessels;
  p.days = days;
  p.meetings = p.decoys = 2;
  tc_gen *g = make(&p);
  drain(g, NULL, NULL);
  uint64_t n = tc_gen_get_stats(g)->rows;
  tc_gen_free(g);
  return n;
}

Test(generate, rows_scale_with_vessels_and_days) {
  uint64_t base = count_rows(300, 1.0), twice_v = count_rows(600, 1.0), twice_d = count_rows(300, 2.0);
  cr_assert(base > 300 * 800 && base < 300 * 1800, "%llu rows for 300 vessel-days", (unsigned long long)base);
  double rv = (double)twice_v / (double)base, rd = (double)twice_d / (double)base;
  /* Other vessels, other report intervals (20-120 s, so rows per vessel vary 6x): a
   * looser bound than for the same vessels over twice the time. */
  cr_assert(rv > 1.6 && rv < 2.4, "doubling vessels scaled rows by %.3f", rv);
  cr_assert(rd > 1.85 && rd < 2.15, "doubling days scaled rows by %.3f", rd);
}

static int bad_pos(const tc_fix *f) {
  return !(fabs(f->lat) <= 90.0 && fabs(f->lon) <= 180.0) || (f->lat == 0.0 && f->lon == 0.0);
}

typedef struct {
  uint64_t invalid, dup, backwards;
} noise_count;

static noise_count count_noise(const rows *r) {
  noise_count c = {0};
  for (size_t i = 0; i < r->n; i++) {
    c.invalid += bad_pos(&r->v[i]);
    c.backwards += i > 0 && r->v[i].t < r->v[i - 1].t;
  }
  tc_fix *s = malloc(r->n * sizeof *s);
  cr_assert(s);
  memcpy(s, r->v, r->n * sizeof *s);
  qsort(s, r->n, sizeof *s, tc_fix_cmp_import);
  for (size_t i = 1; i < r->n; i++)
    c.dup += s[i].mmsi == s[i - 1].mmsi && s[i].t == s[i - 1].t;
  free(s);
  return c;
}

Test(generate, noise_present_and_clean_disables_it) {
  tc_gen_params p;
  small(&p, 11);
  rows r = {0};
  tc_gen *g = make(&p);
  drain(g, &r, NULL);
  noise_count c = count_noise(&r);
  const tc_gen_stats *s = tc_gen_get_stats(g);
  cr_assert(c.invalid > 0 && c.invalid == s->invalid, "invalid rows %llu (stats %llu)",
            (unsigned long long)c.invalid, (unsigned long long)s->invalid);
  cr_assert(c.dup >= s->duplicates && s->duplicates > 0, "duplicates %llu", (unsigned long long)c.dup);
  cr_assert(c.backwards > 0, "no out-of-order rows");
  double rate = (double)c.invalid / (double)r.n;
  cr_assert(rate < 0.01, "invalid rate %.4f is not small", rate);
  tc_gen_free(g);
  r.n = 0;
  tc_gen_params_clean(&p);
  g = make(&p);
  drain(g, &r, NULL);
  c = count_noise(&r);
  cr_assert_eq(c.invalid + c.dup + c.backwards, 0, "--clean still has %llu invalid, %llu dup, %llu backwards",
               (unsigned long long)c.invalid, (unsigned long long)c.dup, (unsigned long long)c.backwards);
  tc_gen_free(g);
  free(r.v);
}

/* ---- an independent reading of spec §1-2 on the rows as written ---- */

typedef struct {
  tc_fix *f;
  size_t n;
} track;

static track track_of(const rows *r, uint32_t mmsi) {
  track t = {0};
  t.f = malloc((r->n + 1) * sizeof *t.f);
  cr_assert(t.f);
  for (size_t i = 0; i < r->n; i++)
    if (r->v[i].mmsi == mmsi && !bad_pos(&r->v[i]))
      t.f[t.n++] = r->v[i];
  qsort(t.f, t.n, sizeof *t.f, tc_fix_cmp_import);
  size_t m = 0;
  for (size_t i = 0; i < t.n; i++)
    if (m == 0 || t.f[i].t != t.f[m - 1].t)
      t.f[m++] = t.f[i];
  t.n = m;
  return t;
}

static int pos_at(const track *t, int64_t s, double *lat, double *lon) {
  for (size_t i = 0; i < t->n; i++) {
    if (t->f[i].t == s) {
      *lat = t->f[i].lat;
      *lon = t->f[i].lon;
      return 1;
    }
    if (t->f[i].t > s) {
      if (i == 0 || t->f[i].t - t->f[i - 1].t > 3600)
        return 0;
      const tc_fix *a = &t->f[i - 1], *b = &t->f[i];
      double f = (double)(s - a->t) / (double)(b->t - a->t);
      double dl = b->lon - a->lon;
      dl = dl > 180.0 ? dl - 360.0 : dl < -180.0 ? dl + 360.0 : dl;
      *lat = a->lat + f * (b->lat - a->lat);
      *lon = a->lon + f * dl;
      *lon = *lon >= 180.0 ? *lon - 360.0 : *lon < -180.0 ? *lon + 360.0 : *lon;
      return 1;
    }
  }
  return 0;
}

static double dist_at(const track *a, const track *b, int64_t s) {
  double la, loa, lb, lob;
  if (!pos_at(a, s, &la, &loa) || !pos_at(b, s, &lb, &lob))
    return NAN;
  return tc_haversine_m(la, loa, lb, lob);
}

static double speed_at(const track *a, int64_t s) {
  double l0, o0, l1, o1;
  if (!pos_at(a, s, &l0, &o0))
    return NAN;
  if (pos_at(a, s + SLOT, &l1, &o1) || (pos_at(a, s - SLOT, &l1, &o1)))
    return tc_haversine_m(l0, o0, l1, o1) / SLOT / TC_KNOT_MPS;
  return NAN;
}

static double median_speed(const track *a, int64_t t0, int64_t t1) {
  double v[2000];
  size_t n = 0;
  for (int64_t s = t0; s <= t1 && n < 2000; s += SLOT) {
    double x = speed_at(a, s);
    if (!isnan(x))
      v[n++] = x;
  }
  return tc_median(v, n);
}

static void check_truth_row(const rows *r, const tc_truth *t) {
  track a = track_of(r, t->mmsi_a), b = track_of(r, t->mmsi_b);
  const char *k = tc_truth_kind_name(t->kind);
  cr_assert(t->mmsi_a < t->mmsi_b, "%s: mmsi_a %u >= mmsi_b %u", k, t->mmsi_a, t->mmsi_b);
  cr_assert(a.n > 0 && b.n > 0, "%s %u-%u: no rows", k, t->mmsi_a, t->mmsi_b);
  cr_assert(t->start % SLOT == 0 && t->end % SLOT == 0 && t->start <= t->end);
  double sa = median_speed(&a, t->start, t->end), sb = median_speed(&b, t->start, t->end);
  int64_t dur = t->end - t->start;
  if (t->kind == TC_TRUTH_DECOY_IDLE) {
    for (int64_t s = t->start; s <= t->end; s += SLOT) {
      double d = dist_at(&a, &b, s);
      cr_assert(isnan(d) || (d > 600.0 && d < 2500.0), "idle %u-%u at %lld: %.0f m apart", t->mmsi_a,
                t->mmsi_b, (long long)s, d);
    }
    cr_assert(dur >= 7200 && sa < 2.0 && sb < 2.0, "idle %u-%u: %lld s, %.2f/%.2f kn", t->mmsi_a,
              t->mmsi_b, (long long)dur, sa, sb);
    cr_assert(!t->is_encounter && t->expected == 0);
  } else {
    /* Close at the first and last truth grid times, not one slot outside them. */
    cr_assert(dist_at(&a, &b, t->start) <= 500.0 && dist_at(&a, &b, t->end) <= 500.0,
              "%s %u-%u: not within 500 m at start or end", k, t->mmsi_a, t->mmsi_b);
    if (t->kind != TC_TRUTH_PORT) {
      double before = dist_at(&a, &b, t->start - SLOT), after = dist_at(&a, &b, t->end + SLOT);
      cr_assert(!(before <= 500.0) && !(after <= 500.0), "%s %u-%u: close outside [start, end]", k,
                t->mmsi_a, t->mmsi_b);
    }
  }
  switch (t->kind) {
  case TC_TRUTH_MEETING:
    /* 50-400 m while both drift; the first and last close times may catch the last
     * minute of an approach or the first of a departure (<= 500 m, checked above). */
    for (int64_t s = t->start + SLOT; s < t->end; s += SLOT) {
      double d = dist_at(&a, &b, s);
      cr_assert(d >= 50.0 && d <= 400.0, "meeting %u-%u at %lld: %.1f m apart", t->mmsi_a, t->mmsi_b,
                (long long)s, d);
    }
    cr_assert(dur >= 7200 && dur <= 10 * 3600 + 1200, "meeting lasts %lld s", (long long)dur);
    cr_assert(sa < 1.0 && sb < 1.0, "meeting %u-%u: median speeds %.2f, %.2f kn", t->mmsi_a,
              t->mmsi_b, sa, sb);
    cr_assert(t->is_encounter && t->expected == 1);
    break;
  case TC_TRUTH_DECOY_SHORT:
    cr_assert(dur < 7200 && dur >= 600, "short decoy lasts %lld s", (long long)dur);
    cr_assert(sa < 2.0 && sb < 2.0);
    cr_assert(!t->is_encounter && t->expected == 0);
    break;
  case TC_TRUTH_DECOY_CONVOY:
    for (int64_t s = t->start; s <= t->end; s += SLOT)
      cr_assert(dist_at(&a, &b, s) <= 300.0, "convoy %u-%u apart at %lld", t->mmsi_a, t->mmsi_b,
                (long long)s);
    cr_assert(dur >= 7200 && sa > 4.0 && sb > 4.0, "convoy %lld s at %.2f/%.2f kn", (long long)dur, sa, sb);
    cr_assert(!t->is_encounter && t->expected == 0);
    break;
  case TC_TRUTH_PORT:
    cr_assert(t->is_encounter && t->expected == -1 && dur >= 7200);
    break;
  default:
    break;
  }
  free(a.f);
  free(b.f);
}

static void check_truth(uint64_t seed, int antimeridian, int regions) {
  tc_gen_params p;
  small(&p, seed);
  p.meetings = 6;
  p.decoys = 6;
  p.antimeridian = antimeridian;
  p.regions = regions;
  rows r = {0};
  tc_gen *g = make(&p);
  drain(g, &r, NULL);
  size_t n, kinds[TC_TRUTH_KIND_COUNT] = {0}, ports_checked = 0;
  const tc_truth *t = tc_gen_truth(g, &n);
  for (size_t i = 0; i < n; i++) {
    kinds[t[i].kind]++;
    if (i > 0)
      cr_assert(t[i - 1].start <= t[i].start, "truth not sorted by start");
    if (t[i].kind == TC_TRUTH_PORT && ports_checked++ >= 15)
      continue;
    check_truth_row(&r, &t[i]);
  }
  cr_assert_eq(kinds[TC_TRUTH_MEETING], 6);
  cr_assert_eq(kinds[TC_TRUTH_DECOY_SHORT], 2);
  cr_assert_eq(kinds[TC_TRUTH_DECOY_CONVOY], 2);
  cr_assert_eq(kinds[TC_TRUTH_DECOY_IDLE], 2);
  cr_assert(kinds[TC_TRUTH_PORT] > 0, "ports produced no encounters");
  tc_gen_free(g);
  free(r.v);
}

Test(generate, truth_matches_the_rows_written) {
  check_truth(21, 0, 0);
  check_truth(22, 0, 0);
}

/* --regions spreads the traffic over more 300 km squares (the open-sea ones placed
 * apart from the named three) and the truth still matches the rows: grouping the rows
 * by "within 300 km of a group's first row" gives at least one group per region and
 * not many more (a region is one group or a few, never a scatter). */
Test(generate, more_regions_spread_the_traffic) {
  check_truth(24, 0, 12);
  check_truth(25, 1, 40);
  tc_gen_params p;
  small(&p, 24);
  tc_gen_params_clean(&p); /* no invalid positions to form groups of their own */
  p.vessels = 2000;
  p.regions = 12;
  rows r = {0};
  tc_gen *g = make(&p);
  drain(g, &r, NULL);
  double centre[64][2];
  size_t nc = 0;
  for (size_t i = 0; i < r.n; i++) {
    size_t k = 0;
    while (k < nc && tc_haversine_m(r.v[i].lat, r.v[i].lon, centre[k][0], centre[k][1]) > 300000.0)
      k++;
    if (k == nc) {
      cr_assert_lt(nc, 64, "rows scattered beyond any region");
      centre[nc][0] = r.v[i].lat;
      centre[nc][1] = r.v[i].lon;
      nc++;
    }
  }
  cr_assert_geq(nc, 12, "%zu regions reached", nc);
  cr_assert_leq(nc, 24, "%zu clusters for 12 regions", nc);
  tc_gen_free(g);
  free(r.v);
}

Test(generate, antimeridian_straddles_180) {
  check_truth(23, 1, 0);
  tc_gen_params p;
  small(&p, 23);
  p.antimeridian = 1;
  p.meetings = 6;
  rows r = {0};
  tc_gen *g = make(&p);
  drain(g, &r, NULL);
  size_t east = 0, west = 0;
  for (size_t i = 0; i < r.n; i++) {
    east += r.v[i].lon > 179.5 && r.v[i].lon < 180.0;
    west += r.v[i].lon < -179.5;
    cr_assert(bad_pos(&r.v[i]) || r.v[i].lon < 180.0, "longitude %.6f not in [-180, 180)", r.v[i].lon);
  }
  cr_assert(east > 100 && west > 100, "%zu rows just west of 180, %zu just east", east, west);
  size_t n, straddling = 0;
  const tc_truth *t = tc_gen_truth(g, &n);
  for (size_t i = 0; i < n; i++) {
    if (t[i].kind != TC_TRUTH_MEETING)
      continue;
    track a = track_of(&r, t[i].mmsi_a), b = track_of(&r, t[i].mmsi_b);
    double la, loa, lb, lob;
    int64_t mid = (t[i].start + t[i].end) / 2 / SLOT * SLOT;
    if (pos_at(&a, mid, &la, &loa) && pos_at(&b, mid, &lb, &lob) && fabs(loa) > 179.9 &&
        fabs(lob) > 179.9 && (loa > 0) != (lob > 0))
      straddling++;
    free(a.f);
    free(b.f);
  }
  cr_assert(straddling >= 1, "no planted meeting straddles the antimeridian");
  tc_gen_free(g);
  free(r.v);
}

Test(generate, mmsis_real_and_unique) {
  tc_gen_params p;
  small(&p, 5);
  tc_gen *g = make(&p);
  const tc_gen_stats *s = tc_gen_get_stats(g);
  uint32_t *m = malloc(s->vessels * sizeof *m);
  cr_assert(m);
  for (size_t i = 0; i < s->vessels; i++) {
    m[i] = tc_gen_mmsi(g, i);
    uint32_t mid = m[i] / 1000000;
    cr_assert(m[i] >= 100000000 && m[i] <= 999999999 && mid >= 201 && mid <= 775, "MMSI %u", m[i]);
  }
  for (size_t i = 0; i < s->vessels; i++)
    for (size_t j = i + 1; j < s->vessels; j++)
      cr_assert_neq(m[i], m[j], "MMSI %u used twice", m[i]);
  free(m);
  tc_gen_free(g);
}

Test(generate, per_vessel_track_equals_its_rows) {
  tc_gen_params p;
  small(&p, 9);
  tc_gen_params_clean(&p);
  rows r = {0};
  tc_gen *g = make(&p);
  drain(g, &r, NULL);
  size_t n;
  const tc_truth *t = tc_gen_truth(g, &n);
  cr_assert(n > 0);
  tc_columns c;
  tc_columns_init(&c);
  tc_err err = {0};
  cr_assert_eq(tc_gen_vessel_track(g, t[0].mmsi_a, &c, &err), TC_OK, "%s", err.msg);
  size_t k = 0;
  for (size_t i = 0; i < r.n; i++) {
    if (r.v[i].mmsi != t[0].mmsi_a)
      continue;
    cr_assert(k < c.n && c.t[k] == r.v[i].t && c.lat[k] == r.v[i].lat && c.lon[k] == r.v[i].lon);
    k++;
  }
  cr_assert_eq(k, c.n);
  cr_assert_eq(tc_gen_vessel_track(g, 1, &c, &err), TC_ERR_NOT_FOUND);
  tc_columns_free(&c);
  tc_gen_free(g);
  free(r.v);
}

Test(generate, formats) {
  char b[TC_GEN_ROW_MAX + 1];
  b[tc_time_format_iso(0, b)] = 0;
  cr_assert_str_eq(b, "1970-01-01T00:00:00Z");
  b[tc_time_format_iso(951782400 + 3723, b)] = 0;
  cr_assert_str_eq(b, "2000-02-29T01:02:03Z");
  b[tc_time_format_iso(TC_GEN_DEFAULT_START, b)] = 0;
  cr_assert_str_eq(b, "2024-01-01T00:00:00Z");
  tc_fix f = {.t = 1704067259, .lat = -0.5, .lon = -179.999999, .mmsi = 538001234, .sog = 12.3f,
              .cog = 359.9f, .heading = 511};
  b[tc_gen_format_fix(&f, b)] = 0;
  cr_assert_str_eq(b, "538001234,2024-01-01T00:00:59Z,-0.500000,-179.999999,12.3,359.9,511\n");
}

Test(generate, bad_parameters_refused) {
  tc_gen_params p;
  tc_gen *g = NULL;
  tc_err err = {0};
  small(&p, 1);
  p.vessels = 20;
  p.meetings = 10;
  cr_assert_eq(tc_gen_create(&p, &g, &err), TC_ERR_ARG);
  cr_assert(strstr(err.msg, "--vessels"), "message: %s", err.msg);
  small(&p, 1);
  p.days = 0.1;
  cr_assert_eq(tc_gen_create(&p, &g, &err), TC_ERR_ARG);
  small(&p, 1);
  p.max_interval_s = 1000.0;
  cr_assert_eq(tc_gen_create(&p, &g, &err), TC_ERR_ARG);
  cr_assert_null(g);
  tc_gen_free(NULL);
}

static char *slurp(const char *path, size_t *n) {
  gzFile z = gzopen(path, "rb"); /* reads plain files too */
  cr_assert(z, "cannot open %s", path);
  size_t cap = 1 << 20, m = 0;
  char *buf = malloc(cap);
  int k;
  while ((k = gzread(z, buf + m, (unsigned)(cap - m))) > 0) {
    m += (size_t)k;
    if (m == cap)
      buf = realloc(buf, cap *= 2);
  }
  gzclose(z);
  *n = m;
  return buf;
}

Test(generate, cli_files_identical_and_gz) {
  const char *tmp = getenv("TC_TEST_TMP");
  char dir[512], cmd[2048];
  snprintf(dir, sizeof dir, "%s/generate", tmp ? tmp : "/tmp");
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
  cr_assert_eq(system(cmd), 0);
  const char *args = "--vessels 150 --seed 4 --meetings 3 --decoys 3 --ports 2 -q";
  snprintf(cmd, sizeof cmd, "'%s' generate %s -o '%s/a.csv' --truth '%s/a_truth.csv'", TC_BINARY, args,
           dir, dir);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  snprintf(cmd, sizeof cmd, "'%s' generate %s -o '%s/b.csv.gz' --truth '%s/b_truth.csv'", TC_BINARY,
           args, dir, dir);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  char pa[600], pb[600];
  size_t na, nb;
  snprintf(pa, sizeof pa, "%s/a.csv", dir);
  snprintf(pb, sizeof pb, "%s/b.csv.gz", dir);
  char *a = slurp(pa, &na), *b = slurp(pb, &nb);
  cr_assert(na > 100000 && na == nb && !memcmp(a, b, na), "plain and gzip outputs differ");
  cr_assert(!strncmp(a, TC_GEN_FIX_HEADER, strlen(TC_GEN_FIX_HEADER)), "header");
  free(a);
  free(b);
  snprintf(pa, sizeof pa, "%s/a_truth.csv", dir);
  snprintf(pb, sizeof pb, "%s/b_truth.csv", dir);
  a = slurp(pa, &na);
  b = slurp(pb, &nb);
  cr_assert(na == nb && !memcmp(a, b, na), "truth files differ");
  cr_assert(!strncmp(a, TC_GEN_TRUTH_HEADER, strlen(TC_GEN_TRUTH_HEADER)));
  cr_assert(strstr(a, "\nmeeting,") && strstr(a, "\ndecoy_convoy,"));
  free(a);
  free(b);
  snprintf(cmd, sizeof cmd, "'%s' generate --vessels 0 -o /dev/null 2>/dev/null", TC_BINARY);
  cr_assert_neq(system(cmd), 0, "--vessels 0 accepted");
}

/* No track jumps: on a clean day reported every 2-4 s, no vessel's consecutive fixes
 * imply more than 40 kn (the fastest vessels sail 20 kn; the spec's teleport filter
 * drops hops above 50 kn). The case it guards: a vessel off its lane's centreline must turn
 * its sideways offset around each waypoint, not jump it (~350 m between two reports). */
Test(generate, tracks_never_jump) {
  tc_gen_params p;
  small(&p, 26);
  tc_gen_params_clean(&p);
  p.days = 0.5;
  p.min_interval_s = 2.0;
  p.max_interval_s = 4.0;
  rows r = {0};
  tc_gen *g = make(&p);
  drain(g, &r, NULL);
  tc_fix *f = r.v;
  qsort(f, r.n, sizeof *f, tc_fix_cmp_import);
  size_t pairs = 0;
  for (size_t i = 1; i < r.n; i++) {
    if (f[i].mmsi != f[i - 1].mmsi || f[i].t == f[i - 1].t)
      continue;
    double kn = tc_haversine_m(f[i - 1].lat, f[i - 1].lon, f[i].lat, f[i].lon) /
                (double)(f[i].t - f[i - 1].t) / TC_KNOT_MPS;
    cr_assert(kn <= 40.0, "vessel %u: %.1f kn between %lld and %lld", f[i].mmsi, kn,
              (long long)f[i - 1].t, (long long)f[i].t);
    pairs++;
  }
  cr_assert_gt(pairs, 1000000, "%zu consecutive pairs", pairs);
  tc_gen_free(g);
  free(r.v);
}
