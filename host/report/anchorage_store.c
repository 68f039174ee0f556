#include "host/report/anchorage_store.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/report/textout.h"
#include "io/sha256.h"
#include "io/spill.h"
#include "io/store_chunks.h"

#define SLICE_ROWS (1u << 22)
#define ANCH_COLS (TC_COL_MMSI | TC_COL_T | TC_COL_LAT | TC_COL_LON | TC_COL_SOG)

int tc_anchorages_cache_path(const char *store_path, char *buf, size_t cap) {
  int n = snprintf(buf, cap, "%s.anchorages.csv", store_path);
  return n > 0 && (size_t)n < cap;
}

int tc_anchorages_set_cache_path(const char *first_path, char *buf, size_t cap) {
  int n = snprintf(buf, cap, "%s.set-anchorages.csv", first_path);
  return n > 0 && (size_t)n < cap;
}

static void put(tc_sha256 *h, const void *p, size_t n) { tc_sha256_update(h, p, n); }

/* What identifies a store's content: its sources' SHA-256s and record counts, rows,
 * vessels, buckets, time span. */
static tc_status put_store(tc_sha256 *h, tc_store *store, tc_err *err) {
  const tc_store_info *in = tc_store_get_info(store);
  const tc_store_srcfile *src;
  size_t nsrc;
  TC_TRY(tc_store_sources(store, &src, &nsrc, err));
  int64_t v[6] = {(int64_t)in->rows, (int64_t)in->vessels, (int64_t)in->nbuckets, in->bucket_s, in->t_min,
                  in->t_max};
  put(h, v, sizeof v);
  for (size_t i = 0; i < nsrc; i++) {
    put(h, src[i].sha256, strlen(src[i].sha256));
    put(h, &src[i].records, sizeof src[i].records);
  }
  return TC_OK;
}

/* One store keeps the key it always had; a set's key names every store in turn. */
static tc_status stores_key(tc_store *const *stores, size_t n, const tc_anchorage_params *p,
                            char hex[TC_SHA256_HEX], tc_err *err) {
  tc_sha256 h;
  tc_sha256_init(&h);
  if (n == 1)
    put(&h, "trajcorr anchorages 1", 21);
  else
    put(&h, "trajcorr anchorages set 1", 25);
  /* field by field: the struct's padding is not initialised, and hashing it gave
   * every process its own key, so the cache was never read back */
  double pv[4] = {p->cell_m, p->max_speed_kn, (double)p->min_vessels, p->name_radius_m};
  put(&h, pv, sizeof pv);
  for (size_t i = 0; i < n; i++)
    TC_TRY(put_store(&h, stores[i], err));
  uint8_t d[32];
  tc_sha256_final(&h, d);
  tc_sha256_hex(d, hex);
  return TC_OK;
}

/* Appends rows [0, n) of the mmsi, t, lat, lon and sog columns of src to dst. */
static tc_status append(tc_columns *dst, const tc_columns *src, size_t from, size_t n) {
  if (tc_columns_reserve(dst, dst->n + n) != TC_OK)
    return TC_ERR_NOMEM;
  memcpy(dst->mmsi + dst->n, src->mmsi + from, n * sizeof *dst->mmsi);
  memcpy(dst->t + dst->n, src->t + from, n * sizeof *dst->t);
  memcpy(dst->lat + dst->n, src->lat + from, n * sizeof *dst->lat);
  memcpy(dst->lon + dst->n, src->lon + from, n * sizeof *dst->lon);
  memcpy(dst->sog + dst->n, src->sog + from, n * sizeof *dst->sog);
  dst->n += n;
  return TC_OK;
}

/* A large bucket is read a slice of whole chunks at a time; each batch ends at a vessel
 * boundary (the last vessel's rows wait for the next slice), since a fix's implied speed
 * needs its neighbours. */
