#include "host/report/anchorage.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/geo.h"

/* (cell, mmsi) pairs, kept sorted and unique. */
typedef struct {
  uint64_t cell;
  uint32_t mmsi;
} pair;

struct tc_anchorage_finder {
  tc_anchorage_params p;
  double dlat;   /* cell height, degrees */
  pair *v, *tmp;        /* the set; pairs not merged into it yet */
  size_t n, cap, tmpn, tmpcap;
  size_t stationary;
  /* the row of the last stationary fix with its column width and count: a vessel at
   * anchor stays in one row, so most fixes need no cosine */
  long crow;
  double cw;
  long cnc;
  /* the last stationary fix's (cell, mmsi), with bounds that every fix of the cell keeps
   * CELL_MARGIN degrees inside (far above the cell arithmetic's rounding): a vessel at
   * anchor stays in its cell fix after fix, and a fix in the box adds nothing */
  uint32_t bmmsi;
  double blat0, blat1, blon0, blon1;
};

#define CELL_MARGIN 1e-9

void tc_anchorage_defaults(tc_anchorage_params *p) {
  p->cell_m = 1000;
  p->max_speed_kn = 0.5;
  p->min_vessels = 5;
  p->name_radius_m = 20000;
}

tc_status tc_anchorage_create(const tc_anchorage_params *p, tc_anchorage_finder **out, tc_err *err) {
  *out = NULL;
  if (!(p->cell_m >= 50 && p->cell_m <= 100000) || !(p->max_speed_kn > 0) || p->min_vessels < 1)
    return tc_fail(err, TC_ERR_ARG, "anchorages: cell %g m (50 … 100000), speed %g kn (> 0), min vessels %d (>= 1)",
                   p->cell_m, p->max_speed_kn, p->min_vessels);
  tc_anchorage_finder *a = calloc(1, sizeof *a);
  if (!a)
    return tc_fail(err, TC_ERR_NOMEM, "anchorages: out of memory");
  a->p = *p;
  a->dlat = p->cell_m / (TC_EARTH_R_M * TC_DEG2RAD);
  a->crow = LONG_MIN;
  a->blat0 = a->blon0 = INFINITY; /* no box yet */
  a->blat1 = a->blon1 = -INFINITY;
  *out = a;
  return TC_OK;
}

void tc_anchorage_free(tc_anchorage_finder *a) {
  if (!a)
    return;
  free(a->v);
  free(a->tmp);
  free(a);
}

size_t tc_anchorage_stationary(const tc_anchorage_finder *a) { return a->stationary; }

/* Rows of dlat degrees; within a row, columns of cell_m metres at the row's middle
 * latitude, so cells stay near square at every latitude. */
static long row_of(const tc_anchorage_finder *a, double lat) { return (long)floor((lat + 90.0) / a->dlat); }

static double row_mid(const tc_anchorage_finder *a, long row) { return (row + 0.5) * a->dlat - 90.0; }

static double col_width(const tc_anchorage_finder *a, long row) {
  double c = cos(row_mid(a, row) * TC_DEG2RAD);
  double w = a->dlat / (c > 1e-6 ? c : 1e-6);
  return w < 360.0 ? w : 360.0;
}

static long ncols(const tc_anchorage_finder *a, long row) { return (long)ceil(360.0 / col_width(a, row)); }

static uint64_t cell_of(const tc_anchorage_finder *a, double lat, double lon) {
  long r = row_of(a, lat);
  long c = (long)floor((tc_norm_lon(lon) + 180.0) / col_width(a, r));
  long nc = ncols(a, r);
  c = ((c % nc) + nc) % nc;
  return ((uint64_t)r << 32) | (uint64_t)c;
}

static void cell_centre(const tc_anchorage_finder *a, uint64_t cell, double *lat, double *lon) {
  long r = (long)(cell >> 32), c = (long)(cell & 0xffffffffu);
  *lat = row_mid(a, r);
  *lon = tc_norm_lon((c + 0.5) * col_width(a, r) - 180.0);
}

static int cmp_pair(const void *x, const void *y) {
  const pair *p = x, *q = y;
  if (p->cell != q->cell)
    return p->cell < q->cell ? -1 : 1;
  return p->mmsi < q->mmsi ? -1 : p->mmsi > q->mmsi;
}

