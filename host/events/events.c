/* The events driver: two streaming passes over the same fixes. Pass 1 applies the
 * teleport filter vessel by vessel (each vessel's last kept fix is all it needs) and
 * feeds loitering and gap detection; pass 2 skips the fixes pass 1 dropped and gives
 * every kept fix to the coverage index of the gaps pass 1 found. Everything is per
 * vessel and in time order, so the result does not depend on how the source cut its
 * buckets; memory is a few numbers per vessel, the open loitering runs, the gaps with
 * summaries of their evidence (host/events/cov_evidence.c) and, while they fit in
 * keep_bytes, pass 1's slices for pass 2 (which otherwise reads its own source). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/engine/grow.h"
#include "host/events/easy_rows.h"
#include "host/events/internal.h"
#include "host/events/loiter_grid.h"
#include "io/clock.h"
#include "io/columns.h"
#include "kernels/geo.h"

typedef struct {
  uint32_t mmsi;
  int64_t lt;
  double la, lo;
} last_fix;

typedef struct {
  tc_ev_vmap map;
  last_fix *v;
  size_t cap;
} vessels;

static void vessels_free(vessels *vs) {
  tc_ev_vmap_free(&vs->map);
  free(vs->v);
  memset(vs, 0, sizeof *vs);
}

/* The vessel's state, created on its first fix. */
static last_fix *vessel(vessels *vs, uint32_t mmsi, size_t *idx) {
  int fresh;
  size_t k = tc_ev_vmap_get(&vs->map, mmsi, &fresh);
  if (k == SIZE_MAX)
    return NULL;
  if (fresh) {
    last_fix *v = tc_grow(vs->v, &vs->cap, k + 1, sizeof *v, 1024);
    if (!v)
      return NULL;
    vs->v = v;
    v[k] = (last_fix){mmsi, INT64_MIN, 0, 0};
  }
  *idx = k;
  return &vs->v[k];
}

static int cmp_loiter(const void *pa, const void *pb) {
  const tc_loiter *a = pa, *b = pb;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return a->mmsi < b->mmsi ? -1 : a->mmsi > b->mmsi;
}

static int cmp_gap(const void *pa, const void *pb) {
  const tc_gap *a = pa, *b = pb;
  if (a->t0 != b->t0)
    return a->t0 < b->t0 ? -1 : 1;
  return a->mmsi < b->mmsi ? -1 : a->mmsi > b->mmsi;
}

typedef struct {
  int64_t t;
  uint32_t mmsi;
} drop;

struct tc_events {
  tc_params p;
  tc_event_params e;
  double mps;
  int64_t gap_min;        /* shortest gap kept: min_gap, or dark_min_gap if smaller and dark wanted */
  tc_loiter_cfg lc;
  vessels vs;
  tc_loiter_state *ls;    /* per vessel of pass 1 (loitering wanted) */
  size_t n_ls, cap_ls;
  tc_gap_rec *gaps;
  size_t n_gaps, cap_gaps;
  tc_cov_index *cov;
  tc_dark_cands dark;     /* the dark rendezvous' candidate pairs, found before pass 2 */
  /* (t, mmsi) of the fixes pass 1's teleport filter dropped, sorted by (mmsi, t) for
   * pass 2, which reads the same rows and so needs neither the filter's haversine nor
   * the vessel table: it skips these and keeps the rest */
  drop *drops;
  size_t n_drops, cap_drops;
  int drops_sorted;
  tc_columns cols;
  tc_event_lists found;   /* pass 1's loitering events */
  tc_event_stats st;
  int finished;           /* pass 1 over: loitering runs closed */
  tc_events_slice_fn also; /* another consumer of pass 1's slices */
  void *also_ctx;
  /* pass 1's slices as fed (vessel, time, position of every row), for pass 2 while
   * they fit in e.keep_bytes; kept_off: not kept (too many, or no gap wanted) */
  struct kept *kept, *kept_last;
  size_t kept_bytes;
  int kept_off;
};

/* One fed slice's rows: copied (vessel, time, position), or the slice itself, taken
 * from its reader (tc_columns_take). */
struct kept {
  struct kept *next;
  tc_columns c;
};

static void kept_free(tc_events *r) {
  for (struct kept *k = r->kept, *nx; k; k = nx) {
    nx = k->next;
    tc_columns_free(&k->c);
    free(k);
  }
  r->kept = r->kept_last = NULL;
  r->kept_bytes = 0;
}

