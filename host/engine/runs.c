#include "host/engine/runs.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "io/columns.h"
#include "kernels/geo.h"

typedef struct {
  int64_t t;                 /* close grid time */
  double la, oa, lb, ob;     /* the two positions (vessel a, vessel b) */
  double nla, noa, nlb, nob; /* each one's neighbour one grid time away */
  signed char da, db;        /* where the neighbour is (tc_grid_neighbours.dir) */
} close_time;

typedef struct {
  uint64_t key;          /* mmsi_a << 32 | mmsi_b */
  close_time *v;
  size_t n, cap;
} cand;

struct tc_runs {
  tc_params p;
  cand *c;
  size_t nc, capc;
  uint32_t *table; /* open addressing: index + 1 into c, 0 = empty */
  size_t tcap;     /* power of two */
  double *tmp, *sa, *sb, *d;  /* judging scratch, tmp_cap each */
  size_t tmp_cap;
  tc_encounter_list pending;
  uint64_t judged;
};

static uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

tc_status tc_runs_create(const tc_params *p, tc_runs **out) {
  tc_runs *r = calloc(1, sizeof *r);
  if (!r)
    return TC_ERR_NOMEM;
  r->p = *p;
  tc_encounter_list_init(&r->pending);
  *out = r;
  return TC_OK;
}

static void cand_free(cand *c) { free(c->v); }

void tc_runs_free(tc_runs *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->nc; i++)
    cand_free(&r->c[i]);
  free(r->c);
  free(r->table);
  free(r->tmp);
  free(r->sa);
  free(r->sb);
  free(r->d);
  tc_encounter_list_free(&r->pending);
  free(r);
}

static tc_status rebuild_table(tc_runs *r, size_t want) {
  size_t cap = 1024;
  while (cap < 2 * want)
    cap *= 2;
  if (cap != r->tcap) {
    uint32_t *t = realloc(r->table, cap * sizeof *t);
    if (!t)
      return TC_ERR_NOMEM;
    r->table = t;
    r->tcap = cap;
  }
  memset(r->table, 0, r->tcap * sizeof *r->table);
  for (size_t i = 0; i < r->nc; i++) {
    size_t h = mix(r->c[i].key) & (r->tcap - 1);
    while (r->table[h])
      h = (h + 1) & (r->tcap - 1);
    r->table[h] = (uint32_t)(i + 1);
  }
  return TC_OK;
}

static tc_status find_or_add(tc_runs *r, uint64_t key, cand **out) {
  if (2 * (r->nc + 1) > r->tcap)
    TC_TRY(rebuild_table(r, r->nc + 1));
  size_t h = mix(key) & (r->tcap - 1);
  while (r->table[h]) {
    cand *c = &r->c[r->table[h] - 1];
    if (c->key == key) {
      *out = c;
      return TC_OK;
    }
    h = (h + 1) & (r->tcap - 1);
  }
  if (r->nc == r->capc) {
    size_t cap = r->capc ? 2 * r->capc : 256;
    cand *c = realloc(r->c, cap * sizeof *c);
    if (!c)
      return TC_ERR_NOMEM;
    r->c = c;
    r->capc = cap;
  }
  cand *c = &r->c[r->nc];
  memset(c, 0, sizeof *c);
  c->key = key;
  r->table[h] = (uint32_t)(++r->nc);
  *out = c;
  return TC_OK;
}

static int scratch(tc_runs *r, size_t n) {
  if (n <= r->tmp_cap)
    return 1;
  double **arr[4] = {&r->tmp, &r->sa, &r->sb, &r->d};
  for (int i = 0; i < 4; i++) {
    double *t = realloc(*arr[i], n * sizeof *t);
    if (!t)
      return 0;
    *arr[i] = t;
  }
  r->tmp_cap = n;
  return 1;
}

/* Median of the defined values of x[0..n) (NAN = undefined); NAN when none. */
static double median(tc_runs *r, const double *x, size_t n) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i]))
      r->tmp[m++] = x[i];
  return tc_median(r->tmp, m);
}

