/* A run split into time parts (parts.h). */
#include "host/engine/parts.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/engine/grow.h"
#include "host/engine/source_multi.h"
#include "io/clock.h"

static int64_t ceil_to(int64_t t, int64_t slot) {
  int64_t q = t / slot;
  if (q * slot < t)
    q++;
  return q * slot;
}

static int empty_part(const tc_part *x) { return x->s_lo >= x->s_hi; }

tc_status tc_parts_plan(tc_store *const *stores, size_t n, const tc_params *p, unsigned k, int64_t lead_in,
                        tc_part *parts, tc_err *err) {
  if (k == 0)
    return tc_fail(err, TC_ERR_ARG, "a run needs at least one part");
  int64_t bmax = p->slot;
  uint64_t total = 0;
  for (int pass = 0; pass < 2; pass++) {
    uint64_t cum = 0;
    unsigned j = 1; /* the next boundary to place */
    int64_t b_prev = p->from;
    for (size_t i = 0; i < n; i++) {
      const tc_store_info *info = tc_store_get_info(stores[i]);
      if (info->bucket_s > bmax)
        bmax = info->bucket_s;
      for (size_t b = 0; b < info->nbuckets; b++) {
        int64_t t0;
        uint64_t rows;
        tc_status s = tc_store_bucket(stores[i], b, &t0, &rows);
        if (s != TC_OK)
          return tc_fail(err, s, "%s: bucket %zu of %zu missing from its table", tc_store_path(stores[i]), b,
                         info->nbuckets);
        if (t0 + info->bucket_s <= p->from || t0 >= p->to)
          continue;
        /* boundary j at the first bucket start with j/k of the rows before it */
        while (pass == 1 && j < k && cum * k >= (uint64_t)j * total) {
          int64_t at = ceil_to(t0, p->slot);
          if (at < b_prev)
            at = b_prev;
          if (at > p->to)
            at = p->to;
          parts[j - 1].s_hi = parts[j].s_lo = b_prev = at;
          j++;
        }
        cum += rows;
        if (pass == 1)
          parts[j - 1].rows += rows;
      }
    }
    if (pass == 0) {
      total = cum;
      for (unsigned i = 0; i < k; i++) {
        memset(&parts[i], 0, sizeof parts[i]);
        parts[i].s_lo = parts[i].s_hi = p->to; /* parts with no boundary placed are empty */
      }
      parts[0].s_lo = p->from;
      parts[k - 1].s_hi = p->to;
    } else {
      for (; j < k; j++) /* fewer rows than parts: the rest are empty, at the end */
        parts[j - 1].s_hi = parts[j].s_lo = p->to;
    }
  }
  for (unsigned i = 0; i < k; i++) {
    tc_part *x = &parts[i];
    if (i == 0) {
      x->read_from = x->check_at = x->head_until = INT64_MIN;
    } else if (empty_part(x)) {
      /* nothing read; its s_lo may be INT64_MAX (no --to), which the lead-in below would overflow */
      x->read_from = x->check_at = x->head_until = x->s_lo;
    } else {
      /* the slice end at or after check_at is at most a bucket later: still before the
       * first grid time whose slot speed looks one slot back */
      x->check_at = x->s_lo - p->slot - bmax;
      x->read_from = x->check_at - lead_in;
      x->head_until = x->s_lo - p->slot + p->merge_gap;
    }
    x->next_check = INT64_MAX;
  }
  for (unsigned i = 0; i < k; i++)
    for (unsigned j = i + 1; j < k; j++)
      if (!empty_part(&parts[j])) {
        parts[i].next_check = parts[j].check_at;
        break;
      }
  return TC_OK;
}

static uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

int tc_part_snap_equal(const tc_part_snap *a, const tc_part_snap *b) {
  return a->t_end == b->t_end && a->vessels == b->vessels && a->hash == b->hash;
}

static void snap(const tc_grid_cpu *g, int64_t t_end, int64_t max_gap, tc_part_snap *out) {
  size_t nv = tc_grid_cpu_vessels(g);
  const uint32_t *mmsi = tc_grid_cpu_mmsi(g);
  const int64_t *lt = tc_grid_cpu_last_kept(g);
  out->t_end = t_end;
  out->vessels = 0;
  out->hash = 0;
  for (size_t i = 0; i < nv; i++)
    if (lt[i] != INT64_MIN && lt[i] > t_end - max_gap) {
      out->vessels++;
      out->hash = mix(out->hash ^ mix(((uint64_t)mmsi[i] << 32) ^ (uint64_t)lt[i]));
    }
}

typedef struct {
  const tc_part *part;
  int64_t max_gap, slot;
  tc_part_result *r;
  const tc_engine_hooks *user;
} part_ctx;