/* Room for bytes more of kept rows, or none ever again once they would pass the budget
 * (pass 2 then reads its source). 0: not kept. */
static int keep_room(tc_events *r, size_t bytes) {
  if (r->kept_off)
    return 0;
  if (r->kept_bytes + bytes > r->e.keep_bytes) {
    kept_free(r);
    r->kept_off = 1;
    return 0;
  }
  return 1;
}

static void kept_append(tc_events *r, struct kept *k, size_t bytes) {
  k->next = NULL;
  if (r->kept_last)
    r->kept_last->next = k;
  else
    r->kept = k;
  r->kept_last = k;
  r->kept_bytes += bytes;
}

/* Rows pass 2 reads: vessel, time, latitude, longitude. */
#define KEPT_ROW (sizeof(uint32_t) + sizeof(int64_t) + 2 * sizeof(double))

/* A copy of slice c's rows for pass 2, while they fit. */
static tc_status keep_copy(tc_events *r, const tc_columns *c) {
  if (!c->n || !keep_room(r, c->n * KEPT_ROW))
    return TC_OK;
  struct kept *k = malloc(sizeof *k);
  if (!k)
    return TC_ERR_NOMEM;
  tc_columns_init(&k->c);
  if (tc_columns_reserve(&k->c, c->n) != TC_OK) {
    free(k);
    return TC_ERR_NOMEM;
  }
  k->c.n = c->n;
  memcpy(k->c.t, c->t, c->n * sizeof *c->t);
  memcpy(k->c.lat, c->lat, c->n * sizeof *c->lat);
  memcpy(k->c.lon, c->lon, c->n * sizeof *c->lon);
  memcpy(k->c.mmsi, c->mmsi, c->n * sizeof *c->mmsi);
  kept_append(r, k, c->n * KEPT_ROW);
  return TC_OK;
}

/* Slice c itself for pass 2, while it fits: its storage moves here and c is left a view
 * of it, so nothing is copied and no new memory is touched for it (its reader's next
 * slice goes to new storage instead). Counted with its speeds (decoded for the
 * anchorages), 4 bytes a row more. */
static tc_status keep_take(tc_events *r, tc_columns *c) {
  if (c->view)
    return keep_copy(r, c);
  size_t bytes = c->n * (KEPT_ROW + sizeof(float));
  if (!c->n || !keep_room(r, bytes))
    return TC_OK;
  struct kept *k = malloc(sizeof *k);
  if (!k)
    return TC_ERR_NOMEM;
  tc_columns_init(&k->c);
  if (tc_columns_take(c, &k->c) != TC_OK) {
    free(k);
    return TC_ERR_INTERNAL;
  }
  kept_append(r, k, bytes);
  return TC_OK;
}

static int cmp_drop(const void *pa, const void *pb) {
  const drop *a = pa, *b = pb;
  if (a->mmsi != b->mmsi)
    return a->mmsi < b->mmsi ? -1 : 1;
  return (a->t > b->t) - (a->t < b->t);
}

/* Pass 2's fixes: those pass 1 kept, to the coverage index. */
static tc_status slice2(tc_events *r, const tc_columns *c, tc_err *err) {
  if (!r->drops_sorted && r->n_drops > 1)
    qsort(r->drops, r->n_drops, sizeof *r->drops, cmp_drop);
  r->drops_sorted = 1;
  unsigned char *skip = NULL;
  if (r->n_drops) {
    if (!(skip = calloc(c->n ? c->n : 1, 1)))
      return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (coverage evidence)");
    /* rows come by (mmsi, t): a cursor walks the drops beside them, looked up anew
     * only where the order breaks (a new vessel, the next store's rows) */
    size_t at = 0;
    for (size_t i = 0; i < c->n; i++) {
      drop key = {c->t[i], c->mmsi[i]};
      if (!i || c->mmsi[i] != c->mmsi[i - 1] || c->t[i] < c->t[i - 1]) {
        size_t lo = 0, hi = r->n_drops;
        while (lo < hi) {
          size_t mid = lo + (hi - lo) / 2;
          if (cmp_drop(&r->drops[mid], &key) < 0)
            lo = mid + 1;
          else
            hi = mid;
        }
        at = lo;
      }
      while (at < r->n_drops && cmp_drop(&r->drops[at], &key) < 0)
        at++;
      skip[i] = at < r->n_drops && !cmp_drop(&r->drops[at], &key);
    }
  }
  tc_status s = tc_cov_add_rows(r->cov, c->mmsi, c->t, c->lat, c->lon, skip, c->n, tc_params_threads(&r->p));
  free(skip);
  if (s == TC_ERR_CANCELLED)
    return tc_fail(err, s, "events: stopped by a signal");
  if (s != TC_OK)
    return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (coverage evidence)");
  return TC_OK;
}

