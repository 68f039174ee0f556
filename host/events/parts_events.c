/* The events of a run split into time parts (parts_events.h). */
#include "host/events/parts_events.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/engine/grow.h"
#include "host/engine/source_multi.h"
#include "host/events/internal.h"
#include "io/clock.h"
#include "kernels/geo.h"


/* The shortest gap pass 1 keeps, as tc_events_create decides it. */
static int64_t gap_keep(const tc_event_params *e) {
  int64_t g = e->kinds & TC_EV_GAPS ? e->min_gap : INT64_MAX;
  if ((e->kinds & TC_EV_DARK) && e->dark_min_gap < g)
    g = e->dark_min_gap;
  return g;
}

void tc_evp_part_init(tc_evp_part *r) {
  memset(r, 0, sizeof *r);
  tc_event_lists_init(&r->found);
  r->own.t_end = r->next.t_end = INT64_MIN;
}

void tc_evp_part_free(tc_evp_part *r) {
  if (!r)
    return;
  tc_event_lists_free(&r->found);
  free(r->runs);
  free(r->pos);
  free(r->ends);
  free(r->drops);
  tc_evp_part_init(r);
}

tc_status tc_evp_plan(tc_store *const *stores, size_t n, const tc_params *p, unsigned k, tc_part *parts,
                      tc_err *err) {
  tc_params whole = *p;
  whole.from = INT64_MIN;
  whole.to = INT64_MAX;
  return tc_parts_plan(stores, n, &whole, k, TC_PARTS_LEAD_IN(p->max_gap), parts, err);
}

/* ---- pass 1 of a part ---- */

/* A vessel as a part sees it. */
typedef struct {
  uint32_t mmsi;
  unsigned passed;       /* bit j: taken into snapshot j */
  int has_own;           /* a kept fix of the part seen */
  int64_t lt;            /* last kept fix (INT64_MIN: none) */
  double la, lo;
  tc_evp_ends ends;
  tc_loiter_state ls;
  tc_loiter_pos *run;    /* the open loitering run of the part's own grid times */
  size_t rn, rcap;
  int head;              /* it starts at the part's first grid time */
} pvessel;

/* The teleport filter's state just before time T, vessel by vessel (whatever the
 * slices of the source: each vessel is taken before its first fix at or after T):
 * the vessels whose last kept fix is at most max_gap before T, hashed in any order.
 * From T on, two runs whose states agree keep the same fixes, interpolate the same
 * grid positions (a fix max_gap or more after the last kept one is kept whatever came
 * before, and interpolation needs one at most max_gap before) and find the same gaps. */
typedef struct {
  int64_t T;             /* INT64_MIN / INT64_MAX: none */
  int done;
  tc_part_snap snap;
} tracker;

static uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