static size_t uniq(pair *v, size_t n) {
  size_t w = 0;
  for (size_t i = 0; i < n; i++)
    if (!w || cmp_pair(&v[i], &v[w - 1]))
      v[w++] = v[i];
  return w;
}

/* Speed in knots from fix p to the later fix q of one vessel, NaN when not usable. */
static double implied_kn(const tc_anchorage_row *p, const tc_anchorage_row *q) {
  int64_t dt = q->t > p->t ? q->t - p->t : p->t - q->t;
  if (dt == 0 || dt > 3600)
    return NAN;
  return tc_haversine_m(p->lat, p->lon, q->lat, q->lon) / dt / TC_KNOT_MPS;
}

static int pair_lt(const pair *p, const pair *q) {
  return p->cell < q->cell || (p->cell == q->cell && p->mmsi < q->mmsi);
}

/* v[0, n) in (cell, mmsi) order, w the room for n more: runs of 16 by insertion, then
 * merged in turn between v and w (qsort's call per comparison cost more than the rest). */
static void sort_pairs(pair *v, pair *w, size_t n) {
  const size_t run = 16;
  for (size_t s = 0; s < n; s += run) {
    size_t e = s + run < n ? s + run : n;
    for (size_t i = s + 1; i < e; i++) {
      pair x = v[i];
      size_t j = i;
      for (; j > s && pair_lt(&x, &v[j - 1]); j--)
        v[j] = v[j - 1];
      v[j] = x;
    }
  }
  pair *from = v, *to = w;
  for (size_t width = run; width < n; width *= 2) {
    for (size_t s = 0; s < n; s += 2 * width) {
      size_t mid = s + width < n ? s + width : n, e = s + 2 * width < n ? s + 2 * width : n;
      size_t i = s, j = mid, o = s;
      while (i < mid && j < e)
        to[o++] = pair_lt(&from[j], &from[i]) ? from[j++] : from[i++];
      while (i < mid)
        to[o++] = from[i++];
      while (j < e)
        to[o++] = from[j++];
    }
    pair *t = from;
    from = to;
    to = t;
  }
  if (from != v)
    memcpy(v, from, n * sizeof *v);
}

/* Merges the pending (cell, mmsi) pairs into the sorted set. */
static tc_status flush(tc_anchorage_finder *a, tc_err *err) {
  size_t k = a->tmpn;
  a->tmpn = 0;
  if (!k)
    return TC_OK;
  size_t cap = a->n + k;
  pair *m = malloc(cap * sizeof *m); /* the merged set, and first the sort's room */
  if (!m)
    return tc_fail(err, TC_ERR_NOMEM, "anchorages: out of memory");
  sort_pairs(a->tmp, m, k);
  k = uniq(a->tmp, k);
  size_t i = 0, j = 0, o = 0;
  while (i < a->n || j < k) {
    const pair *next = j >= k || (i < a->n && cmp_pair(&a->v[i], &a->tmp[j]) <= 0) ? &a->v[i++] : &a->tmp[j++];
    if (!o || cmp_pair(next, &m[o - 1]))
      m[o++] = *next;
  }
  free(a->v);
  a->v = m;
  a->n = o;
  a->cap = cap;
  return TC_OK;
}

/* Pending pairs merged into the set once this many wait: the merge copies the set, so
 * merging per row would be quadratic, and holding every row's pair would not be bounded. */
#define PENDING (1u << 20)

/* cell_of with the row's width and column count kept from the fix before (the same
 * numbers, computed once per row). */
static uint64_t cell_of_fed(tc_anchorage_finder *a, double lat, double lon) {
  long r = row_of(a, lat);
  if (r != a->crow) {
    a->crow = r;
    a->cw = col_width(a, r);
    a->cnc = (long)ceil(360.0 / a->cw); /* ncols(a, r) */
  }
  long c = (long)floor((tc_norm_lon(lon) + 180.0) / a->cw), nc = a->cnc;
  c = ((c % nc) + nc) % nc;
  return ((uint64_t)r << 32) | (uint64_t)c;
}