/* Pass 1 shares a slice out by vessel on two threads when it is this large, in this
 * many shares (small enough that the anchorages beside them leave the threads even). */
#define PASS1_SPLIT_ROWS 16384
#define PASS1_SHARES 6

/* A vessel's rows of one slice: rows [i0, i1) of vessel k. */
typedef struct {
  size_t i0, i1, k;
} vrun;

/* What one share of pass 1's vessels found in a slice, merged after the slice. */
typedef struct {
  drop *drops;
  size_t n_drops, cap_drops;
  tc_gap_rec *gaps;
  size_t *gap_row;        /* each gap's row: the merge restores the order of one pass */
  size_t n_gaps, cap_gaps, cap_gap_row;
  tc_event_lists found;
  uint64_t dropped, positions;
  tc_status s;
  const char *what;       /* what ran out of memory */
} share;

static void share_free(share *o) {
  free(o->drops);
  free(o->gaps);
  free(o->gap_row);
  tc_event_lists_free(&o->found);
}

/* A fix the teleport filter dropped, to the share's list. 0: out of memory. */
static int drop_fix(share *o, int64_t t, uint32_t mmsi) {
  drop *d = tc_grow(o->drops, &o->cap_drops, o->n_drops + 1, sizeof *d, 64);
  if (!d)
    return 0;
  o->drops = d;
  d[o->n_drops++] = (drop){t, mmsi};
  o->dropped++;
  return 1;
}

/* A gap from the kept fix h to row i's (t, la, lo). 0: out of memory. */
static int add_gap(share *o, uint32_t mmsi, const hot_fix *h, int64_t t, double la, double lo, size_t i) {
  tc_gap_rec *g = tc_grow(o->gaps, &o->cap_gaps, o->n_gaps + 1, sizeof *g, 64);
  size_t *gr = g ? tc_grow(o->gap_row, &o->cap_gap_row, o->n_gaps + 1, sizeof *gr, 64) : NULL;
  if (g)
    o->gaps = g;
  if (!gr)
    return 0;
  o->gap_row = gr;
  memset(&g[o->n_gaps], 0, sizeof *g);
  g[o->n_gaps].g = (tc_gap){mmsi, h->t, t, h->la, h->lo, la, lo, tc_haversine_m(h->la, h->lo, la, lo), 0, 0};
  gr[o->n_gaps++] = i;
  return 1;
}

/* Pass 1 over the runs of vessels k with k % nshares == part, in row order: the
 * teleport filter, loitering and gaps, each vessel on its own state only. Within a
 * run the rows that only move the last kept fix go by in tc_easy_rows_*; the others (a
 * vessel's first fix, a teleport, a grid time reached, a gap) take the whole test
 * here, one by one. Inline in a variant for AVX2 (avx2 = 1) and one for any CPU. */