static uint64_t dbits(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

static void take(tracker *k, const pvessel *v, int64_t max_gap) {
  if (v->lt == INT64_MIN || v->lt < k->T - max_gap)
    return;
  k->snap.vessels++;
  k->snap.hash += mix(mix(((uint64_t)v->mmsi << 32) ^ (uint64_t)v->lt) ^ mix(dbits(v->la)) ^ dbits(v->lo));
}

typedef struct {
  const tc_part *part;
  int has_before;        /* a part before this one (heads possible) */
  tc_loiter_cfg lc;
  int64_t gap_min;
  double mps;
  tc_evp_part *r;
  pvessel *v;
  size_t nv, capv;
  tc_ev_vmap map;
  size_t last;           /* the vessel of the row before */
  pvessel *cur;          /* the vessel whose fix the loitering code is given */
  tc_event_lists scratch; /* tc_loiter_fix's (unused: its positions come to on_judged) */
  tracker trk[2];        /* at check_at, at next_check */
} pctx;

static tc_status push_pos(tc_loiter_pos **v, size_t *n, size_t *cap, const tc_loiter_pos *x) {
  tc_loiter_pos *g = tc_grow(*v, cap, *n + 1, sizeof *g, 64);
  if (!g)
    return TC_ERR_NOMEM;
  *v = g;
  g[(*n)++] = *x;
  return TC_OK;
}

/* The vessel's open run is over: judged here, or kept whole for the stitch when it
 * may continue one of the part before (head) or go on in the part after (tail). */
static tc_status flush(pctx *c, pvessel *v, int at_end) {
  if (!v->rn)
    return TC_OK;
  const tc_part *pt = c->part;
  int tail = at_end && pt->s_hi != INT64_MAX && v->run[v->rn - 1].g == pt->s_hi - c->lc.slot;
  tc_evp_part *r = c->r;
  tc_status s = TC_OK;
  if (v->head || tail) {
    tc_evp_run *x = tc_grow(r->runs, &r->cap_runs, r->n_runs + 1, sizeof *x, 64);
    tc_evp_pos *y = x ? tc_grow(r->pos, &r->cap_pos, r->n_pos + v->rn, sizeof *y, 256) : NULL;
    if (x)
      r->runs = x;
    if (!y)
      return TC_ERR_NOMEM;
    r->pos = y;
    x[r->n_runs++] = (tc_evp_run){v->mmsi, (v->head ? TC_EVP_HEAD : 0u) | (tail ? TC_EVP_TAIL : 0u),
                                  r->n_pos, v->rn};
    for (size_t i = 0; i < v->rn; i++)
      y[r->n_pos++] = (tc_evp_pos){v->run[i].g, v->run[i].lat, v->run[i].lon, v->run[i].speed};
  } else {
    s = tc_loiter_run_event(&c->lc, v->mmsi, v->run, v->rn, &r->found);
  }
  v->rn = 0;
  return s;
}

/* A grid position of the current vessel with its slot speed decided: only the part's
 * own grid times count, and they are the single run's. */
static tc_status on_judged(void *ctx, uint32_t mmsi, int64_t g, double lat, double lon, double speed) {
  pctx *c = ctx;
  pvessel *v = c->cur;
  (void)mmsi;
  if (g < c->part->s_lo || g >= c->part->s_hi)
    return TC_OK;
  c->r->stats.grid_positions++;
  int loiter = !isnan(speed) && speed < c->lc.speed_kn; /* spec §1 */
  if (v->rn && (!loiter || g != v->run[v->rn - 1].g + c->lc.slot))
    TC_TRY(flush(c, v, 0));
  if (!loiter)
    return TC_OK;
  if (!v->rn)
    v->head = c->has_before && g == c->part->s_lo;
  tc_loiter_pos x = {g, lat, lon, speed};
  return push_pos(&v->run, &v->rn, &v->rcap, &x);
}

static pvessel *vessel_of(pctx *c, uint32_t mmsi) {
  /* rows come vessel by vessel: most are the vessel of the row before */
  if (c->last < c->nv && c->v[c->last].mmsi == mmsi)
    return &c->v[c->last];
  int fresh;
  size_t k = tc_ev_vmap_get(&c->map, mmsi, &fresh);
  if (k == SIZE_MAX)
    return NULL;
  if (fresh) {
    pvessel *v = tc_grow(c->v, &c->capv, k + 1, sizeof *v, 1024);
    if (!v)
      return NULL;
    c->v = v;
    memset(&v[k], 0, sizeof v[k]);
    v[k].mmsi = mmsi;
    v[k].lt = INT64_MIN;
    /* new after a snapshot was completed: nothing of it before that time */
    for (int j = 0; j < 2; j++)
      if (c->trk[j].done)
        v[k].passed |= 1u << j;
    c->nv = k + 1;
  }
  c->last = k;
  return &c->v[k];
}

static tc_status row(pctx *c, const tc_columns *col, size_t i, tc_err *err) {
  const tc_part *pt = c->part;
  tc_evp_part *r = c->r;
  pvessel *v = vessel_of(c, col->mmsi[i]);
  if (!v)
    return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (vessel table)");
  int64_t t = col->t[i];
  double la = col->lat[i], lo = col->lon[i];
  for (int j = 0; j < 2; j++)
    if (!c->trk[j].done && t >= c->trk[j].T && !(v->passed & (1u << j))) {
      take(&c->trk[j], v, c->lc.max_gap);
      v->passed |= 1u << j;
    }
  r->rows_read++;
  int own = t >= pt->s_lo && t < pt->s_hi;
  r->stats.fixes_read += (uint64_t)own;
  if (v->lt != INT64_MIN && !tc_teleport_keep(t - v->lt, v->la, v->lo, la, lo, c->lc.max_gap, c->mps)) {
    if (own) {
      r->stats.teleport_dropped++;
      tc_evp_drop *d = tc_grow(r->drops, &r->cap_drops, r->n_drops + 1, sizeof *d, 64);
      if (!d)
        return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (teleports)");
      r->drops = d;
      d[r->n_drops++] = (tc_evp_drop){t, v->mmsi};
    }
    return TC_OK;
  }
  if (c->lc.judged) {
    uint64_t positions = 0; /* counted in on_judged, the part's own only */
    c->cur = v;
    if (tc_loiter_fix(&c->lc, &v->ls, v->mmsi, v->lt, v->la, v->lo, t, la, lo, &c->scratch, &positions) != TC_OK)
      return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (loitering runs)");
  }
  if (own) {
    tc_evp_fix f = {t, la, lo};
    if (v->has_own && t - v->lt >= c->gap_min) {
      tc_gap *g = tc_grow(r->found.gaps, &r->found.cap_gaps, r->found.n_gaps + 1, sizeof *g, 256);
      if (!g)
        return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (gaps)");
      r->found.gaps = g;
      g[r->found.n_gaps++] = (tc_gap){v->mmsi, v->lt, t, v->la, v->lo, la, lo, tc_haversine_m(v->la, v->lo, la, lo), 0, 0};
    }
    if (!v->has_own)
      v->ends.first = f;
    v->ends.last = f;
    v->has_own = 1;
  }
  v->lt = t;
  v->la = la;
  v->lo = lo;
  return TC_OK;
}

/* Snapshot j complete: every fix before its time has come. */
static void complete(pctx *c, int j) {
  tracker *k = &c->trk[j];
  if (k->done)
    return;
  for (size_t i = 0; i < c->nv; i++)
    if (!(c->v[i].passed & (1u << j))) {
      take(k, &c->v[i], c->lc.max_gap);
      c->v[i].passed |= 1u << j;
    }
  k->done = 1;
  k->snap.t_end = k->T;
}

static int cmp_drop(const void *pa, const void *pb) {
  const tc_evp_drop *a = pa, *b = pb;
  if (a->mmsi != b->mmsi)
    return a->mmsi < b->mmsi ? -1 : 1;
  return (a->t > b->t) - (a->t < b->t);
}

static tc_status part_pass1(pctx *c, tc_bucket_source *src, tc_err *err) {
  const tc_part *pt = c->part;
  /* past s_hi until every own grid time's slot speed is decided: the next grid time's
   * position needs a kept fix at most max_gap after the one before it */
  int64_t stop = pt->s_hi == INT64_MAX ? INT64_MAX : pt->s_hi + c->lc.max_gap + c->lc.slot;
  tc_columns col;
  tc_columns_init(&col);
  tc_status s = TC_OK;
  for (;;) {
    int64_t t_end;
    int eof = 0;
    if ((s = src->next(src->ctx, &col, &t_end, &eof, err)) != TC_OK || eof)
      break;
    c->r->stats.reads++;
    for (size_t i = 0; s == TC_OK && i < col.n; i++)
      s = row(c, &col, i, err);
    if (s != TC_OK)
      break;
    for (int j = 0; j < 2; j++)
      if (t_end >= c->trk[j].T)
        complete(c, j);
    if (t_end >= stop)
      break;
  }
  tc_columns_free(&col);
  if (s != TC_OK)
    return s;
  for (int j = 0; j < 2; j++)
    if (c->trk[j].T != INT64_MIN && c->trk[j].T != INT64_MAX)
      complete(c, j);
  /* the vessels' last grid positions, then their open runs and ends */
  tc_evp_part *r = c->r;
  for (size_t i = 0; i < c->nv; i++) {
    pvessel *v = &c->v[i];
    c->cur = v;
    if (c->lc.judged && (s = tc_loiter_finish(&c->lc, &v->ls, v->mmsi, &c->scratch)) == TC_OK)
      s = flush(c, v, 1);
    if (s != TC_OK)
      return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (loitering runs)");
    if (v->has_own) {
      tc_evp_ends *x = tc_grow(r->ends, &r->cap_ends, r->n_ends + 1, sizeof *x, 1024);
      if (!x)
        return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (vessel ends)");
      r->ends = x;
      v->ends.mmsi = v->mmsi;
      x[r->n_ends++] = v->ends;
    }
  }
  if (r->n_drops)
    qsort(r->drops, r->n_drops, sizeof *r->drops, cmp_drop);
  r->own = c->trk[0].snap;
  r->next = c->trk[1].snap;
  return TC_OK;
}

tc_status tc_evp_part_run(tc_store *const *stores, size_t n, const tc_part *part, int from_start,
                          const tc_params *p, const tc_event_params *e, tc_evp_part *r, tc_err *err) {
  tc_evp_part_free(r);
  r->from_start = from_start || part->read_from == INT64_MIN;
  if (part->s_lo >= part->s_hi)
    return TC_OK; /* an empty part: nothing of its own, nothing checked */
  double w0 = tc_clock_wall(), c0 = tc_clock_cpu();
  pctx c;
  memset(&c, 0, sizeof c);
  c.part = part;
  c.has_before = part->s_lo != INT64_MIN && part->read_from != INT64_MIN;
  c.lc = (tc_loiter_cfg){p->slot, p->max_gap, e->min_loiter, e->loiter_speed_kn, NULL, NULL};
  if (e->kinds & TC_EV_LOITER) {
    c.lc.judged = on_judged;
    c.lc.judged_ctx = &c;
  }
  c.gap_min = gap_keep(e);
  c.mps = p->max_implied_speed_kn > 0 ? p->max_implied_speed_kn * TC_KNOT_MPS : 0;
  c.r = r;
  c.trk[0].T = part->check_at;
  c.trk[1].T = part->next_check;
  for (int j = 0; j < 2; j++) {
    c.trk[j].snap.t_end = INT64_MIN;
    c.trk[j].done = c.trk[j].T == INT64_MIN || c.trk[j].T == INT64_MAX; /* none to take */
  }
  tc_event_lists_init(&c.scratch);
  tc_multi_source *m = NULL;
  tc_status s = tc_multi_source_create(stores, n, tc_params_threads(p), &m, err);
  if (s == TC_OK) {
    if (!r->from_start)
      tc_multi_source_seek(m, part->read_from);
    tc_bucket_source src = tc_multi_source_get(m);
    s = part_pass1(&c, &src, err);
  }
  tc_multi_source_free(m);
  for (size_t i = 0; i < c.nv; i++) {
    tc_loiter_state_free(&c.v[i].ls);
    free(c.v[i].run);
  }
  free(c.v);
  tc_ev_vmap_free(&c.map);
  tc_event_lists_free(&c.scratch);
  r->t_wall = tc_clock_wall() - w0;
  r->t_cpu = tc_clock_cpu() - c0;
  r->stats.t_pass1 = r->t_wall;
  return s;
}

/* ---- the stitch ---- */

typedef struct {
  uint32_t mmsi;
  unsigned part;
  size_t i;
} ref;

static int cmp_ref(const void *pa, const void *pb) {
  const ref *a = pa, *b = pb;
  if (a->mmsi != b->mmsi)
    return a->mmsi < b->mmsi ? -1 : 1;
  if (a->part != b->part)
    return a->part < b->part ? -1 : 1;
  return (a->i > b->i) - (a->i < b->i);
}

static tc_status stitch_loiter(const tc_params *p, const tc_event_params *e, const tc_evp_part *const *parts,
                               unsigned k, tc_event_lists *out) {
  size_t n = 0;
  for (unsigned i = 0; i < k; i++)
    n += parts[i]->n_runs;
  ref *rf = malloc((n ? n : 1) * sizeof *rf);
  if (!rf)
    return TC_ERR_NOMEM;
  n = 0;
  for (unsigned i = 0; i < k; i++)
    for (size_t j = 0; j < parts[i]->n_runs; j++)
      rf[n++] = (ref){parts[i]->runs[j].mmsi, i, j};
  if (n)
    qsort(rf, n, sizeof *rf, cmp_ref);
  tc_loiter_cfg lc = {p->slot, p->max_gap, e->min_loiter, e->loiter_speed_kn, NULL, NULL};
  tc_loiter_pos *buf = NULL;
  size_t nb = 0, cap = 0;
  int open = 0, tail = 0;
  tc_status s = TC_OK;
  for (size_t x = 0; s == TC_OK && x < n; x++) {
    const tc_evp_part *pt = parts[rf[x].part];
    const tc_evp_run *run = &pt->runs[rf[x].i];
    const tc_evp_pos *v = pt->pos + run->off;
    int joins = open && tail && rf[x - 1].mmsi == run->mmsi && (run->flags & TC_EVP_HEAD) &&
                buf[nb - 1].g + p->slot == v[0].g;
    if (open && !joins) { /* the run before is over */
      s = tc_loiter_run_event(&lc, rf[x - 1].mmsi, buf, nb, out);
      nb = 0;
    }
    for (uint64_t i = 0; s == TC_OK && i < run->n; i++) {
      tc_loiter_pos q = {v[i].g, v[i].lat, v[i].lon, v[i].speed};
      s = push_pos(&buf, &nb, &cap, &q);
    }
    open = 1;
    tail = (run->flags & TC_EVP_TAIL) != 0;
  }
  if (s == TC_OK && open)
    s = tc_loiter_run_event(&lc, rf[n - 1].mmsi, buf, nb, out);
  free(buf);
  free(rf);
  return s;
}

static tc_status stitch_gaps(const tc_event_params *e, const tc_evp_part *const *parts, unsigned k,
                             tc_event_lists *out) {
  int64_t gap_min = gap_keep(e);
  size_t n = 0;
  for (unsigned i = 0; i < k; i++)
    n += parts[i]->n_ends;
  ref *rf = malloc((n ? n : 1) * sizeof *rf);
  if (!rf)
    return TC_ERR_NOMEM;
  n = 0;
  for (unsigned i = 0; i < k; i++)
    for (size_t j = 0; j < parts[i]->n_ends; j++)
      rf[n++] = (ref){parts[i]->ends[j].mmsi, i, j};
  if (n)
    qsort(rf, n, sizeof *rf, cmp_ref);
  tc_status s = TC_OK;
  for (size_t x = 1; x < n && gap_min != INT64_MAX; x++) {
    if (rf[x].mmsi != rf[x - 1].mmsi)
      continue;
    const tc_evp_fix *a = &parts[rf[x - 1].part]->ends[rf[x - 1].i].last, *b = &parts[rf[x].part]->ends[rf[x].i].first;
    if (b->t - a->t < gap_min)
      continue;
    tc_gap *g = tc_grow(out->gaps, &out->cap_gaps, out->n_gaps + 1, sizeof *g, 256);
    if (!g) {
      s = TC_ERR_NOMEM;
      break;
    }
    out->gaps = g;
    g[out->n_gaps++] = (tc_gap){rf[x].mmsi, a->t, b->t, a->lat, a->lon, b->lat, b->lon,
                                tc_haversine_m(a->lat, a->lon, b->lat, b->lon), 0, 0};
  }
  free(rf);
  return s;
}

tc_status tc_evp_stitch(const tc_params *p, const tc_event_params *e, const tc_evp_part *const *parts,
                        unsigned k, tc_event_lists *out, tc_event_stats *st, tc_err *err) {
  for (unsigned i = 0; i < k; i++) {
    const tc_event_lists *f = &parts[i]->found;
    for (size_t j = 0; j < f->n_loiter; j++) {
      tc_loiter *x = tc_grow(out->loiter, &out->cap_loiter, out->n_loiter + 1, sizeof *x, 256);
      if (!x)
        return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (loitering list)");
      out->loiter = x;
      x[out->n_loiter++] = f->loiter[j];
    }
    for (size_t j = 0; j < f->n_gaps; j++) {
      tc_gap *x = tc_grow(out->gaps, &out->cap_gaps, out->n_gaps + 1, sizeof *x, 256);
      if (!x)
        return tc_fail(err, TC_ERR_NOMEM, "events: out of memory (gaps)");
      out->gaps = x;
      x[out->n_gaps++] = f->gaps[j];
    }
    const tc_event_stats *s = &parts[i]->stats;
    st->reads += s->reads;
    st->fixes_read += s->fixes_read;
    st->teleport_dropped += s->teleport_dropped;
    st->grid_positions += s->grid_positions;
    st->t_pass1 += s->t_pass1;
  }
  if (stitch_loiter(p, e, parts, k, out) != TC_OK || stitch_gaps(e, parts, k, out) != TC_OK)
    return tc_fail(err, TC_ERR_NOMEM, "events: out of memory stitching the parts");
  return TC_OK;
}

/* ---- pass 2 of a part: the evidence ---- */

/* The gaps' ends in cells of `cell` degrees of latitude and longitude, each end in
 * every cell that holds a point within the radius of it (the bound of
 * host/events/coverage.c's prefilter), sorted by cell: a fix looks in its own cell. */
typedef struct {
  uint64_t cell;
  uint32_t gap;
  uint32_t end;
} cell_end;

typedef struct {
  double cell, radius;
  int64_t ncols;
  cell_end *v;
  size_t n, cap;
} end_index;

static int cmp_cell(const void *pa, const void *pb) {
  const cell_end *a = pa, *b = pb;
  if (a->cell != b->cell)
    return a->cell < b->cell ? -1 : 1;
  if (a->gap != b->gap)
    return a->gap < b->gap ? -1 : 1;
  return (a->end > b->end) - (a->end < b->end);
}

static uint64_t cell_key(const end_index *ix, int64_t row, int64_t col) {
  col = ((col % ix->ncols) + ix->ncols) % ix->ncols;
  return (uint64_t)row * (uint64_t)ix->ncols + (uint64_t)col;
}

static int64_t row_of(const end_index *ix, double lat) { return (int64_t)floor((lat + 90.0) / ix->cell); }
static int64_t col_of(const end_index *ix, double lon) { return (int64_t)floor((lon + 180.0) / ix->cell); }

static tc_status index_end(end_index *ix, double lat, double lon, uint32_t gap, uint32_t end) {
  double dlat = ix->radius / TC_EARTH_R_M / TC_DEG2RAD * 1.001 + 1e-6;
  double lo_lat = fmax(-90.0, lat - dlat), hi_lat = fmin(90.0, lat + dlat);
  double pm = fmax(fabs(lo_lat), fabs(hi_lat)) * TC_DEG2RAD;
  double q = pm >= TC_PI / 2 ? 2.0 : sin(ix->radius / (2.0 * TC_EARTH_R_M)) / cos(pm);
  double dlon = q >= 1.0 ? 360.0 : 2.0 * asin(q) / TC_DEG2RAD * 1.001 + 1e-6;
  int64_t c0 = col_of(ix, lon - dlon), c1 = col_of(ix, lon + dlon);
  if (dlon >= 180.0 || c1 - c0 + 1 >= ix->ncols) {
    c0 = 0;
    c1 = ix->ncols - 1;
  }
  for (int64_t r = row_of(ix, lo_lat); r <= row_of(ix, hi_lat); r++)
    for (int64_t c = c0; c <= c1; c++) {
      cell_end *x = tc_grow(ix->v, &ix->cap, ix->n + 1, sizeof *x, 1024);
      if (!x)
        return TC_ERR_NOMEM;
      ix->v = x;
      x[ix->n++] = (cell_end){cell_key(ix, r, c), gap, end};
    }
  return TC_OK;
}

/* Is the fix within the radius of an end of a gap (of another vessel) open at t?
 * A little more than the radius: the exact test is pass 2's. */
static int is_evidence(const end_index *ix, const tc_gap *gaps, uint32_t mmsi, int64_t t, double lat, double lon) {
  uint64_t key = cell_key(ix, row_of(ix, lat), col_of(ix, lon));
  size_t lo = 0, hi = ix->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ix->v[mid].cell < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t i = lo; i < ix->n && ix->v[i].cell == key; i++) {
    const tc_gap *g = &gaps[ix->v[i].gap];
    if (g->mmsi == mmsi || t < g->t0 || t >= g->t1)
      continue;
    double la = ix->v[i].end ? g->lat1 : g->lat0, lo2 = ix->v[i].end ? g->lon1 : g->lon0;
    if (tc_haversine_m(la, lo2, lat, lon) <= ix->radius * (1.0 + 1e-6) + 0.01)
      return 1;
  }
  return 0;
}