tc_status tc_anchorage_add_store(tc_anchorage_finder *a, tc_store *store, tc_track_progress progress, void *user,
                                 tc_err *err) {
  const tc_store_info *in = tc_store_get_info(store);
  tc_status s = TC_OK;
  tc_columns c, pend;
  tc_columns_init(&c);
  tc_columns_init(&pend);
  uint64_t done = 0;
  for (size_t k = 0; s == TC_OK && k < in->nbuckets; k++) {
    int64_t b0;
    uint64_t rows, step = SLICE_ROWS, chunk;
    if ((s = tc_store_bucket(store, k, &b0, &rows)) != TC_OK)
      break;
    if (rows > SLICE_ROWS) {
      if ((s = tc_store_bucket_chunk(store, k, &chunk, err)) != TC_OK)
        break;
      step = chunk == 0 ? rows : chunk * (SLICE_ROWS > chunk ? SLICE_ROWS / chunk : 1);
    }
    pend.n = 0;
    for (uint64_t r = 0; s == TC_OK && r < rows; r += step) {
      uint64_t m = rows - r < step ? rows - r : step;
      if ((s = tc_store_read_bucket_slice(store, k, r, m, &c, ANCH_COLS, 0, err)) != TC_OK)
        break;
      if (append(&pend, &c, 0, c.n) != TC_OK) {
        s = tc_fail(err, TC_ERR_NOMEM, "anchorages: out of memory");
        break;
      }
      size_t cut = pend.n;
      if (r + m < rows)
        while (cut > 0 && pend.mmsi[cut - 1] == pend.mmsi[pend.n - 1])
          cut--;
      if (cut > 0) {
        tc_columns head = pend;
        head.n = cut;
        if ((s = tc_anchorage_add(a, &head, err)) != TC_OK)
          break;
        size_t rest = pend.n - cut;
        memmove(pend.mmsi, pend.mmsi + cut, rest * sizeof *pend.mmsi);
        memmove(pend.t, pend.t + cut, rest * sizeof *pend.t);
        memmove(pend.lat, pend.lat + cut, rest * sizeof *pend.lat);
        memmove(pend.lon, pend.lon + cut, rest * sizeof *pend.lon);
        memmove(pend.sog, pend.sog + cut, rest * sizeof *pend.sog);
        pend.n = rest;
      }
      done += m;
      if (progress)
        progress(user, "finding anchorages", done, in->rows);
    }
  }
  tc_columns_free(&c);
  tc_columns_free(&pend);
  return s;
}

/* Each place as the CSV holds it (6 decimals, whole metres), by the same formatting. */
static tc_status rounded(const tc_places *p, tc_places **out, tc_err *err) {
  if (tc_places_create(out) != TC_OK)
    return tc_fail(err, TC_ERR_NOMEM, "anchorages: out of memory");
  for (size_t i = 0; i < tc_places_count(p); i++) {
    tc_place pl = *tc_places_get(p, i);
    char b[64];
    snprintf(b, sizeof b, "%.6f", pl.lat);
    pl.lat = strtod(b, NULL);
    snprintf(b, sizeof b, "%.6f", pl.lon);
    pl.lon = strtod(b, NULL);
    snprintf(b, sizeof b, "%.0f", pl.radius_m);
    pl.radius_m = strtod(b, NULL);
    if (tc_places_add(*out, &pl) != TC_OK)
      return tc_fail(err, TC_ERR_NOMEM, "anchorages: out of memory");
  }
  return TC_OK;
}

/* The cache when its first line carries key; 0 otherwise (missing, stale, unreadable). */
static int read_cache(const char *path, const char *key, tc_places **out) {
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  char line[256], want[256];
  snprintf(want, sizeof want, "# trajcorr anchorages key %s\n", key);
  int ok = fgets(line, sizeof line, f) && !strcmp(line, want);
  fclose(f);
  tc_err err;
  if (!ok || tc_places_create(out) != TC_OK)
    return 0;
  if (tc_places_load(*out, path, &err) != TC_OK) {
    tc_places_free(*out);
    *out = NULL;
    return 0;
  }
  return 1;
}