static inline __attribute__((always_inline)) void runs_body(tc_events *r, const tc_columns *c, const vrun *runs,
                                                            size_t nruns, size_t part, size_t nshares, share *o,
                                                            int avx2) {
  (void)avx2;
  const int64_t max_gap = r->p.max_gap, gap_min = r->gap_min;
  const double mps = r->mps;
  /* easy rows: 0 < dt < gap_min, and dt < max_gap where the filter applies (max_gap 0:
   * nowhere); none when that leaves no dt (span 0) */
  const int64_t easy_dt = mps != 0 && max_gap > 0 && max_gap < gap_min ? max_gap : gap_min;
  const uint64_t span = easy_dt > 1 ? (uint64_t)easy_dt - 1 : 0;
  const double k = mps != 0 ? EASY_BOUND / mps : 0.0;
  const int loiter = r->e.kinds & TC_EV_LOITER;
  const double limit = tc_loiter_limit_m(&r->lc);
  const int64_t *ct = c->t;
  const double *cla = c->lat, *clo = c->lon;
  tc_easy_cols ec;
  tc_easy_cols_set(&ec, ct, cla, clo, span, k);
  for (size_t q = 0; q < nruns; q++) {
    if (runs[q].k % nshares != part)
      continue;
    last_fix *v = &r->vs.v[runs[q].k];
    tc_loiter_state *ls = loiter ? &r->ls[runs[q].k] : NULL;
    const uint32_t mmsi = v->mmsi;
    hot_fix h = {v->lt, v->la, v->lo};
    size_t i = runs[q].i0;
    const size_t i1 = runs[q].i1;
    int after_row = 0; /* h is row i - 1 (the easy rows' scan then tests row i as the rest) */
    if (h.t == INT64_MIN && i < i1) { /* the vessel's first fix: kept, no gap before it */
      if (loiter && tc_loiter_fix_grid(&r->lc, ls, mmsi, h.t, h.la, h.lo, ct[i], cla[i], clo[i], &o->found,
                                       &o->positions) != TC_OK) {
        o->s = TC_ERR_NOMEM, o->what = "loitering runs";
        return;
      }
      h = (hot_fix){ct[i], cla[i], clo[i]};
      i++;
      after_row = 1;
    }
    int64_t gn = loiter ? ls->gn : INT64_MAX;
    while (i < i1) {
      int grid; /* row i passed tc_easy_ok: kept, no gap, only a grid time reached */
      if (!after_row) { /* h is not row i - 1: row i against it */
        grid = tc_easy_ok(ct[i] - h.t, cla[i] - h.la, clo[i] - h.lo, span, k);
        if (grid && ct[i] < gn) {
          h = (hot_fix){ct[i], cla[i], clo[i]};
          if (loiter)
            ls->gl = h.t;
          i++;
          after_row = 1;
          continue;
        }
      } else {
#ifdef TC_EASY_AVX2
        size_t e = avx2 ? tc_easy_rows_avx2(&ec, i, i1, gn, &grid) : tc_easy_rows_plain(&ec, i, i1, gn, &grid);
#else
        size_t e = tc_easy_rows_plain(&ec, i, i1, gn, &grid);
#endif
        if (e > i) {
          h = (hot_fix){ct[e - 1], cla[e - 1], clo[e - 1]};
          if (loiter)
            ls->gl = h.t;
        }
        if ((i = e) == i1)
          break;
      }
      const int64_t t = ct[i], dt = t - h.t;
      const double la = cla[i], lo = clo[i];
      i++;
      if (!grid && !tc_teleport_keep(dt, h.la, h.lo, la, lo, max_gap, mps)) {
        if (!drop_fix(o, t, mmsi)) {
          o->s = TC_ERR_NOMEM, o->what = "teleports";
          return;
        }
        after_row = 0;
        continue;
      }
      if (loiter) {
        tc_status ls_s = TC_OK;
        if (grid) /* kept, t >= gn: nearly always one position, inline */
          ls_s = tc_loiter_fix_grid_reached(&r->lc, ls, mmsi, h.t, h.la, h.lo, t, la, lo, limit, &o->found,
                                            &o->positions);
        else if (dt > 0 && t < gn)
          ls->gl = t;
        else /* rare: a first fix after a teleport, one not after the last, a gap */
          ls_s = tc_loiter_fix_grid(&r->lc, ls, mmsi, h.t, h.la, h.lo, t, la, lo, &o->found, &o->positions);
        if (ls_s != TC_OK) {
          o->s = TC_ERR_NOMEM, o->what = "loitering runs";
          return;
        }
        gn = ls->gn;
      }
      if (dt >= gap_min && !add_gap(o, mmsi, &h, t, la, lo, i - 1)) {
        o->s = TC_ERR_NOMEM, o->what = "gaps";
        return;
      }
      h = (hot_fix){t, la, lo};
      after_row = 1;
    }
    v->lt = h.t;
    v->la = h.la;
    v->lo = h.lo;
  }
}

#ifdef TC_EASY_AVX2
__attribute__((target("avx2"))) static void runs_pass1_avx2(tc_events *r, const tc_columns *c, const vrun *runs,
                                                            size_t nruns, size_t part, size_t nshares, share *o) {
  runs_body(r, c, runs, nruns, part, nshares, o, 1);
}
#endif