/* The box of cell (row crow, as cell_of_fed left it) for mmsi: in it, (lat + 90) / dlat
 * and (lon + 180) / cw are more than 1e-7 cells from an edge, so row_of and the column
 * give that cell, and tc_norm_lon leaves lon as it is. */
static void set_box(tc_anchorage_finder *a, uint32_t mmsi, uint64_t cell) {
  double r = (double)(cell >> 32), c = (double)(cell & 0xffffffffu);
  a->bmmsi = mmsi;
  a->blat0 = r * a->dlat - 90.0 + CELL_MARGIN;
  a->blat1 = fmin((r + 1) * a->dlat - 90.0, 90.0) - CELL_MARGIN;
  a->blon0 = c * a->cw - 180.0 + CELL_MARGIN;
  a->blon1 = fmin((c + 1) * a->cw - 180.0, 180.0) - CELL_MARGIN;
}

/* A fix at speed v (knots, NaN: unknown) to the pending pairs when stationary. A vessel
 * at anchor repeats its pair fix after fix: the repeat is left out here rather than by
 * the sort of flush. */
static tc_status add_speed(tc_anchorage_finder *a, uint32_t mmsi, double lat, double lon, double v, tc_err *err) {
  if (!(v < a->p.max_speed_kn) || !isfinite(lat) || fabs(lat) > 90)
    return TC_OK;
  a->stationary++;
  uint64_t cell = cell_of_fed(a, lat, lon);
  set_box(a, mmsi, cell);
  if (a->tmpn && a->tmp[a->tmpn - 1].cell == cell && a->tmp[a->tmpn - 1].mmsi == mmsi)
    return TC_OK;
  if (a->tmpn == a->tmpcap) {
    if (a->tmpn >= PENDING)
      TC_TRY(flush(a, err));
    if (a->tmpn == a->tmpcap) {
      size_t cap = a->tmpcap ? 2 * a->tmpcap : 4096;
      pair *t = realloc(a->tmp, cap * sizeof *t);
      if (!t)
        return tc_fail(err, TC_ERR_NOMEM, "anchorages: out of memory");
      a->tmp = t;
      a->tmpcap = cap;
    }
  }
  a->tmp[a->tmpn++] = (pair){cell, mmsi};
  return TC_OK;
}

tc_status tc_anchorage_add_row(tc_anchorage_finder *a, const tc_anchorage_row *prev, const tc_anchorage_row *cur,
                               const tc_anchorage_row *next, tc_err *err) {
  double v = cur->sog;
  if (!tc_anchorage_sog_known(v)) { /* unknown (AIS 102.3): judge by the neighbours */
    double s1 = prev ? implied_kn(prev, cur) : NAN, s2 = next ? implied_kn(cur, next) : NAN;
    v = isfinite(s1) && isfinite(s2) ? fmax(s1, s2) : isfinite(s1) ? s1 : s2;
  }
  return add_speed(a, cur->mmsi, cur->lat, cur->lon, v, err);
}

tc_status tc_anchorage_add_known(tc_anchorage_finder *a, uint32_t mmsi, double lat, double lon, double sog,
                                 tc_err *err) {
  return add_speed(a, mmsi, lat, lon, sog, err);
}

/* The box of a cell and vessel, and the stationary speed: rows [i, i + 4) all known,
 * below max_kn and in the box advance i by 4, tested at once (GCC's vectors: one AVX2
 * register in that clone); the first block with another row stops, for the row loop. */
typedef struct {
  uint32_t mmsi;
  double la0, la1, lo0, lo1, max_kn;
} still_box;