static tc_status after_add(void *vctx, const tc_grid_cpu *g, int64_t t_end, tc_err *err) {
  part_ctx *c = vctx;
  (void)err;
  if (c->part->check_at != INT64_MIN && c->r->own.t_end == INT64_MIN && t_end >= c->part->check_at) {
    snap(g, t_end, c->max_gap, &c->r->own);
    /* a state taken after the first grid time the part needs proves nothing about it
     * (stores of different bucket lengths can skip a slice end past check_at) */
    if (t_end > c->part->s_lo - c->slot)
      c->r->own.vessels = UINT64_MAX;
  }
  if (c->part->next_check != INT64_MAX && c->r->next.t_end == INT64_MIN && t_end >= c->part->next_check)
    snap(g, t_end, c->max_gap, &c->r->next);
  return TC_OK;
}

static void part_tick(void *vctx, const tc_engine_tick *t) {
  part_ctx *c = vctx;
  c->user->tick(c->user->tick_ctx, t);
}

void tc_part_result_init(tc_part_result *r) {
  memset(r, 0, sizeof *r);
  tc_encounter_list_init(&r->found);
  tc_edge_runs_init(&r->edges);
  r->own.t_end = r->next.t_end = INT64_MIN;
}

void tc_part_result_free(tc_part_result *r) {
  if (!r)
    return;
  tc_encounter_list_free(&r->found);
  tc_edge_runs_free(&r->edges);
  tc_part_result_init(r);
}

tc_status tc_part_run(tc_store *const *stores, size_t n, const tc_part *part, int from_start, const tc_params *p,
                      const tc_backend_ops *ops, const tc_backend_config *cfg, const tc_engine_hooks *hooks,
                      tc_part_result *r, tc_err *err) {
  tc_part_result_free(r);
  r->from_start = from_start || part->read_from == INT64_MIN;
  if (empty_part(part))
    return TC_OK; /* nothing to compute, and nothing of it checked (tc_parts_check) */
  double w0 = tc_clock_wall(), c0 = tc_clock_cpu();
  tc_multi_source *m = NULL;
  tc_status s = tc_multi_source_create(stores, n, tc_params_threads(p), &m, err);
  if (s != TC_OK)
    return s;
  if (!r->from_start)
    tc_multi_source_seek(m, part->read_from);
  tc_bucket_source src = tc_multi_source_get(m);
  tc_params pp = *p;
  pp.from = part->s_lo;
  pp.to = part->s_hi;
  part_ctx pc = {part, p->max_gap, p->slot, r, hooks};
  tc_engine_hooks hk = {.ctx = &pc,
                        .edges = &r->edges,
                        .head_until = part->head_until,
                        .after_add = after_add,
                        .tick = hooks && hooks->tick ? part_tick : NULL,
                        .tick_ctx = &pc};
  s = tc_encounters_run_hooked(&src, &pp, ops, cfg, &hk, &r->found, &r->stats, err);
  tc_multi_source_free(m);
  r->t_wall = tc_clock_wall() - w0;
  r->t_cpu = tc_clock_cpu() - c0;
  return s;
}

unsigned tc_parts_check(unsigned k, const tc_part *parts, const tc_part_snap *own, const tc_part_snap *next,
                        const int *from_start, unsigned char *rerun) {
  unsigned inexact = 0;
  int prev = -1, prev_exact = 1; /* the last non-empty part before i, and whether it is exact */
  for (unsigned i = 0; i < k; i++) {
    rerun[i] = 0;
    if (empty_part(&parts[i]))
      continue;
    /* own[i].t_end == INT64_MIN: never taken (no slice ended in the lead-in) */
    int exact = i == 0 || from_start[i] ||
                (prev >= 0 && prev_exact && own[i].t_end != INT64_MIN && tc_part_snap_equal(&own[i], &next[prev]));
    if (!exact) {
      inexact++;
      rerun[i] = (unsigned char)prev_exact;
    }
    prev = (int)i;
    prev_exact = exact;
  }
  return inexact;
}

/* Edge runs of one part in (key, first close time) order. */
typedef struct {
  const tc_edge_runs *e;
  size_t *ix;
} sorted_edges;

static const tc_edge_runs *sort_ctx; /* qsort has no context argument; the stitch runs on one thread */
static int cmp_edge(const void *pa, const void *pb) {
  size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
  const tc_edge_runs *e = sort_ctx;
  if (e->key[a] != e->key[b])
    return e->key[a] < e->key[b] ? -1 : 1;
  int64_t ta = e->t[e->off[a]].t, tb = e->t[e->off[b]].t;
  return (ta > tb) - (ta < tb);
}