tc_status tc_evp_evidence(tc_store *const *stores, size_t n, const tc_part *part, const tc_params *p,
                          const tc_event_params *e, const tc_gap *gaps, size_t n_gaps, const tc_evp_part *r,
                          tc_columns *evidence, uint64_t *rows, tc_err *err) {
  *rows = 0;
  if (part->s_lo >= part->s_hi || n_gaps == 0)
    return TC_OK;
  end_index ix;
  memset(&ix, 0, sizeof ix);
  ix.radius = e->coverage_radius_m;
  /* a whole number of columns round the globe, so that a box across the antimeridian
   * wraps onto the columns the fixes beyond it fall in */
  ix.ncols = (int64_t)ceil(360.0 / fmax(ix.radius / TC_EARTH_R_M / TC_DEG2RAD, 0.01));
  ix.cell = 360.0 / (double)ix.ncols;
  tc_status s = TC_OK;
  size_t used = 0;
  for (size_t g = 0; s == TC_OK && g < n_gaps; g++)
    if (gaps[g].t0 < part->s_hi && gaps[g].t1 > part->s_lo) { /* open during the part */
      used++;
      s = index_end(&ix, gaps[g].lat0, gaps[g].lon0, (uint32_t)g, 0);
      if (s == TC_OK)
        s = index_end(&ix, gaps[g].lat1, gaps[g].lon1, (uint32_t)g, 1);
    }
  if (s != TC_OK) {
    free(ix.v);
    return tc_fail(err, s, "events: out of memory (gap ends)");
  }
  if (!used) {
    free(ix.v);
    return TC_OK;
  }
  qsort(ix.v, ix.n, sizeof *ix.v, cmp_cell);
  tc_multi_source *m = NULL;
  tc_columns col;
  tc_columns_init(&col);
  if ((s = tc_multi_source_create(stores, n, tc_params_threads(p), &m, err)) == TC_OK) {
    if (part->s_lo != INT64_MIN)
      tc_multi_source_seek(m, part->s_lo);
    tc_bucket_source src = tc_multi_source_get(m);
    for (;;) {
      int64_t t_end;
      int eof = 0;
      if ((s = src.next(src.ctx, &col, &t_end, &eof, err)) != TC_OK || eof)
        break;
      *rows += col.n;
      for (size_t i = 0; s == TC_OK && i < col.n; i++) {
        int64_t t = col.t[i];
        if (t < part->s_lo || t >= part->s_hi)
          continue;
        tc_evp_drop key = {t, col.mmsi[i]};
        if (r->n_drops && bsearch(&key, r->drops, r->n_drops, sizeof key, cmp_drop))
          continue; /* not kept by the teleport filter */
        if (!is_evidence(&ix, gaps, col.mmsi[i], t, col.lat[i], col.lon[i]))
          continue;
        tc_fix f = {t, col.lat[i], col.lon[i], col.mmsi[i], col.sog[i], col.cog[i], col.heading[i]};
        if (tc_columns_push(evidence, &f) != TC_OK)
          s = tc_fail(err, TC_ERR_NOMEM, "events: out of memory (coverage evidence)");
      }
      if (s != TC_OK || t_end >= part->s_hi)
        break;
    }
  }
  tc_columns_free(&col);
  tc_multi_source_free(m);
  free(ix.v);
  return s;
}