static void runs_pass1(tc_events *r, const tc_columns *c, const vrun *runs, size_t nruns, size_t part,
                       size_t nshares, share *o) {
#ifdef TC_EASY_AVX2
  if (__builtin_cpu_supports("avx2")) {
    runs_pass1_avx2(r, c, runs, nruns, part, nshares, o);
    return;
  }
#endif
  runs_body(r, c, runs, nruns, part, nshares, o, 0);
}

/* The shares' findings into r: gaps in row order (as one pass over the rows finds
 * them), the rest in any order (sorted later by keys that are unique). */
static tc_status merge_shares(tc_events *r, share *o, size_t n) {
  size_t at[PASS1_SHARES] = {0};
  for (;;) {
    size_t best = n;
    for (size_t j = 0; j < n; j++)
      if (at[j] < o[j].n_gaps && (best == n || o[j].gap_row[at[j]] < o[best].gap_row[at[best]]))
        best = j;
    if (best == n)
      break;
    tc_gap_rec *g = tc_grow(r->gaps, &r->cap_gaps, r->n_gaps + 1, sizeof *g, 256);
    if (!g)
      return TC_ERR_NOMEM;
    r->gaps = g;
    g[r->n_gaps++] = o[best].gaps[at[best]++];
  }
  for (size_t j = 0; j < n; j++) {
    r->st.teleport_dropped += o[j].dropped;
    r->st.grid_positions += o[j].positions;
    if (o[j].n_drops) {
      drop *d = tc_grow(r->drops, &r->cap_drops, r->n_drops + o[j].n_drops, sizeof *d, 64);
      if (!d)
        return TC_ERR_NOMEM;
      r->drops = d;
      memcpy(d + r->n_drops, o[j].drops, o[j].n_drops * sizeof *d);
      r->n_drops += o[j].n_drops;
    }
    if (o[j].found.n_loiter) {
      size_t n = o[j].found.n_loiter;
      tc_loiter *x = tc_grow(r->found.loiter, &r->found.cap_loiter, r->found.n_loiter + n, sizeof *x, 256);
      if (!x)
        return TC_ERR_NOMEM;
      r->found.loiter = x;
      memcpy(x + r->found.n_loiter, o[j].found.loiter, n * sizeof *x);
      r->found.n_loiter += n;
    }
  }
  return TC_OK;
}

/* Every kept fix of one slice to pass 1's detectors or pass 2's index. */
static tc_status slice(tc_events *r, const tc_columns *c, int second, tc_err *err) {
  if (second)
    return r->cov ? slice2(r, c, err) : TC_OK;
  tc_event_stats *st = &r->st;
  int loiter = r->e.kinds & TC_EV_LOITER;
  st->reads++;
  st->fixes_read += c->n;
  /* rows come vessel by vessel: the table is looked up once per vessel's run, here,
   * so that the runs' work needs no shared table */
  vrun *runs = NULL;
  size_t nruns = 0, cap_runs = 0;
  const uint32_t *mm = c->mmsi;
  const size_t rows = c->n;
#ifdef TC_EASY_AVX2
  const int avx2 = __builtin_cpu_supports("avx2");
#endif
  for (size_t i = 0, j; i < rows; i = j) {
    const uint32_t m = mm[i];
#ifdef TC_EASY_AVX2
    j = avx2 ? tc_run_end_avx2(mm, i + 1, rows, m) : tc_run_end_plain(mm, i + 1, rows, m);
#else
    j = tc_run_end_plain(mm, i + 1, rows, m);
#endif
    size_t k;
    vrun *x = tc_grow(runs, &cap_runs, nruns + 1, sizeof *x, 1024);
    if (!x || !vessel(&r->vs, c->mmsi[i], &k)) {
      free(x ? x : runs);
      return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (vessel table)");
    }
    runs = x;
    runs[nruns++] = (vrun){i, j, k};
  }
  if (loiter && r->vs.map.n > r->n_ls) {
    size_t n = r->vs.map.n;
    tc_loiter_state *ls = tc_grow(r->ls, &r->cap_ls, n, sizeof *ls, 1024);
    if (!ls) {
      free(runs);
      return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (loitering)");
    }
    r->ls = ls;
    memset(ls + r->n_ls, 0, (n - r->n_ls) * sizeof *ls);
    r->n_ls = n;
  }
  /* On two threads: the other consumer of the slice (the anchorages) and shares of the
   * vessels, taken in turn as each thread comes free. */
  int nt = tc_params_threads(&r->p) > 1 && c->n >= PASS1_SPLIT_ROWS && nruns > 1 ? 2 : 1;
  size_t nsh = nt > 1 ? PASS1_SHARES : 1;
  share o[PASS1_SHARES];
  memset(o, 0, sizeof o);
  tc_err also_err;
  tc_err_clear(&also_err);
  tc_status also_s = TC_OK;
  long long items = (long long)nsh + 1;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (nt > 1)
#endif
  for (long long it = 0; it < items; it++) {
    if (it == 0) {
      if (r->also)
        also_s = r->also(r->also_ctx, c, &also_err);
    } else {
      runs_pass1(r, c, runs, nruns, (size_t)(it - 1), nsh, &o[it - 1]);
    }
  }
  free(runs);
  tc_status s = TC_OK;
  if (also_s != TC_OK) {
    s = also_s;
    if (err)
      *err = also_err;
  }
  for (size_t j = 0; j < nsh && s == TC_OK; j++)
    if (o[j].s != TC_OK)
      s = tc_fail(err, o[j].s, "events: out of memory (%s)", o[j].what);
  if (s == TC_OK && merge_shares(r, o, nsh) != TC_OK)
    s = tc_fail(err, TC_ERR_NOMEM, "events: out of memory (pass 1)");
  for (size_t j = 0; j < nsh; j++)
    share_free(&o[j]);
  return s;
}