/* Judges a candidate (spec §4) and resets it for reuse. */
static tc_status judge(tc_runs *r, cand *c) {
  if (c->n == 0)
    return TC_OK;
  r->judged++;
  int64_t start = c->v[0].t, end = c->v[c->n - 1].t;
  if (end - start >= r->p.min_duration) {
    if (!scratch(r, c->n))
      return TC_ERR_NOMEM;
    const close_time *v = c->v;
    for (size_t i = 0; i < c->n; i++) {
      r->sa[i] = tc_slot_speed_from(v[i].la, v[i].oa, v[i].nla, v[i].noa, v[i].da, r->p.slot);
      r->sb[i] = tc_slot_speed_from(v[i].lb, v[i].ob, v[i].nlb, v[i].nob, v[i].db, r->p.slot);
    }
    double sa = median(r, r->sa, c->n), sb = median(r, r->sb, c->n);
    if (!isnan(sa) && !isnan(sb) && sa < r->p.max_speed_kn && sb < r->p.max_speed_kn) {
      tc_encounter e;
      e.mmsi_a = (uint32_t)(c->key >> 32);
      e.mmsi_b = (uint32_t)(c->key & 0xFFFFFFFFu);
      e.start = start;
      e.end = end;
      e.close_slots = (int32_t)c->n;
      /* Only for reported encounters: most candidates are ships passing, and the
       * distances and the circular mean's trigonometry would otherwise run for every
       * close pair. */
      double mn = INFINITY, sum_lat = 0, sum_sin = 0, sum_cos = 0;
      for (size_t i = 0; i < c->n; i++) {
        r->d[i] = tc_haversine_m(v[i].la, v[i].oa, v[i].lb, v[i].ob);
        if (r->d[i] < mn)
          mn = r->d[i];
        double mlat = (v[i].la + v[i].lb) / 2.0;
        double mlon = tc_norm_lon(v[i].oa + tc_wrap_dlon(v[i].ob - v[i].oa) / 2.0);
        sum_lat += mlat;
        sum_sin += sin(mlon * TC_DEG2RAD);
        sum_cos += cos(mlon * TC_DEG2RAD);
      }
      e.min_dist_m = mn;
      e.median_dist_m = median(r, r->d, c->n);
      e.mean_lat = sum_lat / (double)c->n;
      e.mean_lon = tc_norm_lon(atan2(sum_sin, sum_cos) / TC_DEG2RAD);
      e.speed_a_kn = sa;
      e.speed_b_kn = sb;
      if (tc_encounter_list_push(&r->pending, &e) != TC_OK)
        return TC_ERR_NOMEM;
    }
  }
  c->n = 0;
  return TC_OK;
}

static tc_status cand_push(cand *c, const close_time *ct) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 4; /* most candidates are ships passing: short */
    close_time *v = realloc(c->v, cap * sizeof *v);
    if (!v)
      return TC_ERR_NOMEM;
    c->v = v;
    c->cap = cap;
  }
  c->v[c->n++] = *ct;
  return TC_OK;
}

static int listed(const tc_params *p, uint32_t m) {
  size_t lo = tc_lower_bound_u32(p->mmsi_filter, p->n_mmsi_filter, m);
  return lo < p->n_mmsi_filter && p->mmsi_filter[lo] == m;
}

tc_status tc_runs_add(tc_runs *r, const tc_grid_block *blk, const tc_closebuf *close,
                      const tc_grid_neighbours *nb, unsigned shard, unsigned nshards) {
  /* close is in grid time order, so each pair's close times arrive in order and the
   * grid time follows from a cursor over the block's offsets. */
  size_t j = 0;
  (void)nshards;
  for (size_t k = close->shard_off[shard]; k < close->shard_off[shard + 1]; k++) {
    const tc_close_pair *cp = &close->v[k];
    uint32_t ma = (uint32_t)(cp->key >> 32), mb = (uint32_t)cp->key;
    if (r->p.mmsi_filter && !listed(&r->p, ma) && !listed(&r->p, mb))
      continue;
    while (cp->p >= blk->off[j + 1])
      j++;
    int64_t s = blk->s0 + (int64_t)j * blk->slot;
    cand *c;
    TC_TRY(find_or_add(r, cp->key, &c));
    if (c->n && c->v[c->n - 1].t == s)
      continue; /* reported twice by the backend */
    if (c->n && s - c->v[c->n - 1].t > r->p.merge_gap)
      TC_TRY(judge(r, c));
    uint32_t p = cp->p, q = cp->q;
    close_time ct = {s, blk->lat[p], blk->lon[p], blk->lat[q], blk->lon[q], nb->lat[p], nb->lon[p],
                     nb->lat[q], nb->lon[q], nb->dir[p], nb->dir[q]};
    TC_TRY(cand_push(c, &ct));
  }
  return TC_OK;
}

tc_status tc_runs_flush(tc_runs *r, int64_t s_next, tc_encounter_list *out) {
  size_t keep = 0;
  for (size_t i = 0; i < r->nc; i++) {
    cand *c = &r->c[i];
    int open = c->n && (s_next == INT64_MAX ? 0 : s_next - c->v[c->n - 1].t <= r->p.merge_gap);
    if (!open) {
      TC_TRY(judge(r, c));
      cand_free(c);
      continue;
    }
    r->c[keep++] = *c;
  }
  r->nc = keep;
  TC_TRY(rebuild_table(r, r->nc));
  for (size_t i = 0; i < r->pending.n; i++)
    TC_TRY(tc_encounter_list_push(out, &r->pending.v[i]));
  r->pending.n = 0;
  return TC_OK;
}

unsigned tc_runs_shard(uint64_t key, unsigned nshards) { return (unsigned)(mix(key) % nshards); }

uint64_t tc_runs_candidates(const tc_runs *r) { return r->judged; }
size_t tc_runs_open(const tc_runs *r) { return r->nc; }