/* Writes the cache atomically; failure only costs the cache. */
static void write_cache(const char *path, const char *key, const tc_places *p) {
  tc_atomic a;
  tc_err err;
  if (tc_atomic_open(&a, path, &err) != TC_OK)
    return;
  fprintf(a.f, "# trajcorr anchorages key %s\nname,lat,lon,vessels,radius_m\n", key);
  for (size_t i = 0; i < tc_places_count(p); i++) {
    const tc_place *pl = tc_places_get(p, i);
    tc_put_csv(a.f, pl->name);
    fprintf(a.f, ",%.6f,%.6f,%d,%.0f\n", pl->lat, pl->lon, pl->vessels, pl->radius_m);
  }
  tc_atomic_commit(&a, &err);
  tc_atomic_abort(&a);
}

/* Rows of all stores, for the progress over the set. */
typedef struct {
  tc_track_progress fn;
  void *user;
  uint64_t base, total;
} set_progress;

static void on_store_progress(void *vp, const char *what, uint64_t done, uint64_t total) {
  set_progress *sp = vp;
  (void)total;
  sp->fn(sp->user, what, sp->base + done, sp->total);
}

tc_status tc_anchorages_for_stores(tc_store *const *stores, size_t n, tc_places **out, int *cached,
                                   tc_track_progress progress, void *user, tc_err *err) {
  *out = NULL;
  *cached = 0;
  tc_anchorage_params p;
  tc_anchorage_defaults(&p);
  char key[TC_SHA256_HEX], path[4096];
  TC_TRY(stores_key(stores, n, &p, key, err));
  const char *first = tc_store_path(stores[0]);
  int have_path = n == 1 ? tc_anchorages_cache_path(first, path, sizeof path)
                         : tc_anchorages_set_cache_path(first, path, sizeof path);
  if (have_path && read_cache(path, key, out)) {
    *cached = 1;
    return TC_OK;
  }
  set_progress sp = {progress, user, 0, 0};
  for (size_t i = 0; i < n; i++)
    sp.total += tc_store_get_info(stores[i])->rows;
  tc_anchorage_finder *a = NULL;
  tc_places *found = NULL;
  tc_status s = tc_anchorage_create(&p, &a, err);
  if (s == TC_OK && tc_places_create(&found) != TC_OK)
    s = tc_fail(err, TC_ERR_NOMEM, "anchorages: out of memory");
  size_t i = 0; /* the store being read, named in a message */
  while (s == TC_OK && i < n) {
    s = tc_anchorage_add_store(a, stores[i], progress ? on_store_progress : NULL, &sp, err);
    if (s == TC_OK)
      sp.base += tc_store_get_info(stores[i++])->rows;
  }
  if (s == TC_OK)
    s = tc_anchorage_finish(a, NULL, found, err);
  if (s == TC_OK)
    s = rounded(found, out, err);
  if (s == TC_OK && have_path)
    write_cache(path, key, *out);
  if (s != TC_OK) {
    tc_places_free(*out);
    *out = NULL;
    tc_err_prefix(err, "%s: ", tc_store_path(stores[i < n ? i : n - 1]));
  }
  tc_anchorage_free(a);
  tc_places_free(found);
  return s;
}

tc_status tc_anchorages_for_store(tc_store *store, tc_places **out, int *cached, tc_track_progress progress,
                                  void *user, tc_err *err) {
  return tc_anchorages_for_stores(&store, 1, out, cached, progress, user, err);
}

struct tc_anchorage_feed {
  tc_anchorage_finder *a;
  double max_kn;             /* the finder's stationary speed */
  size_t n;
  int64_t *t_min, *bucket_s; /* per non-empty store, in time order */
  uint64_t rows, seen;       /* the stores' rows, and the slices' */
  size_t hint;               /* bucket_of's store */
  /* the last row of the slices fed, with its bucket and store: row 0's neighbour */
  tc_anchorage_row last;
  int64_t last_b0;
  size_t last_store;
  int have_last;
  /* the last row when its sog is unknown: judged once the next row shows whether it
   * is a neighbour; with its previous row when that is one */
  tc_anchorage_row pend, pend_prev;
  int have_pend, pend_has_prev;
  unsigned char *slow; /* a slice's rows that its loop stops at (mark_slow) */
  size_t cap_slow;
};

