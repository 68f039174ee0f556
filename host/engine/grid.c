#include "host/engine/grid.h"
#include "host/engine/grow.h"
#include "host/engine/teleport.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/columns.h"
#include "kernels/geo.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* The vessels held, in mmsi order: each one's positions [beg, end) in the arena, in
 * grid time order, inside its region [rbeg, rend) (room to grow in place), and its last
 * kept fix. Rewritten by every add (two copies, swapped): a vessel's row moves when
 * new vessels arrive, its positions do not. */
typedef struct {
  size_t nv, cap;
  uint32_t *mmsi;
  size_t *rbeg, *beg, *end, *rend;
  int64_t *lt;           /* last kept fix: time (INT64_MIN = none yet) */
  double *llat, *llon;   /*      and position */
} vtable;

/* Positions live in one arena, each vessel's in a region of its own, so an add writes
 * only the new positions (in place, after sliding out those no longer needed) and
 * never copies the others: a store read in many slices costs no more than one read
 * whole. A region too small moves to the arena's top; the arena is compacted when the
 * regions left behind outweigh the live ones. */
typedef struct {
  vtable vt[2];
  int cur;               /* vt[cur] is the live table */
  size_t top, cap;       /* arena: regions in [0, top) */
  size_t live;           /* positions the vessels hold: sum of end - beg */
  size_t garbage;        /* positions of regions no vessel uses */
  size_t compact_min;    /* compacted when garbage > 2 live + this */
  size_t compactions;
  int64_t *s;            /* grid time */
  double *lat, *lon;
} pstore;

/* One vessel of an add: its new fixes and where its live positions were. */
typedef struct {
  size_t b0, b1;         /* fixes [b0, b1) of fx */
  size_t from0, from1;   /* live positions before the add (moved when from0 != beg) */
  uint64_t dropped;
} add_span;

struct tc_grid_cpu {
  int64_t slot, max_gap;
  double mps;            /* teleport limit in m/s, 0 = none */
  pstore ps;
  add_span *sp;
  size_t cap_sp;
  int64_t first, last_fix;
  size_t *lo;            /* [nv] block scatter: first position of each vessel in the block */
  size_t cap_lo;
  /* Per store position of the last block: its index in the block, written in store
   * order by the scatter, so slot speeds are computed in store order too, where a
   * position's neighbours one grid time away are next to it (looked up from
   * slot-major order they would miss the cache). */
  uint32_t *bpos;
  size_t cap_bpos;
  size_t *chv;           /* [nch+1] vessel chunks: chunk c is vessels chv[c] .. chv[c+1] */
  size_t cap_ch, chv_n;  /* chv_n: chunks of the last block */
  size_t *chcnt;         /* [nch][ns+1] positions per chunk and grid time, then cursors */
  size_t cap_chcnt;
};

static void vtable_free(vtable *t) {
  void *const a[] = {t->mmsi, t->rbeg, t->beg, t->end, t->rend, t->lt, t->llat, t->llon};
  for (size_t i = 0; i < sizeof a / sizeof *a; i++)
    free(a[i]);
  memset(t, 0, sizeof *t);
}

static tc_status vtable_reserve(vtable *t, size_t nv) {
  void **const a[] = {(void **)&t->mmsi, (void **)&t->rbeg, (void **)&t->beg, (void **)&t->end,
                      (void **)&t->rend, (void **)&t->lt, (void **)&t->llat, (void **)&t->llon};
  const size_t sz[] = {sizeof *t->mmsi, sizeof *t->rbeg, sizeof *t->beg, sizeof *t->end,
                       sizeof *t->rend, sizeof *t->lt, sizeof *t->llat, sizeof *t->llon};
  return tc_reserve_all(a, sz, 8, &t->cap, nv + 1) ? TC_OK : TC_ERR_NOMEM;
}

static void pstore_free(pstore *p) {
  vtable_free(&p->vt[0]);
  vtable_free(&p->vt[1]);
  free(p->s);
  free(p->lat);
  free(p->lon);
  memset(p, 0, sizeof *p);
}