static const tc_close_time *run_times(const tc_edge_runs *e, size_t i, size_t *n) {
  *n = (size_t)(e->off[i + 1] - e->off[i]);
  return e->t + e->off[i];
}

/* Appends v[0..n) to the last run of e (a carried run joined by a head). */
static tc_status extend_last(tc_edge_runs *e, const tc_close_time *v, size_t n) {
  tc_close_time *t = tc_grow(e->t, &e->capt, e->nt + n, sizeof *e->t, 256);
  if (!t)
    return TC_ERR_NOMEM;
  e->t = t;
  memcpy(e->t + e->nt, v, n * sizeof *v);
  e->nt += n;
  e->off[e->n] = e->nt;
  return TC_OK;
}

/* The carry: runs that may still grow, in key order, one per key. For each part in
 * order, a carried run joins the part's first run of its pair when that is a head and
 * starts at most merge_gap after it; a run that is a tail (joined or not) is carried
 * on; a carried run that its pair's next run cannot join is judged, and so is a head
 * that is not a tail (it ended inside its part). */
tc_status tc_parts_stitch(const tc_params *p, const tc_edge_runs *const *edges, unsigned k,
                          tc_encounter_list *out, uint64_t *judged, tc_err *err) {
  tc_edge_runs carry, next;
  tc_edge_runs_init(&carry);
  tc_edge_runs_init(&next);
  tc_runs *judge = NULL;
  size_t *ix = NULL, cap_ix = 0;
  tc_status s = tc_runs_create(p, &judge);
  /* A carried run absent from a part stays carried: a later run of its pair that could
   * join it starts at most merge_gap after it, hence at most merge_gap after its own
   * part's start, so it is a head and meets it below; nothing that could still grow is
   * judged early, and what is left after the last part is judged then. */
  for (unsigned part = 0; s == TC_OK && part < k; part++) {
    const tc_edge_runs *e = edges[part];
    if (e->n > cap_ix) {
      size_t *g = realloc(ix, e->n * sizeof *g);
      if (!g) {
        s = TC_ERR_NOMEM;
        break;
      }
      ix = g;
      cap_ix = e->n;
    }
    for (size_t i = 0; i < e->n; i++)
      ix[i] = i;
    sort_ctx = e;
    if (e->n) /* qsort's array may not be NULL, even empty */
      qsort(ix, e->n, sizeof *ix, cmp_edge);
    next.n = next.nt = 0;
    size_t ci = 0, ei = 0;
    while (s == TC_OK && (ci < carry.n || ei < e->n)) {
      uint64_t kc = ci < carry.n ? carry.key[ci] : UINT64_MAX, ke = ei < e->n ? e->key[ix[ei]] : UINT64_MAX;
      size_t nc = 0, ne;
      if (kc < ke) { /* not in this part: keep */
        const tc_close_time *v = run_times(&carry, ci, &nc);
        s = tc_edge_runs_push(&next, kc, carry.flags[ci], v, nc);
        ci++;
        continue;
      }
      /* the part's runs of pair ke, in time order; the first may continue the carry */
      size_t first = ei;
      while (ei < e->n && e->key[ix[ei]] == ke)
        ei++;
      const tc_close_time *vc = kc == ke ? run_times(&carry, ci, &nc) : NULL;
      for (size_t j = first; s == TC_OK && j < ei; j++) {
        const tc_close_time *v = run_times(e, ix[j], &ne);
        uint32_t fl = e->flags[ix[j]];
        if (vc && j == first && (fl & TC_EDGE_HEAD) && v[0].t - vc[nc - 1].t <= p->merge_gap) {
          if (fl & TC_EDGE_TAIL) {
            if ((s = tc_edge_runs_push(&next, ke, TC_EDGE_TAIL, vc, nc)) == TC_OK)
              s = extend_last(&next, v, ne);
          } else {
            if ((s = tc_edge_runs_push(&next, ke, 0, vc, nc)) == TC_OK && (s = extend_last(&next, v, ne)) == TC_OK) {
              size_t nn;
              const tc_close_time *vv = run_times(&next, next.n - 1, &nn);
              s = tc_runs_judge_times(judge, ke, vv, nn, out);
              next.n--; /* judged: not carried */
              next.nt = next.off[next.n];
            }
          }
          vc = NULL;
          continue;
        }
        if (vc) { /* the carried run ended before this part's runs of its pair */
          s = tc_runs_judge_times(judge, ke, vc, nc, out);
          vc = NULL;
          if (s != TC_OK)
            break;
        }
        s = fl & TC_EDGE_TAIL ? tc_edge_runs_push(&next, ke, TC_EDGE_TAIL, v, ne)
                              : tc_runs_judge_times(judge, ke, v, ne, out);
      }
      if (s == TC_OK && vc)
        s = tc_runs_judge_times(judge, ke, vc, nc, out);
      if (kc == ke)
        ci++;
    }
    tc_edge_runs t = carry;
    carry = next;
    next = t;
  }
  for (size_t i = 0; s == TC_OK && i < carry.n; i++) {
    size_t nc;
    const tc_close_time *v = run_times(&carry, i, &nc);
    s = tc_runs_judge_times(judge, carry.key[i], v, nc, out);
  }
  if (s == TC_OK)
    tc_encounter_list_sort(out);
  else
    tc_fail(err, s, "out of memory stitching the parts' runs");
  if (judged)
    *judged = judge ? tc_runs_candidates(judge) : 0;
  free(ix);
  tc_runs_free(judge);
  tc_edge_runs_free(&carry);
  tc_edge_runs_free(&next);
  return s;
}