/* ---- the end, and the whole split run in one process ---- */

tc_status tc_evp_adopt(const tc_params *p, const tc_event_params *e, const tc_event_lists *stitched,
                       const tc_event_stats *st, const tc_columns *evidence, tc_events **ev,
                       tc_memory_source **pass2, tc_err *err) {
  *ev = NULL;
  *pass2 = NULL;
  tc_events *x = NULL;
  TC_TRY(tc_events_create(p, e, &x, err));
  tc_status s = tc_events_adopt(x, stitched->loiter, stitched->n_loiter, stitched->gaps, stitched->n_gaps, st, err);
  if (s == TC_OK && (s = tc_memory_source_create(evidence, 86400, pass2)) != TC_OK)
    tc_fail(err, s, "events: out of memory (coverage evidence)");
  if (s != TC_OK) {
    tc_events_free(x);
    return s;
  }
  *ev = x;
  return TC_OK;
}

static tc_status evp_run(void *ctx, unsigned i, int from_start, tc_err *err) {
  const tc_evp_parts *c = ctx;
  const tc_parts_over *o = &c->on;
  return tc_evp_part_run(o->stores, o->n, &o->parts[i], from_start, o->p, c->e, &c->res[i - o->first], err);
}

static void evp_snaps(void *ctx, unsigned i, tc_part_snap *own, tc_part_snap *next, int *from_start) {
  const tc_evp_parts *c = ctx;
  const tc_evp_part *r = &c->res[i - c->on.first];
  *own = r->own;
  *next = r->next;
  *from_start = r->from_start;
}