static tc_status arena_reserve(pstore *p, size_t n) {
  void **const a[] = {(void **)&p->s, (void **)&p->lat, (void **)&p->lon};
  const size_t sz[] = {sizeof *p->s, sizeof *p->lat, sizeof *p->lon};
  return tc_reserve_all(a, sz, 3, &p->cap, n) ? TC_OK : TC_ERR_NOMEM;
}

tc_status tc_grid_cpu_create(int64_t slot, int64_t max_gap, double max_implied_speed_kn,
                             tc_grid_cpu **out) {
  tc_grid_cpu *g = calloc(1, sizeof *g);
  if (!g)
    return TC_ERR_NOMEM;
  g->slot = slot;
  g->max_gap = max_gap;
  g->mps = max_implied_speed_kn > 0 ? max_implied_speed_kn * TC_KNOT_MPS : 0;
  g->first = INT64_MAX;
  g->last_fix = INT64_MIN;
  g->ps.compact_min = (size_t)1 << 16; /* a small store is not worth compacting */
  *out = g;
  return TC_OK;
}

void tc_grid_cpu_free(tc_grid_cpu *g) {
  if (!g)
    return;
  pstore_free(&g->ps);
  free(g->sp);
  free(g->lo);
  free(g->bpos);
  free(g->chv);
  free(g->chcnt);
  free(g);
}

static int64_t floor_to(int64_t t, int64_t slot) {
  int64_t q = t / slot;
  if (q * slot > t)
    q--;
  return q * slot;
}


static void move_positions(pstore *p, size_t to, size_t from, size_t n) {
  if (to == from || n == 0)
    return;
  memmove(p->s + to, p->s + from, n * sizeof *p->s);
  memmove(p->lat + to, p->lat + from, n * sizeof *p->lat);
  memmove(p->lon + to, p->lon + from, n * sizeof *p->lon);
}

/* Moves vessel v's live positions to the start of its region (the planner chose where)
 * and appends the positions its new fixes give (spec §2: a fix at a grid time is the
 * position there; grid times strictly between two consecutive kept fixes at most
 * max_gap apart are interpolated). */
static void add_vessel(const tc_grid_cpu *g, pstore *p, vtable *t, size_t v, const tc_track_window *fx,
                       add_span *sp) {
  move_positions(p, t->beg[v], sp->from0, sp->from1 - sp->from0);
  size_t n = t->beg[v] + (sp->from1 - sp->from0);
  int64_t lt = t->lt[v];
  double la = t->llat[v], lo = t->llon[v];
  int64_t slot = g->slot, next = lt == INT64_MIN ? INT64_MIN : floor_to(lt, slot) + slot;
  uint64_t dropped = 0;
  for (size_t k = sp->b0; k < sp->b1; k++) {
    int64_t tk = fx->t[k];
    double fa = fx->lat[k], fo = fx->lon[k];
    if (lt != INT64_MIN) {
      int64_t dt = tk - lt;
      if (!tc_teleport_keep(dt, la, lo, fa, fo, g->max_gap, g->mps)) {
        dropped++;
        continue;
      }
    }
    /* next becomes the first grid time at or after tk: found by the interpolation's
     * walk from the last fix, so the common fix costs no 64-bit division */
    if (lt != INT64_MIN && tk - lt <= g->max_gap) {
      int64_t dt = tk - lt;
      for (; next < tk; next += slot) {
        p->s[n] = next;
        tc_interp(la, lo, fa, fo, (double)(next - lt) / (double)dt, &p->lat[n], &p->lon[n]);
        n++;
      }
    } else {
      next = floor_to(tk, slot);
      next += next < tk ? slot : 0;
    }
    if (next == tk) {
      p->s[n] = tk;
      p->lat[n] = fa;
      p->lon[n] = fo;
      n++;
      next += slot;
    }
    lt = tk;
    la = fa;
    lo = fo;
  }
  t->end[v] = n;
  t->lt[v] = lt;
  t->llat[v] = la;
  t->llon[v] = lo;
  sp->dropped = dropped;
}

/* Rewrites the arena with every live vessel's positions packed in vessel order, each
 * region exactly its positions (the next add grows those that need it). */
