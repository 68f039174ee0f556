/* Several stores behind one track source (tracks_multi.h): one tc_store_tracks per
 * store, asked in time order; a batch is each store's batch in turn. */
#include "host/report/tracks_multi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/report/tracks_store.h"

struct tc_stores_tracks {
  tc_store_tracks *per; /* one per store, time order */
  tc_track_source *src;
  size_t n;
  tc_columns tmp;
};

void tc_stores_tracks_free(tc_stores_tracks *m) {
  if (!m)
    return;
  for (size_t i = 0; m->per && i < m->n; i++)
    tc_store_tracks_free(&m->per[i]);
  free(m->per);
  free(m->src);
  tc_columns_free(&m->tmp);
  free(m);
}

tc_status tc_stores_tracks_create(tc_store *const *stores, size_t n, tc_stores_tracks **out, tc_err *err) {
  *out = NULL;
  tc_stores_tracks *m = calloc(1, sizeof *m);
  if (m) {
    tc_columns_init(&m->tmp);
    m->per = calloc(n ? n : 1, sizeof *m->per);
    m->src = calloc(n ? n : 1, sizeof *m->src);
  }
  if (!m || !m->per || !m->src) {
    tc_stores_tracks_free(m);
    return tc_fail(err, TC_ERR_NOMEM, "tracks: out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    m->src[i] = tc_track_source_store(&m->per[i], stores[i]);
    m->n = i + 1; /* freed from here on */
  }
  *out = m;
  return TC_OK;
}

static int holds(const tc_track_source *s) { return s->t_min <= s->t_max && !(s->t_min == 0 && s->t_max == 0); }

static tc_status multi_read(void *vctx, uint32_t mmsi, int64_t t0, int64_t t1, tc_columns *out, tc_err *err) {
  tc_stores_tracks *m = vctx;
  out->n = 0;
  for (size_t i = 0; i < m->n; i++) {
    const tc_track_source *s = &m->src[i];
    if (!holds(s) || s->t_max < t0 || s->t_min > t1)
      continue;
    TC_TRY(s->read(s->ctx, mmsi, t0, t1, &m->tmp, err));
    for (size_t j = 0; j < m->tmp.n; j++) {
      tc_fix f;
      tc_columns_get(&m->tmp, j, &f);
      if (tc_columns_push(out, &f) != TC_OK)
        return tc_fail(err, TC_ERR_NOMEM, "tracks: out of memory");
    }
  }
  return TC_OK;
}

/* Hour by hour, so that an hour with fixes in two stores (they may meet inside one)
 * counts once. */
static double multi_coverage(void *vctx, int64_t t0, int64_t t1) {
  tc_stores_tracks *m = vctx;
  int64_t hours = (t1 - t0) / 3600, seen = 0;
  if (hours <= 0)
    return NAN;
  for (int64_t h = 0; h < hours; h++) {
    int64_t t = t0 + h * 3600;
    int any = 0;
    for (size_t i = 0; i < m->n && !any; i++) {
      const tc_track_source *s = &m->src[i];
      if (!holds(s) || s->t_max < t || s->t_min >= t + 3600)
        continue;
      double c = s->coverage(s->ctx, t, t + 3600);
      if (isnan(c))
        return NAN;
      any = c > 0;
    }
    seen += any;
  }
  return (double)seen / (double)hours;
}

/* The progress of one store's part, told as that store's of the set. */
typedef struct {
  tc_track_progress fn;
  void *user;
  size_t i, n;
  char what[96];
} part_progress;

static void on_part(void *vp, const char *what, uint64_t done, uint64_t total) {
  part_progress *pp = vp;
  snprintf(pp->what, sizeof pp->what, "%s (store %zu of %zu)", what, pp->i + 1, pp->n);
  pp->fn(pp->user, pp->what, done, total);
}

/* Each store serves, in time order, the requests that reach into its span, through its
 * own batch (one pass over the buckets they touch): every bucket of every store is read
 * once whatever the number of requests, and a request spanning two stores gets the
 * first one's fixes before the second's, so its track and gap scan see time order. */
static tc_status multi_gather(void *vctx, tc_track_req *reqs, size_t n, tc_track_progress progress, void *user,
                              tc_err *err) {
  tc_stores_tracks *m = vctx;
  tc_track_req *sub = malloc((n ? n : 1) * sizeof *sub);
  if (!sub)
    return tc_fail(err, TC_ERR_NOMEM, "tracks: out of memory");
  tc_status s = TC_OK;
  part_progress pp = {progress, user, 0, m->n, ""};
  for (size_t i = 0; s == TC_OK && i < m->n; i++) {
    const tc_track_source *src = &m->src[i];
    if (!holds(src))
      continue;
    size_t k = 0;
    for (size_t j = 0; j < n; j++)
      if (reqs[j].t1 >= src->t_min && reqs[j].t0 <= src->t_max)
        sub[k++] = reqs[j]; /* the same out and gap: the parts append in store order */
    pp.i = i;
    if (k)
      s = tc_track_gather(src, sub, k, progress ? on_part : NULL, &pp, err);
  }
  free(sub);
  return s;
}

tc_track_source tc_stores_tracks_source(tc_stores_tracks *m) {
  if (m->n == 1)
    return m->src[0];
  tc_track_source s = {m, multi_read, 0, 0, multi_coverage, multi_gather};
  int any = 0;
  for (size_t i = 0; i < m->n; i++) {
    if (!holds(&m->src[i]))
      continue;
    s.t_min = any && s.t_min < m->src[i].t_min ? s.t_min : m->src[i].t_min;
    s.t_max = any && s.t_max > m->src[i].t_max ? s.t_max : m->src[i].t_max;
    any = 1;
  }
  return s;
}

tc_status tc_vessel_index_from_stores(tc_store *const *stores, size_t n, tc_vessel_index **out, tc_err *err) {
  *out = NULL;
  if (n == 1)
    return tc_vessel_index_from_store(stores[0], out, err);
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    const tc_vessel_static *rows;
    size_t k;
    TC_TRY(tc_store_vessels(stores[i], &rows, &k, err));
    total += k;
  }
  if (total == 0)
    return TC_OK;
  tc_vessel_static *all = malloc(total * sizeof *all);
  if (!all)
    return tc_fail(err, TC_ERR_NOMEM, "vessel table: out of memory");
  size_t w = 0;
  tc_status s = TC_OK;
  for (size_t i = 0; s == TC_OK && i < n; i++) {
    const tc_vessel_static *rows;
    size_t k;
    if ((s = tc_store_vessels(stores[i], &rows, &k, err)) == TC_OK) {
      memcpy(all + w, rows, k * sizeof *rows);
      w += k;
    }
  }
  if (s == TC_OK)
    s = tc_vessel_index_create(all, w, out, err);
  free(all);
  return s;
}