tc_part_runner tc_evp_part_runner(tc_evp_parts *c) { return (tc_part_runner){evp_run, evp_snaps, c}; }

tc_status tc_evp_run_parts(tc_store *const *stores, size_t n, unsigned k, const tc_params *p,
                           const tc_event_params *e, tc_events **ev, tc_memory_source **pass2, unsigned *reruns,
                           tc_err *err) {
  *ev = NULL;
  *pass2 = NULL;
  *reruns = 0;
  tc_part *parts = calloc(k, sizeof *parts);
  tc_evp_part *res = calloc(k, sizeof *res);
  const tc_evp_part **rp = calloc(k, sizeof *rp);
  tc_event_lists st_l;
  tc_event_lists_init(&st_l);
  tc_event_stats st;
  memset(&st, 0, sizeof st);
  tc_columns evid;
  tc_columns_init(&evid);
  tc_status s = parts && res && rp ? TC_OK : tc_fail(err, TC_ERR_NOMEM, "out of memory");
  for (unsigned i = 0; res && i < k; i++)
    tc_evp_part_init(&res[i]);
  if (s == TC_OK)
    s = tc_evp_plan(stores, n, p, k, parts, err);
  tc_evp_parts c = {{stores, n, parts, p, 0}, e, res};
  tc_part_runner runner = tc_evp_part_runner(&c);
  if (s == TC_OK)
    s = tc_parts_converge(k, parts, &runner, reruns, err);
  for (unsigned i = 0; s == TC_OK && i < k; i++)
    rp[i] = &res[i];
  if (s == TC_OK)
    s = tc_evp_stitch(p, e, rp, k, &st_l, &st, err);
  for (unsigned i = 0; s == TC_OK && i < k; i++) {
    uint64_t rows;
    s = tc_evp_evidence(stores, n, &parts[i], p, e, st_l.gaps, st_l.n_gaps, &res[i], &evid, &rows, err);
  }
  if (s == TC_OK)
    s = tc_evp_adopt(p, e, &st_l, &st, &evid, ev, pass2, err);
  for (unsigned i = 0; res && i < k; i++)
    tc_evp_part_free(&res[i]);
  tc_event_lists_free(&st_l);
  tc_columns_free(&evid);
  free(parts);
  free(res);
  free(rp);
  return s;
}