static tc_status compact(pstore *p) {
  vtable *t = &p->vt[p->cur];
  pstore q;
  memset(&q, 0, sizeof q);
  TC_TRY(arena_reserve(&q, p->live + 1));
  size_t at = 0;
  for (size_t v = 0; v < t->nv; v++) {
    size_t n = t->end[v] - t->beg[v];
    memcpy(q.s + at, p->s + t->beg[v], n * sizeof *q.s);
    memcpy(q.lat + at, p->lat + t->beg[v], n * sizeof *q.lat);
    memcpy(q.lon + at, p->lon + t->beg[v], n * sizeof *q.lon);
    t->rbeg[v] = t->beg[v] = at;
    t->end[v] = t->rend[v] = at += n;
  }
  free(p->s);
  free(p->lat);
  free(p->lon);
  p->s = q.s;
  p->lat = q.lat;
  p->lon = q.lon;
  p->cap = q.cap;
  p->top = at;
  p->garbage = 0;
  p->compactions++;
  return TC_OK;
}

/* Non-zero when t[a..b) is not strictly ascending; no branches, so it vectorises
 * (64-bit compares: AVX2). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
__attribute__((target_clones("avx2", "default")))
#endif
static uint64_t not_ascending(const int64_t *t, size_t a, size_t b) {
  uint64_t bad = 0;
  for (size_t k = a + 1; k < b; k++)
    bad |= (uint64_t)(t[k] <= t[k - 1]);
  return bad;
}

tc_status tc_grid_cpu_add(tc_grid_cpu *g, const tc_track_window *fx, int64_t keep_from,
                          int64_t t_next, int threads, uint64_t *dropped) {
  pstore *ps = &g->ps;
  const vtable *old = &ps->vt[ps->cur];
  vtable *t = &ps->vt[ps->cur ^ 1];
  /* The planning below sizes each vessel's region from its first and last new fix:
   * fixes out of order would make add_vessel write past it. The store reader checks
   * the order already; this pass keeps any other source from corrupting memory. */
  uint64_t bad = 0;
  for (size_t v = 0; v < fx->nv; v++) {
    if ((v && fx->mmsi[v] <= fx->mmsi[v - 1]) || fx->off[v + 1] < fx->off[v])
      return TC_ERR_FORMAT;
    bad |= not_ascending(fx->t, fx->off[v], fx->off[v + 1]);
  }
  if (bad)
    return TC_ERR_FORMAT;
  /* The vessels, in mmsi order: the old table's that still matter and fx's. */
  if (!tc_reserve((void **)&g->sp, &g->cap_sp, old->nv + fx->nv + 1, sizeof *g->sp))
    return TC_ERR_NOMEM;
  TC_TRY(vtable_reserve(t, old->nv + fx->nv));
  size_t nv = 0, oi = 0, bi = 0, top = ps->top, garbage = ps->garbage, live = 0;
  while (oi < old->nv || bi < fx->nv) {
    uint32_t m;
    if (bi >= fx->nv || (oi < old->nv && old->mmsi[oi] <= fx->mmsi[bi]))
      m = old->mmsi[oi];
    else
      m = fx->mmsi[bi];
    add_span s = {0, 0, 0, 0, 0};
    int known = 0; /* held before this add */
    size_t rbeg = 0, beg = 0, end = 0, rend = 0;
    int64_t lt = INT64_MIN; /* time the new fixes' positions may start after */
    double la = 0, lo = 0;
    if (oi < old->nv && old->mmsi[oi] == m) {
      known = 1;
      rbeg = old->rbeg[oi], end = old->end[oi], rend = old->rend[oi];
      beg = tc_lower_bound_i64(ps->s, old->beg[oi], end, keep_from);
      lt = old->lt[oi], la = old->llat[oi], lo = old->llon[oi];
      oi++;
    }
    if (bi < fx->nv && fx->mmsi[bi] == m) {
      s.b0 = fx->off[bi];
      s.b1 = fx->off[bi + 1];
      bi++;
      if (s.b1 > s.b0 && lt != INT64_MIN && fx->t[s.b0] <= lt)
        return TC_ERR_FORMAT; /* not later than the fixes it had: same danger */
    }
    if (beg == end && s.b1 == s.b0 && (lt == INT64_MIN || lt < t_next - g->max_gap)) {
      garbage += rend - rbeg; /* nothing left and nothing to come */
      continue;
    }
    s.from0 = s.from1 = beg;
    if (s.b1 > s.b0) { /* grid times from the last kept fix (or the first fix) on */
      int64_t a = lt != INT64_MIN ? lt : fx->t[s.b0];
      size_t want = (size_t)((floor_to(fx->t[s.b1 - 1], g->slot) - floor_to(a, g->slot)) / g->slot) + 1;
      size_t need = end - beg + want;
      s.from1 = end;
      if (rend - rbeg < need) { /* too small: a region of its own at the top */
        garbage += rend - rbeg;
        size_t room = known ? need + need / 2 : need;
        rbeg = top;
        rend = top += room;
        beg = rbeg;
      } else if (end + want > rend) {
        beg = rbeg; /* room enough once the positions no longer needed are slid out */
      }             /* else room after the live ones: they stay */
      end = beg;    /* add_vessel sets it */
    }
    t->mmsi[nv] = m;
    t->rbeg[nv] = rbeg;
    t->beg[nv] = beg;
    t->end[nv] = end;
    t->rend[nv] = rend;
    t->lt[nv] = lt;
    t->llat[nv] = la;
    t->llon[nv] = lo;
    g->sp[nv++] = s;
  }
  t->nv = nv;
  TC_TRY(arena_reserve(ps, top + 1));
  ps->top = top;
  long long nvl = (long long)nv;
  (void)threads;
  /* A region's rbeg never lies above its live positions' start, so the moves are
   * within each vessel's own region or to a fresh one: vessels are independent. */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 32) num_threads(threads > 0 ? threads : omp_get_max_threads())
