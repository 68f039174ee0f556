#include "store_fixtures.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/clean.h"
#include "io/sha256.h"
#include "io/store.h"

void store_tmp_path(const char *name, char *out, size_t cap) {
  store_tmp_name(name, out, cap);
  unlink(out);
}

void store_tmp_name(const char *name, char *out, size_t cap) {
  const char *base = getenv("TC_TEST_TMP");
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/store", base && *base ? base : "/tmp/trajcorr-test");
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
  cr_assert_eq(system(cmd), 0);
  snprintf(out, cap, "%s/%s", dir, name);
}

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void store_gen_fixes(tc_fix *out, size_t n, uint64_t seed, int64_t t_base, int64_t span,
                     uint32_t nvessels) {
  uint64_t s = seed;
  for (size_t i = 0; i < n; i++) {
    tc_fix *f = &out[i];
    memset(f, 0, sizeof *f);
    uint64_t r = splitmix(&s);
    if (i > 0 && r % 50 == 0) { /* an exact duplicate of an earlier row */
      *f = out[splitmix(&s) % i];
      continue;
    }
    if (i > 0 && r % 50 == 1) { /* same vessel and time, another position */
      *f = out[splitmix(&s) % i];
      f->lat = fmod(f->lat + 0.001 * (double)(splitmix(&s) % 100) - 0.05, 89.0);
      continue;
    }
    f->mmsi = 200000000u + (uint32_t)(splitmix(&s) % nvessels) * 7919u;
    f->t = t_base + (int64_t)(splitmix(&s) % (uint64_t)span);
    f->lat = -80.0 + 160.0 * (double)(splitmix(&s) >> 11) / 9007199254740992.0;
    f->lon = -179.0 + 358.0 * (double)(splitmix(&s) >> 11) / 9007199254740992.0;
    f->sog = (r & 7) == 3 ? NAN : (float)(splitmix(&s) % 300) / 10.0f;
    f->cog = (r & 7) == 4 ? NAN : (float)(splitmix(&s) % 3600) / 10.0f;
    f->heading = (r & 7) == 5 ? TC_HEADING_UNKNOWN : (uint16_t)(splitmix(&s) % 360);
  }
}

tc_status store_import_fixes(const char *path, const tc_import_opts *o, const tc_fix *f, size_t n,
                             tc_import_result *res, tc_err *err) {
  tc_import *im = NULL;
  tc_status st = tc_import_begin(path, o, &im, err);
  for (size_t i = 0; i < n && st == TC_OK; i++)
    st = tc_import_add_fix(im, &f[i], err);
  if (st == TC_OK)
    st = tc_import_commit(im, res, err);
  tc_import_abort(im);
  return st;
}

typedef struct {
  tc_fix f;
  int64_t b;
  size_t i;
} keyed;

static int cmp_keyed(const void *pa, const void *pb) {
  const keyed *a = pa, *b = pb;
  if (a->b != b->b)
    return a->b < b->b ? -1 : 1;
  if (a->f.mmsi != b->f.mmsi)
    return a->f.mmsi < b->f.mmsi ? -1 : 1;
  if (a->f.t != b->f.t)
    return a->f.t < b->f.t ? -1 : 1;
  if (a->f.lat != b->f.lat)
    return a->f.lat < b->f.lat ? -1 : 1;
  if (a->f.lon != b->f.lon)
    return a->f.lon < b->f.lon ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

void store_expected(const tc_fix *in, size_t n, int64_t bucket_s, tc_fix **out, size_t *nout) {
  keyed *k = malloc((n ? n : 1) * sizeof *k);
  *out = malloc((n ? n : 1) * sizeof **out);
  cr_assert(k && *out);
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (tc_fix_check(&in[i]) != TC_FIX_OK)
      continue;
    int64_t b = in[i].t / bucket_s - (in[i].t % bucket_s < 0);
    k[m++] = (keyed){in[i], b, i};
  }
  qsort(k, m, sizeof *k, cmp_keyed);
  size_t j = 0;
  for (size_t i = 0; i < m; i++)
    if (j == 0 || (*out)[j - 1].mmsi != k[i].f.mmsi || (*out)[j - 1].t != k[i].f.t)
      (*out)[j++] = k[i].f;
  *nout = j;
  free(k);
}

void store_read_all(const char *path, tc_fix **out, size_t *n) {
  tc_err err;
  tc_store *s = NULL;
  tc_status st = tc_store_open(path, &s, &err);
  cr_assert_eq(st, TC_OK, "open %s: %s", path, err.msg);
  const tc_store_info *in = tc_store_get_info(s);
  *out = malloc((in->rows ? in->rows : 1) * sizeof **out);
  cr_assert(*out);
  size_t m = 0;
  tc_columns c;
  tc_columns_init(&c);
  for (size_t k = 0; k < in->nbuckets; k++) {
    st = tc_store_read_bucket(s, k, &c, &err);
    cr_assert_eq(st, TC_OK, "read bucket %zu: %s", k, err.msg);
    cr_assert_leq(m + c.n, in->rows);
    for (size_t i = 0; i < c.n; i++)
      tc_columns_get(&c, i, &(*out)[m++]);
  }
  cr_assert_eq(m, in->rows);
  *n = m;
  tc_columns_free(&c);
  tc_store_close(s);
}

static int same_f(float a, float b) { return a == b || (isnan(a) && isnan(b)); }

int store_rows_equal(const tc_fix *a, size_t na, const tc_fix *b, size_t nb) {
  if (na != nb)
    return 0;
  for (size_t i = 0; i < na; i++)
    if (a[i].mmsi != b[i].mmsi || a[i].t != b[i].t || a[i].lat != b[i].lat ||
        a[i].lon != b[i].lon || !same_f(a[i].sog, b[i].sog) || !same_f(a[i].cog, b[i].cog) ||
        a[i].heading != b[i].heading)
      return 0;
  return 1;
}

void store_file_hash(const char *path, char hex[65]) {
  uint64_t size;
  hex[0] = '\0';
  if (access(path, F_OK) == 0)
    cr_assert_eq(tc_sha256_file(path, hex, &size, NULL), TC_OK);
}

int store_system(const char *fmt, ...) {
  char cmd[8192];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  int rc = system(cmd);
  return rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