static tc_status stopped(const tc_events *r, tc_err *err) {
  return r->e.stop && r->e.stop(r->e.stop_ctx) ? tc_fail(err, TC_ERR_CANCELLED, "events: stopped by a signal") : TC_OK;
}

/* Pass 2 over the slices pass 1 kept, each freed once screened; the gaps are completed
 * at the end (their summaries do not depend on when). */
static tc_status pass2_kept(tc_events *r, tc_gap_finisher *f, tc_err *err) {
  tc_status s = TC_OK;
  while (s == TC_OK && r->kept) {
    struct kept *k = r->kept;
    if ((s = stopped(r, err)) != TC_OK)
      break;
    s = slice(r, &k->c, 1, err);
    r->kept = k->next;
    tc_columns_free(&k->c);
    free(k);
  }
  r->kept_last = r->kept ? r->kept_last : NULL;
  return s == TC_OK ? tc_gap_finisher_run(f, INT64_MAX) : s;
}

/* Pass 2: the whole source (or the slices pass 1 kept), the gaps completed as it goes. */
static tc_status pass2(tc_events *r, const tc_bucket_source *src, tc_err *err) {
  tc_gap_finisher *f;
  tc_status s = tc_gap_finisher_create(r->gaps, r->n_gaps, &r->dark, r->e.coverage_window, r->e.dark_min_coverage,
                                       tc_params_threads(&r->p), &f);
  if (s == TC_OK && !r->kept_off)
    s = pass2_kept(r, f, err);
  else
    for (; s == TC_OK;) {
      if ((s = stopped(r, err)) != TC_OK)
        break;
      int64_t t_end;
      int eof = 0;
      if ((s = src->next(src->ctx, &r->cols, &t_end, &eof, err)) != TC_OK)
        break;
      if (eof) {
        s = tc_gap_finisher_run(f, INT64_MAX);
        break;
      }
      if ((s = slice(r, &r->cols, 1, err)) != TC_OK)
        break;
      s = tc_gap_finisher_run(f, t_end);
    }
  if (s == TC_ERR_NOMEM && err && !err->msg[0])
    tc_fail(err, s, "events: out of memory (coverage evidence)");
  tc_gap_finisher_free(f);
  return s;
}

tc_status tc_events_create(const tc_params *p, const tc_event_params *e, tc_events **out, tc_err *err) {
  *out = NULL;
  TC_TRY(tc_params_check(p, err));
  TC_TRY(tc_event_params_check(e, err));
  tc_events *r = calloc(1, sizeof *r);
  if (!r)
    return tc_fail(err, TC_ERR_NOMEM, "events: out of memory");
  r->p = *p;
  r->e = *e;
  r->mps = p->max_implied_speed_kn > 0 ? p->max_implied_speed_kn * TC_KNOT_MPS : 0;
  r->gap_min = e->kinds & TC_EV_GAPS ? e->min_gap : INT64_MAX;
  if ((e->kinds & TC_EV_DARK) && e->dark_min_gap < r->gap_min)
    r->gap_min = e->dark_min_gap;
  r->lc = (tc_loiter_cfg){p->slot, p->max_gap, e->min_loiter, e->loiter_speed_kn, NULL, NULL};
  r->kept_off = r->gap_min == INT64_MAX; /* no gap, no pass 2 */
  tc_columns_init(&r->cols);
  tc_event_lists_init(&r->found);
  *out = r;
  return TC_OK;
}