#endif
  for (long long v = 0; v < nvl; v++)
    if (g->sp[v].b1 > g->sp[v].b0)
      add_vessel(g, ps, t, (size_t)v, fx, &g->sp[v]);
  uint64_t drop = 0;
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (size_t v = 0; v < nv; v++) {
    if (t->end[v] > t->beg[v] && ps->s[t->beg[v]] < first)
      first = ps->s[t->beg[v]];
    if (t->lt[v] > last)
      last = t->lt[v];
    live += t->end[v] - t->beg[v];
    drop += g->sp[v].dropped;
  }
  ps->cur ^= 1;
  ps->live = live;
  ps->garbage = garbage;
  g->first = first;
  g->last_fix = last;
  if (dropped)
    *dropped += drop;
  if (garbage > 2 * live + ps->compact_min)
    TC_TRY(compact(ps));
  return TC_OK;
}

void tc_grid_cpu_compact_from(tc_grid_cpu *g, size_t positions) { g->ps.compact_min = positions; }
size_t tc_grid_cpu_compactions(const tc_grid_cpu *g) { return g->ps.compactions; }

int64_t tc_grid_cpu_first(const tc_grid_cpu *g) { return g->first; }
int64_t tc_grid_cpu_last_fix(const tc_grid_cpu *g) { return g->last_fix; }
size_t tc_grid_cpu_vessels(const tc_grid_cpu *g) { return g->ps.vt[g->ps.cur].nv; }
const uint32_t *tc_grid_cpu_mmsi(const tc_grid_cpu *g) { return g->ps.vt[g->ps.cur].mmsi; }
const int64_t *tc_grid_cpu_last_kept(const tc_grid_cpu *g) { return g->ps.vt[g->ps.cur].lt; }

/* The screen's unit vectors, in a loop of its own so that it runs 4 wide where the
 * CPU has AVX2 (same IEEE operations in the same order, so the same bits). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
__attribute__((target_clones("avx2", "default")))
#endif
static void unit_vectors(const double *lat, const double *lon, double *x, double *y, double *z,
                         size_t n) {
#ifdef _OPENMP
#pragma omp simd
#endif
  for (size_t i = 0; i < n; i++)
    tc_unit_vec_fast(lat[i], lon[i], &x[i], &y[i], &z[i]);
}

/* Grid time index j = (s[k] - s0) / slot of a vessel's position k, given j of the
 * position before it (k > k0): one grid time later is the common case and needs no
 * 64-bit division. */