tc_status tc_parts_converge(unsigned k, const tc_part *parts, const tc_part_runner *r, unsigned *reruns,
                            tc_err *err) {
  tc_part_snap *own = calloc(k, sizeof *own), *nxt = calloc(k, sizeof *nxt);
  int *fs = calloc(k, sizeof *fs);
  unsigned char *rerun = calloc(k, 1);
  tc_status s = own && nxt && fs && rerun ? TC_OK : tc_fail(err, TC_ERR_NOMEM, "out of memory");
  *reruns = 0;
  for (unsigned i = 0; s == TC_OK && i < k; i++)
    s = r->run(r->ctx, i, 0, err);
  while (s == TC_OK) {
    for (unsigned i = 0; i < k; i++)
      r->snaps(r->ctx, i, &own[i], &nxt[i], &fs[i]);
    if (tc_parts_check(k, parts, own, nxt, fs, rerun) == 0)
      break;
    for (unsigned i = 0; s == TC_OK && i < k; i++)
      if (rerun[i]) {
        (*reruns)++;
        s = r->run(r->ctx, i, 1, err);
      }
  }
  free(own);
  free(nxt);
  free(fs);
  free(rerun);
  return s;
}

static tc_status enc_run(void *ctx, unsigned i, int from_start, tc_err *err) {
  const tc_enc_parts *c = ctx;
  const tc_parts_over *o = &c->on;
  return tc_part_run(o->stores, o->n, &o->parts[i], from_start, o->p, c->ops, c->cfg, c->hooks, &c->res[i - o->first],
                     err);
}

static void enc_snaps(void *ctx, unsigned i, tc_part_snap *own, tc_part_snap *next, int *from_start) {
  const tc_enc_parts *c = ctx;
  const tc_part_result *r = &c->res[i - c->on.first];
  *own = r->own;
  *next = r->next;
  *from_start = r->from_start;
}

tc_part_runner tc_enc_part_runner(tc_enc_parts *c) { return (tc_part_runner){enc_run, enc_snaps, c}; }

tc_status tc_encounters_run_parts(tc_store *const *stores, size_t n, unsigned k, int64_t lead_in,
                                  const tc_params *p, const tc_backend_ops *ops, const tc_backend_config *cfg,
                                  tc_encounter_list *out, unsigned *reruns, tc_err *err) {
  tc_part *parts = calloc(k, sizeof *parts);
  tc_part_result *res = calloc(k, sizeof *res);
  const tc_edge_runs **edges = calloc(k, sizeof *edges);
  tc_status s = parts && res && edges ? TC_OK : tc_fail(err, TC_ERR_NOMEM, "out of memory");
  for (unsigned i = 0; res && i < k; i++)
    tc_part_result_init(&res[i]);
  *reruns = 0;
  if (s == TC_OK)
    s = tc_parts_plan(stores, n, p, k, lead_in, parts, err);
  tc_enc_parts c = {{stores, n, parts, p, 0}, ops, cfg, NULL, res};
  tc_part_runner runner = tc_enc_part_runner(&c);
  if (s == TC_OK)
    s = tc_parts_converge(k, parts, &runner, reruns, err);
  for (unsigned i = 0; s == TC_OK && i < k; i++) {
    edges[i] = &res[i].edges;
    for (size_t j = 0; s == TC_OK && j < res[i].found.n; j++)
      if (tc_encounter_list_push(out, &res[i].found.v[j]) != TC_OK)
        s = tc_fail(err, TC_ERR_NOMEM, "out of memory collecting encounters");
  }
  if (s == TC_OK)
    s = tc_parts_stitch(p, edges, k, out, NULL, err);
  for (unsigned i = 0; res && i < k; i++)
    tc_part_result_free(&res[i]);
  free(parts);
  free(res);
  free(edges);
  return s;
}