void tc_events_free(tc_events *r) {
  if (!r)
    return;
  vessels_free(&r->vs);
  for (size_t k = 0; k < r->n_ls; k++)
    tc_loiter_state_free(&r->ls[k]);
  free(r->ls);
  tc_cov_free(r->cov);
  tc_dark_cands_free(&r->dark);
  for (size_t i = 0; i < r->n_gaps; i++)
    tc_cov_release(&r->gaps[i]);
  free(r->gaps);
  free(r->drops);
  kept_free(r);
  tc_columns_free(&r->cols);
  tc_event_lists_free(&r->found);
  free(r);
}

void tc_events_also(tc_events *r, tc_events_slice_fn fn, void *ctx) {
  r->also = fn;
  r->also_ctx = ctx;
}

static tc_status feed(tc_events *r, const tc_columns *c, tc_columns *take, tc_err *err) {
  if (r->finished)
    return tc_fail(err, TC_ERR_INTERNAL, "events: a slice fed after the first pass ended");
  double t0 = tc_clock_wall();
  tc_status s = slice(r, c, 0, err); /* the other consumer too */
  if (s == TC_OK && (take ? keep_take(r, take) : keep_copy(r, c)) != TC_OK)
    s = tc_fail(err, TC_ERR_NOMEM, "events: out of memory (fixes kept for pass 2)");
  r->st.t_pass1 += tc_clock_wall() - t0;
  return s;
}

tc_status tc_events_feed(tc_events *r, const tc_columns *c, tc_err *err) { return feed(r, c, NULL, err); }

tc_status tc_events_feed_take(tc_events *r, tc_columns *c, tc_err *err) { return feed(r, c, c, err); }

static tc_status tee_next(void *vctx, tc_columns *cols, int64_t *t_end, int *eof, tc_err *err) {
  tc_events_tee_ctx *c = vctx;
  TC_TRY(c->inner->next(c->inner->ctx, cols, t_end, eof, err));
  return *eof ? TC_OK : tc_events_feed_take(c->ev, cols, err);
}

tc_bucket_source tc_events_tee(tc_events_tee_ctx *ctx, const tc_bucket_source *inner, tc_events *ev) {
  ctx->inner = inner;
  ctx->ev = ev;
  tc_bucket_source s = {ctx, tee_next, 1};
  return s;
}