static inline size_t next_index(const int64_t *s, size_t k, size_t k0, size_t j, int64_t s0, int64_t slot) {
  return k > k0 && s[k] - s[k - 1] == slot ? j + 1 : (size_t)((s[k] - s0) / slot);
}

tc_status tc_grid_cpu_compute(tc_grid_cpu *g, tc_grid_block *blk, int threads) {
#ifdef _OPENMP
  int nt = threads > 0 ? threads : omp_get_max_threads();
#else
  int nt = 1;
  (void)threads;
#endif
  const pstore *ps = &g->ps;
  const vtable *vt = &ps->vt[ps->cur];
  size_t nv = vt->nv, ns = blk->nslots;
  int64_t s0 = blk->s0, slot = blk->slot, s_end = s0 + (int64_t)ns * slot;
  if (!tc_reserve((void **)&g->lo, &g->cap_lo, nv + 1, sizeof *g->lo))
    return TC_ERR_NOMEM;
  /* Vessels in contiguous chunks of about equal positions: each chunk is counted per
   * grid time and scattered by one thread, so the slot-major order (vessel order
   * within a grid time) needs no serial pass. */
  size_t nch = (size_t)nt * 8, per = ps->live / nch + 1, seen = 0;
  if (!tc_reserve((void **)&g->chv, &g->cap_ch, nch + 1, sizeof *g->chv) ||
      !tc_reserve((void **)&g->chcnt, &g->cap_chcnt, nch * (ns + 1), sizeof *g->chcnt))
    return TC_ERR_NOMEM;
  size_t c = 0;
  g->chv[0] = 0;
  for (size_t v = 0; v < nv && c + 1 < nch; v++)
    if ((seen += vt->end[v] - vt->beg[v]) >= (c + 1) * per)
      g->chv[++c] = v + 1;
  while (c < nch)
    g->chv[++c] = nv;
  g->chv_n = nch;
  memset(g->chcnt, 0, nch * (ns + 1) * sizeof *g->chcnt);
  long long nchl = (long long)nch;
  /* a few positions (the empty grid times past the data's end) wake no second thread */
  const int team = ps->live > 4096;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (team)
#endif
  for (long long ch = 0; ch < nchl; ch++) {
    size_t *cnt = g->chcnt + (size_t)ch * (ns + 1);
    for (size_t v = g->chv[ch]; v < g->chv[ch + 1]; v++) {
      size_t k = tc_lower_bound_i64(ps->s, vt->beg[v], vt->end[v], s0);
      g->lo[v] = k;
      for (size_t j = 0, k0 = k; k < vt->end[v] && ps->s[k] < s_end; k++)
        cnt[j = next_index(ps->s, k, k0, j, s0, slot)]++;
    }
  }
  /* Slot-major offsets: grid time j, chunks in vessel order. */
  size_t core = 0;
  TC_TRY(tc_grid_block_reserve(blk, ns, 0));
  blk->off[0] = 0;
  for (size_t j = 0; j < ns; j++) {
    for (size_t ch = 0; ch < nch; ch++) {
      size_t *cnt = g->chcnt + ch * (ns + 1) + j, x = *cnt;
      *cnt = core;
      core += x;
    }
    blk->off[j + 1] = core;
  }
  TC_TRY(tc_grid_block_reserve(blk, ns, core));
  if (core > UINT32_MAX || !tc_reserve((void **)&g->bpos, &g->cap_bpos, ps->top, sizeof *g->bpos))
    return TC_ERR_NOMEM;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (core > 4096)
#endif
  for (long long ch = 0; ch < nchl; ch++) {
    size_t *cur = g->chcnt + (size_t)ch * (ns + 1);
    for (size_t v = g->chv[ch]; v < g->chv[ch + 1]; v++) {
      for (size_t k = g->lo[v], j = 0; k < vt->end[v] && ps->s[k] < s_end; k++) {
        size_t dst = cur[j = next_index(ps->s, k, g->lo[v], j, s0, slot)]++;
        blk->vid[dst] = (uint32_t)v;
        blk->lat[dst] = ps->lat[k];
        blk->lon[dst] = ps->lon[k];
        g->bpos[k] = (uint32_t)dst;
      }
    }
  }
  blk->n = core;
  long long nl = (long long)core, step = 4096;
  /* taken dynamically: a thread late to wake (a busy machine) holds no one up */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nl > step)