typedef double still_d4 __attribute__((vector_size(32)));
typedef int64_t still_i4 __attribute__((vector_size(32)));
typedef float still_f4 __attribute__((vector_size(16)));
typedef uint32_t still_u4 __attribute__((vector_size(16)));

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
__attribute__((target_clones("avx2", "default")))
#endif
static size_t still_blocks(const still_box *b, const tc_columns *c, size_t i) {
  const still_d4 la0 = {b->la0, b->la0, b->la0, b->la0}, la1 = {b->la1, b->la1, b->la1, b->la1};
  const still_d4 lo0 = {b->lo0, b->lo0, b->lo0, b->lo0}, lo1 = {b->lo1, b->lo1, b->lo1, b->lo1};
  const still_d4 mx = {b->max_kn, b->max_kn, b->max_kn, b->max_kn};
  const still_d4 na = {TC_ANCHORAGE_SOG_NONE, TC_ANCHORAGE_SOG_NONE, TC_ANCHORAGE_SOG_NONE, TC_ANCHORAGE_SOG_NONE};
  const still_d4 ninf = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
  const still_i4 bm = {b->mmsi, b->mmsi, b->mmsi, b->mmsi};
  for (; i + 4 <= c->n; i += 4) {
    still_d4 lat, lon;
    still_f4 sf;
    still_u4 mu;
    memcpy(&lat, c->lat + i, sizeof lat);
    memcpy(&lon, c->lon + i, sizeof lon);
    memcpy(&sf, c->sog + i, sizeof sf);
    memcpy(&mu, c->mmsi + i, sizeof mu);
    still_d4 sog = __builtin_convertvector(sf, still_d4);
    still_i4 mm = __builtin_convertvector(mu, still_i4);
    /* tc_anchorage_sog_known(sog) && sog < max_kn: NaN fails every comparison */
    still_i4 ok = (sog > ninf) & (sog < na) & (sog < mx) & (mm == bm) & (lat > la0) & (lat < la1) & (lon > lo0) &
                  (lon < lo1);
    if (!(ok[0] & ok[1] & ok[2] & ok[3]))
      break;
  }
  return i;
}

tc_status tc_anchorage_add_still(tc_anchorage_finder *a, const tc_columns *c, size_t i, size_t *next,
                                 tc_err *err) {
  const double max_kn = a->p.max_speed_kn;
  const uint32_t *mmsi = c->mmsi;
  const double *lats = c->lat, *lons = c->lon;
  const float *sogs = c->sog;
  const size_t n = c->n;
  tc_status s = TC_OK;
  size_t in_box = 0; /* rows whose pair is the last one, already in the set */
  for (; i < n; i++) {
    /* the box in locals: only add_speed moves it */
    const uint32_t bm = a->bmmsi;
    const double la0 = a->blat0, la1 = a->blat1, lo0 = a->blon0, lo1 = a->blon1;
    const still_box b = {bm, la0, la1, lo0, lo1, max_kn};
    size_t j = still_blocks(&b, c, i);
    in_box += j - i;
    i = j;
    for (; i < n; i++) {
      double sog = sogs[i], lat = lats[i], lon = lons[i];
      if (!(tc_anchorage_sog_known(sog) && sog < max_kn))
        goto done;
      if (!(mmsi[i] == bm && lat > la0 && lat < la1 && lon > lo0 && lon < lo1))
        break;
      in_box++;
    }
    if (i == n)
      break;
    if ((s = add_speed(a, mmsi[i], lats[i], lons[i], sogs[i], err)) != TC_OK)
      break;
  }
done:
  a->stationary += in_box;
  *next = i;
  return s;
}

static tc_anchorage_row row_at(const tc_columns *b, size_t i) {
  return (tc_anchorage_row){b->mmsi[i], b->t[i], b->lat[i], b->lon[i], b->sog[i]};
}

tc_status tc_anchorage_add(tc_anchorage_finder *a, const tc_columns *b, tc_err *err) {
  for (size_t i = 0; i < b->n; i++) {
    if (tc_anchorage_sog_known(b->sog[i])) {
      TC_TRY(add_speed(a, b->mmsi[i], b->lat[i], b->lon[i], b->sog[i], err));
      continue;
    }
    tc_anchorage_row p = i > 0 ? row_at(b, i - 1) : (tc_anchorage_row){0},
                     c = row_at(b, i), q = i + 1 < b->n ? row_at(b, i + 1) : (tc_anchorage_row){0};
    int prev = i > 0 && b->mmsi[i - 1] == b->mmsi[i], next = i + 1 < b->n && b->mmsi[i + 1] == b->mmsi[i];
    TC_TRY(tc_anchorage_add_row(a, prev ? &p : NULL, &c, next ? &q : NULL, err));
  }
  return flush(a, err);
}

typedef struct {
  uint64_t cell;
  size_t first, n; /* its (cell, mmsi) pairs */
  size_t parent;   /* union-find over anchorage cells */
  int own, near;   /* distinct vessels in the cell, and in it and its neighbours */
  int anchorage;
} acell;