tc_status tc_events_finish(tc_events *r, const tc_bucket_source *pass2_src,
                           const tc_encounter_list *enc, tc_event_lists *out,
                           tc_event_stats *stats, tc_err *err) {
  const tc_event_params *e = &r->e;
  tc_status s = TC_OK;
  size_t n_loiter0 = out->n_loiter, n_gaps0 = out->n_gaps;
  double t0 = tc_clock_wall();
  if (r->finished)
    return tc_fail(err, TC_ERR_INTERNAL, "events: finished twice");
  r->finished = 1;
  for (size_t k = 0; k < r->n_ls; k++)
    if (tc_loiter_finish(&r->lc, &r->ls[k], r->vs.v[k].mmsi, &r->found) != TC_OK)
      return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (loitering runs)");
  r->st.t_pass1 += tc_clock_wall() - t0;
  for (size_t i = 0; i < r->found.n_loiter; i++) {
    tc_loiter *x = tc_grow(out->loiter, &out->cap_loiter, out->n_loiter + 1, sizeof *x, 256);
    if (!x)
      return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (loitering list)");
    out->loiter = x;
    x[out->n_loiter++] = r->found.loiter[i];
  }
  if (out->n_loiter - n_loiter0) /* the C library wants a non-NULL base even for none */
    qsort(out->loiter + n_loiter0, out->n_loiter - n_loiter0, sizeof *out->loiter, cmp_loiter);
  if (!r->n_gaps)
    kept_free(r); /* no coverage to take */
  if (r->n_gaps) {
    t0 = tc_clock_wall();
    vessels_free(&r->vs);
    /* the pairs come from the gaps alone, so pass 2 knows every span it must cover */
    if ((e->kinds & TC_EV_DARK) && (s = tc_dark_pairs(r->gaps, r->n_gaps, e, &r->dark, &r->st)) != TC_OK)
      return tc_fail(err, s, "events: out of memory (dark rendezvous pairs)");
    tc_cov_plan(r->gaps, r->n_gaps, e->kinds & TC_EV_GAPS ? e->min_gap : INT64_MAX, &r->dark,
                e->coverage_window);
    if ((s = tc_cov_create(r->gaps, r->n_gaps, e->coverage_radius_m, e->coverage_window, &r->cov)) != TC_OK)
      return tc_fail(err, s, "events: out of memory (coverage index)");
    tc_cov_set_stop(r->cov, e->stop, e->stop_ctx);
    tc_err_clear(err);
    TC_TRY(pass2(r, pass2_src, err));
    r->st.t_pass2 = tc_clock_wall() - t0;
  }
  if (e->kinds & TC_EV_GAPS) {
    for (size_t i = 0; i < r->n_gaps; i++) {
      tc_gap_rec *g = &r->gaps[i];
      if (g->g.t1 - g->g.t0 < e->min_gap)
        continue; /* coverage and others_seen were taken as pass 2 completed it */
      tc_gap *x = tc_grow(out->gaps, &out->cap_gaps, out->n_gaps + 1, sizeof *x, 256);
      if (!x)
        return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (gap list)");
      out->gaps = x;
      x[out->n_gaps++] = g->g;
    }
    if (out->n_gaps - n_gaps0) /* the C library wants a non-NULL base even for none */
      qsort(out->gaps + n_gaps0, out->n_gaps - n_gaps0, sizeof *out->gaps, cmp_gap);
  }
  if (e->kinds & TC_EV_DARK) {
    TC_TRY(stopped(r, err));
    t0 = tc_clock_wall();
    tc_err_clear(err);
    if ((s = tc_dark_find(r->gaps, e, enc, tc_params_threads(&r->p), &r->dark, out, &r->st, err)) != TC_OK) {
      if (!err || !err->msg[0])
        tc_fail(err, s, "events: out of memory (dark rendezvous)");
      return s;
    }
    r->st.t_dark = tc_clock_wall() - t0;
  }
  *stats = r->st;
  return TC_OK;
}

tc_status tc_events_run(const tc_bucket_source *pass1, const tc_bucket_source *pass2_src,
                        const tc_params *p, const tc_event_params *e,
                        const tc_encounter_list *enc, tc_event_lists *out,
                        tc_event_stats *stats, tc_err *err) {
  memset(stats, 0, sizeof *stats);
  tc_events *r;
  TC_TRY(tc_events_create(p, e, &r, err));
  tc_status s;
  for (;;) {
    int64_t t_end;
    int eof = 0;
    if ((s = pass1->next(pass1->ctx, &r->cols, &t_end, &eof, err)) != TC_OK || eof)
      break;
    if ((s = tc_events_feed_take(r, &r->cols, err)) != TC_OK)
      break;
  }
  if (s == TC_OK)
    s = tc_events_finish(r, pass2_src, enc, out, stats, err);
  tc_events_free(r);
  return s;
}

tc_status tc_events_adopt(tc_events *r, const tc_loiter *loiter, size_t n_loiter, const tc_gap *gaps,
                          size_t n_gaps, const tc_event_stats *st, tc_err *err) {
  if (r->finished || r->vs.map.n || r->found.n_loiter || r->n_gaps)
    return tc_fail(err, TC_ERR_INTERNAL, "events: pass 1 adopted by an object already fed");
  for (size_t i = 0; i < n_loiter; i++) {
    tc_loiter *x = tc_grow(r->found.loiter, &r->found.cap_loiter, r->found.n_loiter + 1, sizeof *x, 256);
    if (!x)
      return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (loitering list)");
    r->found.loiter = x;
    x[r->found.n_loiter++] = loiter[i];
  }
  if (n_gaps) {
    tc_gap_rec *g = tc_grow(r->gaps, &r->cap_gaps, n_gaps, sizeof *g, 256);
    if (!g)
      return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (gaps)");
    r->gaps = g;
    memset(g, 0, n_gaps * sizeof *g);
    for (size_t i = 0; i < n_gaps; i++)
      g[i].g = gaps[i];
    r->n_gaps = n_gaps;
  }
  r->st = *st;
  r->kept_off = 1; /* pass 2 reads the evidence given */
  return TC_OK;
}