#endif
  for (long long i = 0; i < nl; i += step)
    unit_vectors(blk->lat + i, blk->lon + i, blk->x + i, blk->y + i, blk->z + i,
                 (size_t)(nl - i < step ? nl - i : step));
  return TC_OK;
}

void tc_grid_cpu_speeds_pos(const tc_grid_cpu *g, const tc_grid_block *blk, const unsigned char *want,
                            tc_pos_speed *pos, int threads) {
  const pstore *ps = &g->ps;
  const vtable *vt = &ps->vt[ps->cur];
  const int64_t slot = g->slot, s_end = blk->s0 + (int64_t)blk->nslots * slot;
  long long nch = (long long)(g->chv ? g->chv_n : 0);
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads > 0 ? threads : omp_get_max_threads()) if (blk->n > 4096)
#endif
  for (long long ch = 0; ch < nch; ch++)
    for (size_t v = g->chv[ch]; v < g->chv[ch + 1]; v++) {
      const size_t k0 = vt->beg[v], k1 = vt->end[v];
      /* cos(lat) of the last position a speed used, for the next one: consecutive
       * positions in close pairs (a ship moored among others) share a cosine */
      size_t ck = SIZE_MAX;
      double cl = 0;
      /* found again, not g->lo[v]: that is the last block's, and the engine may have
       * computed the next block already (a device working on it meanwhile) */
      for (size_t k = tc_lower_bound_i64(ps->s, k0, k1, blk->s0); k < k1 && ps->s[k] < s_end; k++) {
        size_t p = g->bpos[k];
        if (!want[p])
          continue;
        size_t nb = k;
        if (k + 1 < k1 && ps->s[k + 1] == ps->s[k] + slot)
          nb = k + 1;
        else if (k > k0 && ps->s[k - 1] == ps->s[k] - slot)
          nb = k - 1;
        double la = ps->lat[k], lo = ps->lon[k];
        if (nb == k) {
          pos[p] = (tc_pos_speed){la, lo, NAN, 0.0};
          continue;
        }
        double nla = ps->lat[nb], nlo = ps->lon[nb];
        if (la == nla && lo == nlo) { /* at rest: 0 without trigonometry, as the haversine gives */
          pos[p] = (tc_pos_speed){la, lo, 0.0, 0.0};
          continue;
        }
        double ca = ck == k ? cl : tc_cos_lat(la), cb = ck == nb ? cl : tc_cos_lat(nla);
        ck = nb, cl = cb;
        /* from the earlier position to the later, as the definition reads */
        double d = nb > k ? tc_haversine_cos_m(la, lo, ca, nla, nlo, cb) : tc_haversine_cos_m(nla, nlo, cb, la, lo, ca);
        pos[p] = (tc_pos_speed){la, lo, d / (double)slot / TC_KNOT_MPS, 0.0};
      }
    }
}