static size_t find(acell *c, size_t i) {
  while (c[i].parent != i)
    i = c[i].parent = c[c[i].parent].parent;
  return i;
}

static size_t lookup(const acell *c, size_t n, uint64_t cell) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t m = lo + (hi - lo) / 2;
    if (c[m].cell < cell)
      lo = m + 1;
    else
      hi = m;
  }
  return lo < n && c[lo].cell == cell ? lo : (size_t)-1;
}

/* The occupied cells touching cell i (itself included): the same row at ±1 column,
 * and in the rows above and below (other column widths) the cells under both ends
 * of each of the three column spans. Returns how many, unique. */
static int neighbours(const tc_anchorage_finder *a, const acell *c, size_t nc, size_t i, size_t out[24]) {
  int k = 0;
  out[k++] = i;
  double lat, lon;
  cell_centre(a, c[i].cell, &lat, &lon);
  long r = (long)(c[i].cell >> 32);
  double w = col_width(a, r);
  for (int dy = -1; dy <= 1; dy++) {
    double la = row_mid(a, r + dy);
    if (fabs(la) > 90)
      continue;
    for (int dx = -1; dx <= 1; dx++)
      for (int side = -1; side <= 1; side += 2) {
        if (!dy && !dx)
          break;
        double lo = lon + dx * w + (dy ? side * 0.49 * w : 0);
        size_t j = lookup(c, nc, cell_of(a, la, lo));
        int seen = j == (size_t)-1;
        for (int m = 0; m < k && !seen; m++)
          seen = out[m] == j;
        if (!seen)
          out[k++] = j;
        if (!dy)
          break;
      }
  }
  return k;
}

static int cmp_u32(const void *x, const void *y) {
  uint32_t p = *(const uint32_t *)x, q = *(const uint32_t *)y;
  return p < q ? -1 : p > q;
}

static int distinct(uint32_t *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_u32);
  int d = 0;
  for (size_t i = 0; i < n; i++)
    d += i == 0 || v[i] != v[i - 1];
  return d;
}

typedef struct {
  tc_place pl;
  double w;
  uint32_t *mmsi;
  size_t nm, cap;
} cluster;

static int cmp_cluster(const void *x, const void *y) {
  const cluster *p = x, *q = y;
  if (p->pl.vessels != q->pl.vessels)
    return p->pl.vessels > q->pl.vessels ? -1 : 1;
  if (p->pl.lat != q->pl.lat)
    return p->pl.lat < q->pl.lat ? -1 : 1;
  return p->pl.lon < q->pl.lon ? -1 : p->pl.lon > q->pl.lon;
}