void tc_anchorage_feed_free(tc_anchorage_feed *f) {
  if (!f)
    return;
  tc_anchorage_free(f->a);
  free(f->t_min);
  free(f->bucket_s);
  free(f->slow);
  free(f);
}

tc_status tc_anchorage_feed_create(tc_store *const *stores, size_t n, tc_anchorage_feed **out, tc_err *err) {
  *out = NULL;
  tc_anchorage_params p;
  tc_anchorage_defaults(&p);
  tc_anchorage_feed *f = calloc(1, sizeof *f);
  if (f) {
    f->t_min = malloc((n ? n : 1) * sizeof *f->t_min);
    f->bucket_s = malloc((n ? n : 1) * sizeof *f->bucket_s);
  }
  if (!f || !f->t_min || !f->bucket_s) {
    tc_anchorage_feed_free(f);
    return tc_fail(err, TC_ERR_NOMEM, "anchorages: out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    const tc_store_info *in = tc_store_get_info(stores[i]);
    f->rows += in->rows;
    if (in->rows == 0 || in->nbuckets == 0)
      continue;
    f->t_min[f->n] = in->t_min;
    f->bucket_s[f->n++] = in->bucket_s > 0 ? in->bucket_s : 1;
  }
  /* stores read as one timeline never share a fix time (source_multi.h): the store of
   * a fix is the last one starting at or before it */
  for (size_t i = 1; i < f->n; i++)
    for (size_t j = i; j > 0 && f->t_min[j - 1] > f->t_min[j]; j--) {
      int64_t x = f->t_min[j], y = f->bucket_s[j];
      f->t_min[j] = f->t_min[j - 1];
      f->bucket_s[j] = f->bucket_s[j - 1];
      f->t_min[j - 1] = x;
      f->bucket_s[j - 1] = y;
    }
  f->max_kn = p.max_speed_kn;
  tc_status s = tc_anchorage_create(&p, &f->a, err);
  if (s != TC_OK) {
    tc_anchorage_feed_free(f);
    return s;
  }
  *out = f;
  return TC_OK;
}

/* The epoch-aligned bucket (store.h) of a fix time; *store its store. */
static int64_t bucket_of(const tc_anchorage_feed *f, int64_t t, size_t *hint, size_t *store) {
  size_t s = *hint < f->n ? *hint : 0;
  while (s + 1 < f->n && f->t_min[s + 1] <= t)
    s++;
  while (s > 0 && f->t_min[s] > t)
    s--;
  *hint = *store = s;
  return tc_bucket_start(t, f->n ? f->bucket_s[s] : 1);
}

static tc_anchorage_row row_of_cols(const tc_columns *c, size_t i) {
  return (tc_anchorage_row){c->mmsi[i], c->t[i], c->lat[i], c->lon[i], c->sog[i]};
}

/* Rows i and j (j = -1: the last row of the slices before) of one vessel and one store
 * bucket: neighbours, as tc_anchorage_add_store's batches give them. */
static int neighbours(tc_anchorage_feed *f, const tc_columns *c, size_t i, size_t j) {
  uint32_t mj;
  if (j == SIZE_MAX) {
    if (!f->have_last)
      return 0;
    mj = f->last.mmsi;
  } else {
    mj = c->mmsi[j];
  }
  if (c->mmsi[i] != mj)
    return 0;
  size_t si, sj;
  int64_t bi = bucket_of(f, c->t[i], &f->hint, &si), bj;
  if (j == SIZE_MAX) {
    bj = f->last_b0;
    sj = f->last_store;
  } else {
    bj = bucket_of(f, c->t[j], &f->hint, &sj);
  }
  return bi == bj && si == sj;
}

/* The least float not below x: for a float f, f >= x <=> f >= up_float(x) and
 * f < x <=> f < up_float(x) (NaN stays NaN, so both stay false). */
static float up_float(double x) {
  float f = (float)x;
  return (double)f < x ? nextafterf(f, INFINITY) : f;
}

/* slow[j] = 1 for each row j whose sog is not tc_anchorage_sog_fast (sog >= max_kn
 * and < TC_ANCHORAGE_SOG_NONE, the same test on floats against up_float of both bounds): a loop
 * without branches (AVX2), so that memchr passes over the rows between. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
__attribute__((target_clones("avx2", "default")))
#endif
static void mark_slow(const float *sog, size_t n, float lo, float hi, unsigned char *slow) {
  for (size_t j = 0; j < n; j++)
    slow[j] = (unsigned char)(!(sog[j] >= lo) | !(sog[j] < hi));
}

/* A row's own known sog decides it; only a row whose sog is unknown needs its
 * neighbours (the one before, and the next, which may come in the next slice). */
tc_status tc_anchorage_feed_slice(tc_anchorage_feed *f, const tc_columns *c, tc_err *err) {
  f->seen += c->n;
  if (!c->n)
    return TC_OK;
  if (f->have_pend) {
    tc_anchorage_row nx = row_of_cols(c, 0);
    f->have_pend = 0;
    TC_TRY(tc_anchorage_add_row(f->a, f->pend_has_prev ? &f->pend_prev : NULL, &f->pend,
                                neighbours(f, c, 0, SIZE_MAX) ? &nx : NULL, err));
  }
  const float *sogs = c->sog;
  const double max_kn = f->max_kn;
  const size_t n = c->n;
  if (n + 1 > f->cap_slow) {
    unsigned char *sl = realloc(f->slow, n + 1);
    if (!sl)
      return tc_fail(err, TC_ERR_NOMEM, "anchorages: out of memory");
    f->slow = sl;
    f->cap_slow = n + 1;
  }
  mark_slow(sogs, n, up_float(max_kn), up_float(TC_ANCHORAGE_SOG_NONE), f->slow);
  f->slow[n] = 1; /* memchr's stop */
  for (size_t i = 0; i < n; i++) {
    i = (size_t)((const unsigned char *)memchr(f->slow + i, 1, n + 1 - i) - f->slow); /* most rows: passed over */
    if (i == n)
      break;
    if (tc_anchorage_sog_known(sogs[i])) { /* below max_kn, since slow: its run of such rows */
      size_t end;
      TC_TRY(tc_anchorage_add_still(f->a, c, i, &end, err));
      i = end > i ? end - 1 : i;
      continue;
    }
    size_t j = i ? i - 1 : SIZE_MAX;
    int hp = neighbours(f, c, i, j);
    tc_anchorage_row pv = hp ? (j == SIZE_MAX ? f->last : row_of_cols(c, j)) : (tc_anchorage_row){0};
    tc_anchorage_row cur = row_of_cols(c, i);
    if (i + 1 == c->n) { /* the next row comes with the next slice, or never */
      f->pend = cur;
      f->pend_prev = pv;
      f->pend_has_prev = hp;
      f->have_pend = 1;
      break;
    }
    tc_anchorage_row nx = row_of_cols(c, i + 1);
    TC_TRY(tc_anchorage_add_row(f->a, hp ? &pv : NULL, &cur, neighbours(f, c, i + 1, i) ? &nx : NULL, err));
  }
  f->last = row_of_cols(c, c->n - 1);
  f->last_b0 = bucket_of(f, f->last.t, &f->hint, &f->last_store);
  f->have_last = 1;
  return TC_OK;
}

tc_status tc_anchorage_feed_finish(tc_anchorage_feed *f, const tc_places *ports, tc_places *out, int *complete,
                                   tc_err *err) {
  *complete = f->seen == f->rows;
  if (!*complete)
    return TC_OK;
  if (f->have_pend)
    TC_TRY(tc_anchorage_add_row(f->a, f->pend_has_prev ? &f->pend_prev : NULL, &f->pend, NULL, err));
  f->have_pend = 0;
  return tc_anchorage_finish(f->a, ports, out, err);
}