/* Index of the last of fixes [k0, k1) with t <= s (k0 when none is). */
static size_t last_at_or_before(const int64_t *t, size_t k0, size_t k1, int64_t s) {
  size_t lo = k0, hi = k1;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (t[mid] <= s)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

int tc_track_position(const tc_track_window *w, size_t v, int64_t s, double *lat, double *lon) {
  size_t k0 = w->off[v], k1 = w->off[v + 1];
  if (k0 == k1 || s < w->t[k0] || s > w->t[k1 - 1])
    return 0;
  size_t i = last_at_or_before(w->t, k0, k1, s);
  const int64_t *t = w->t;
  if (t[i] == s) {
    *lat = w->lat[i];
    *lon = w->lon[i];
    return 1;
  }
  if (i + 1 < k1 && t[i + 1] - t[i] <= w->max_gap) {
    double f = (double)(s - t[i]) / (double)(t[i + 1] - t[i]);
    tc_interp(w->lat[i], w->lon[i], w->lat[i + 1], w->lon[i + 1], f, lat, lon);
    return 1;
  }
  return 0;
}

double tc_slot_speed_kn(const tc_track_window *w, size_t v, int64_t s, int64_t slot) {
  double la0, lo0, la1, lo1;
  if (!tc_track_position(w, v, s, &la0, &lo0))
    return NAN;
  if (tc_track_position(w, v, s + slot, &la1, &lo1))
    return tc_haversine_m(la0, lo0, la1, lo1) / (double)slot / TC_KNOT_MPS;
  if (tc_track_position(w, v, s - slot, &la1, &lo1))
    return tc_haversine_m(la1, lo1, la0, lo0) / (double)slot / TC_KNOT_MPS;
  return NAN;
}

/* ---- checkpoints: the vessel table and its positions, packed ---- */

tc_status tc_grid_cpu_save(const tc_grid_cpu *g, tc_put_fn put, void *ctx) {
  const pstore *ps = &g->ps;
  const vtable *t = &ps->vt[ps->cur];
  uint64_t nv = t->nv;
  TC_TRY(put(ctx, &nv, sizeof nv));
  for (size_t v = 0; v < t->nv; v++) {
    uint64_t n = t->end[v] - t->beg[v];
    TC_TRY(put(ctx, &t->mmsi[v], sizeof t->mmsi[v]));
    TC_TRY(put(ctx, &t->lt[v], sizeof t->lt[v]));
    TC_TRY(put(ctx, &t->llat[v], sizeof t->llat[v]));
    TC_TRY(put(ctx, &t->llon[v], sizeof t->llon[v]));
    TC_TRY(put(ctx, &n, sizeof n));
    TC_TRY(put(ctx, ps->s + t->beg[v], n * sizeof *ps->s));
    TC_TRY(put(ctx, ps->lat + t->beg[v], n * sizeof *ps->lat));
    TC_TRY(put(ctx, ps->lon + t->beg[v], n * sizeof *ps->lon));
  }
  return TC_OK;
}

/* Copies n bytes from p[*at..len) to dst, advancing *at; 0 when they are not there. */
static int take(const unsigned char *p, size_t len, size_t *at, void *dst, size_t n) {
  if (n > len - *at)
    return 0;
  memcpy(dst, p + *at, n);
  *at += n;
  return 1;
}

tc_status tc_grid_cpu_load(tc_grid_cpu *g, const unsigned char *p, size_t len, size_t *used) {
  pstore *ps = &g->ps;
  vtable *t = &ps->vt[ps->cur];
  size_t at = 0;
  uint64_t nv;
  if (t->nv || !take(p, len, &at, &nv, sizeof nv) || nv > len / 36)
    return TC_ERR_FORMAT; /* a vessel takes 36 bytes at least */
  TC_TRY(vtable_reserve(t, (size_t)nv));
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (size_t v = 0; v < nv; v++) {
    uint64_t n;
    if (!take(p, len, &at, &t->mmsi[v], sizeof t->mmsi[v]) || !take(p, len, &at, &t->lt[v], sizeof t->lt[v]) ||
        !take(p, len, &at, &t->llat[v], sizeof t->llat[v]) || !take(p, len, &at, &t->llon[v], sizeof t->llon[v]) ||
        !take(p, len, &at, &n, sizeof n) || n > (len - at) / 24 || (v && t->mmsi[v] <= t->mmsi[v - 1]))
      return TC_ERR_FORMAT;
    TC_TRY(arena_reserve(ps, ps->top + (size_t)n + 1));
    size_t b = ps->top;
    take(p, len, &at, ps->s + b, (size_t)n * sizeof *ps->s);
    take(p, len, &at, ps->lat + b, (size_t)n * sizeof *ps->lat);
    take(p, len, &at, ps->lon + b, (size_t)n * sizeof *ps->lon);
    for (size_t k = 1; k < n; k++)
      if (ps->s[b + k] <= ps->s[b + k - 1])
        return TC_ERR_FORMAT;
    t->rbeg[v] = t->beg[v] = b;
    t->end[v] = t->rend[v] = ps->top = b + (size_t)n;
    t->nv = v + 1;
    if (n && ps->s[b] < first)
      first = ps->s[b];
    if (t->lt[v] > last)
      last = t->lt[v];
  }
  ps->live = ps->top;
  ps->garbage = 0;
  g->first = first;
  g->last_fix = last;
  *used = at;
  return TC_OK;
}