tc_status tc_anchorage_finish(tc_anchorage_finder *a, const tc_places *ports, tc_places *out, tc_err *err) {
  TC_TRY(flush(a, err));
  tc_status s = TC_OK;
  acell *cells = NULL;
  cluster *cl = NULL;
  uint32_t *buf = NULL;
  size_t nc = 0, ncl = 0, maxn = 0;
  for (size_t i = 0, j; i < a->n; i = j, nc++)
    for (j = i; j < a->n && a->v[j].cell == a->v[i].cell; j++)
      ;
  cells = calloc(nc ? nc : 1, sizeof *cells);
  cl = calloc(nc ? nc : 1, sizeof *cl);
  if (!cells || !cl)
    goto nomem;
  nc = 0;
  for (size_t i = 0, j; i < a->n; i = j, nc++) {
    for (j = i; j < a->n && a->v[j].cell == a->v[i].cell; j++)
      ;
    cells[nc] = (acell){a->v[i].cell, i, j - i, nc, (int)(j - i), 0, 0};
    if (j - i > maxn)
      maxn = j - i;
  }
  buf = malloc((maxn ? 24 * maxn : 1) * sizeof *buf);
  if (!buf)
    goto nomem;
  /* A cell is an anchorage cell when at least min_vessels distinct vessels stayed in
   * it and its neighbours, two of them in the cell itself: a busy anchorage spreads
   * its ships over several cells, a lone pair at sea stays below the threshold. */
  size_t nb[24];
  for (size_t i = 0; i < nc; i++) {
    int k = neighbours(a, cells, nc, i, nb);
    size_t m = 0;
    for (int q = 0; q < k; q++)
      for (size_t p = 0; p < cells[nb[q]].n; p++)
        buf[m++] = a->v[cells[nb[q]].first + p].mmsi;
    cells[i].near = distinct(buf, m);
    cells[i].anchorage = cells[i].near >= a->p.min_vessels && cells[i].own >= (a->p.min_vessels > 1 ? 2 : 1);
  }
  for (size_t i = 0; i < nc; i++) {
    if (!cells[i].anchorage)
      continue;
    int k = neighbours(a, cells, nc, i, nb);
    for (int q = 1; q < k; q++)
      if (cells[nb[q]].anchorage) {
        size_t x = find(cells, i), y = find(cells, nb[q]);
        if (x != y)
          cells[x > y ? x : y].parent = x < y ? x : y;
      }
  }
  /* Per anchorage: vessel-weighted centre (longitudes unwrapped round the root's),
   * distinct vessels, extent. */
  for (size_t i = 0; i < nc; i++) {
    if (!cells[i].anchorage)
      continue;
    size_t r = find(cells, i);
    double la, lo, rla, rlo;
    cell_centre(a, cells[i].cell, &la, &lo);
    cell_centre(a, cells[r].cell, &rla, &rlo);
    lo = rlo + tc_wrap_dlon(lo - rlo);
    cluster *g = &cl[r];
    g->pl.lat += la * cells[i].own;
    g->pl.lon += lo * cells[i].own;
    g->w += cells[i].own;
    if (g->nm + cells[i].n > g->cap) {
      size_t cap = g->cap ? g->cap * 2 : 64;
      while (cap < g->nm + cells[i].n)
        cap *= 2;
      uint32_t *v = realloc(g->mmsi, cap * sizeof *v);
      if (!v)
        goto nomem;
      g->mmsi = v;
      g->cap = cap;
    }
    for (size_t p = 0; p < cells[i].n; p++)
      g->mmsi[g->nm++] = a->v[cells[i].first + p].mmsi;
  }
  for (size_t i = 0; i < nc; i++)
    if (cl[i].w > 0) {
      cl[i].pl.lat /= cl[i].w;
      cl[i].pl.lon = tc_norm_lon(cl[i].pl.lon / cl[i].w);
      cl[i].pl.vessels = distinct(cl[i].mmsi, cl[i].nm);
    }
  for (size_t i = 0; i < nc; i++) { /* extent: farthest cell centre plus half a cell diagonal */
    if (!cells[i].anchorage)
      continue;
    cluster *g = &cl[find(cells, i)];
    double la, lo;
    cell_centre(a, cells[i].cell, &la, &lo);
    double d = tc_haversine_m(g->pl.lat, g->pl.lon, la, lo) + a->p.cell_m * 0.7072;
    if (d > g->pl.radius_m)
      g->pl.radius_m = d;
  }
  for (size_t i = 0; i < nc; i++) {
    free(cl[i].mmsi);
    cl[i].mmsi = NULL;
    if (cl[i].w > 0)
      cl[ncl++] = cl[i];
  }
  qsort(cl, ncl, sizeof *cl, cmp_cluster);
  for (size_t i = 0; i < ncl; i++) {
    tc_place *p = &cl[i].pl;
    double d;
    const tc_place *port = ports ? tc_places_nearest(ports, p->lat, p->lon, a->p.name_radius_m, &d) : NULL;
    if (port)
      snprintf(p->name, sizeof p->name, "%.40s anchorage", port->name);
    else
      snprintf(p->name, sizeof p->name, "anchorage %.3f%c %.3f%c", fabs(p->lat), p->lat >= 0 ? 'N' : 'S',
               fabs(p->lon), p->lon >= 0 ? 'E' : 'W');
    p->is_anchorage = 1;
    if (tc_places_add(out, p) != TC_OK)
      goto nomem;
  }
  goto cleanup;
nomem:
  s = tc_fail(err, TC_ERR_NOMEM, "anchorages: out of memory");
cleanup:
  for (size_t i = 0; cl && i < nc; i++)
    free(cl[i].mmsi);
  free(cells);
  free(cl);
  free(buf);
  return s;
}
