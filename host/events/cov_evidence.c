/* A gap's coverage evidence (spec/events.md §2) as pass 2 streams it: summaries whose
 * size grows with the gap's windows and the vessels heard, never with the fixes.
 *
 * Everything pass 2 must answer is known before it starts: each reported gap's own
 * coverage (windows aligned to t_i) and others_seen, and each dark candidate pair's two
 * coverages over the overlap [o0, o1) (windows aligned to o0, the partner excluded).
 * A gap's windows of length w aligned to t_i are its blocks; any window of length w
 * meets at most two consecutive blocks, so per block the earliest fix, the earliest of
 * another vessel than that one, and the same two for the latest fix tell whether a
 * window holds a fix of anyone but one excluded vessel. The summaries do not depend on
 * the order the fixes come in. */
#include <stdlib.h>
#include <string.h>

#include "host/events/internal.h"

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static void want(tc_gap_rec *r, int64_t lo, int64_t hi, unsigned what) {
  if (lo >= hi)
    return;
  r->lo = r->want ? min64(r->lo, lo) : lo;
  r->hi = r->want ? max64(r->hi, hi) : hi;
  r->want |= what;
}

void tc_cov_plan(tc_gap_rec *gaps, size_t n, int64_t min_gap, const tc_dark_cands *dc, int64_t window) {
  for (size_t g = 0; g < n; g++) {
    tc_cov_release(&gaps[g]);
    gaps[g].want = 0;
    gaps[g].lo = gaps[g].hi = 0;
    if (gaps[g].g.t1 - gaps[g].g.t0 >= min_gap)
      want(&gaps[g], gaps[g].g.t0, gaps[g].g.t1, TC_COV_OWN);
  }
  for (size_t k = 0; dc && k < dc->n; k++) {
    tc_gap_rec *a = &gaps[dc->v[k].i], *b = &gaps[dc->v[k].j];
    int64_t o0 = max64(a->g.t0, b->g.t0), o1 = min64(a->g.t1, b->g.t1);
    int64_t end = o1 > o0 ? o0 + (o1 - o0) / window * window : o0; /* the rest is ignored */
    want(a, o0, end, TC_COV_PAIRS);
    want(b, o0, end, TC_COV_PAIRS);
  }
  for (size_t g = 0; g < n; g++) {
    tc_gap_rec *r = &gaps[g];
    if (!r->want)
      continue;
    r->b0 = floor_div(r->lo - r->g.t0, window);
    r->nb = (size_t)(floor_div(r->hi - 1 - r->g.t0, window) - r->b0 + 1);
  }
}

void tc_cov_release(tc_gap_rec *r) {
  free(r->blk);
  free(r->bits);
  free(r->set);
  r->blk = NULL;
  r->bits = NULL;
  r->set = NULL;
  r->set_cap = r->set_n = 0;
  r->set_last = 0;
}

/* Keeps (t1, m1) the earliest fix and (t2, m2) the earliest of a vessel other than m1
 * (later = 0) or the same for the latest (later = 1), whatever order fixes come in. */
static void extreme(int64_t *t1, uint32_t *m1, int64_t *t2, uint32_t *m2, int64_t t, uint32_t m, int later) {
  int before1 = later ? t > *t1 : t < *t1, before2 = later ? t > *t2 : t < *t2;
  if (m == *m1) {
    if (before1)
      *t1 = t;
  } else if (before1) {
    /* the old first is of another vessel than m and earlier than every other fix */
    *t2 = *t1;
    *m2 = *m1;
    *t1 = t;
    *m1 = m;
  } else if (before2) {
    *t2 = t;
    *m2 = m;
  }
}

static size_t slot_of(uint32_t m, size_t cap) {
  return (size_t)(((uint64_t)m * 0x9E3779B97F4A7C15ULL) >> 32) & (cap - 1);
}

/* mmsi to r's set of vessels heard (open addressing, 0 empty: an MMSI is never 0). */
static tc_status set_add(tc_gap_rec *r, uint32_t m) {
  if (m == r->set_last)
    return TC_OK; /* a vessel's fixes come in runs */
  r->set_last = m;
  if (2 * (r->set_n + 1) > r->set_cap) {
    size_t cap = r->set_cap ? 2 * r->set_cap : 16, ocap = r->set_cap;
    uint32_t *nv = calloc(cap, sizeof *nv), *old = r->set;
    if (!nv)
      return TC_ERR_NOMEM;
    for (size_t i = 0; i < ocap; i++)
      if (old[i]) {
        size_t h = slot_of(old[i], cap);
        while (nv[h])
          h = (h + 1) & (cap - 1);
        nv[h] = old[i];
      }
    free(old);
    r->set = nv;
    r->set_cap = cap;
  }
  size_t h = slot_of(m, r->set_cap);
  while (r->set[h] && r->set[h] != m)
    h = (h + 1) & (r->set_cap - 1);
  if (!r->set[h]) {
    r->set[h] = m;
    r->set_n++;
  }
  return TC_OK;
}

static tc_status blocks_ready(tc_gap_rec *r) {
  if (r->blk)
    return TC_OK;
  if (!(r->blk = malloc(r->nb * sizeof *r->blk)))
    return TC_ERR_NOMEM;
  for (size_t k = 0; k < r->nb; k++)
    r->blk[k] = (tc_cov_block){INT64_MAX, INT64_MAX, INT64_MIN, INT64_MIN, 0, 0, 0, 0};
  return TC_OK;
}

/* Fixes of vessel mmsi at lo <= hi, both in r's wanted span and in its block j (counted
 * from b0), to r's summaries: lo can change no latest, hi no earliest. */
static tc_status record_in_block(tc_gap_rec *r, int64_t j, int64_t lo, int64_t hi, uint32_t mmsi) {
  if (r->want & TC_COV_OWN)
    TC_TRY(set_add(r, mmsi));
  if (r->want & TC_COV_PAIRS) {
    TC_TRY(blocks_ready(r));
    tc_cov_block *b = &r->blk[j];
    extreme(&b->e1, &b->me1, &b->e2, &b->me2, lo, mmsi, 0);
    extreme(&b->l1, &b->ml1, &b->l2, &b->ml2, hi, mmsi, 1);
  } else {
    if (!r->bits && !(r->bits = calloc((r->nb + 63) / 64, sizeof *r->bits)))
      return TC_ERR_NOMEM;
    r->bits[j / 64] |= (uint64_t)1 << (j % 64);
  }
  return TC_OK;
}

tc_status tc_cov_record(tc_gap_rec *r, int64_t t, uint32_t mmsi, int64_t window) {
  if (!r->want || t < r->lo || t >= r->hi)
    return TC_OK;
  return record_in_block(r, floor_div(t - r->g.t0, window) - r->b0, t, t, mmsi);
}

tc_status tc_cov_record_pair(tc_gap_rec *r, int64_t lo, int64_t hi, uint32_t mmsi, int64_t window) {
  if (lo == hi)
    return tc_cov_record(r, lo, mmsi, window);
  int64_t j = floor_div(lo - r->g.t0, window);
  if (!r->want || lo < r->lo || hi >= r->hi || floor_div(hi - r->g.t0, window) != j) {
    TC_TRY(tc_cov_record(r, lo, mmsi, window));
    return tc_cov_record(r, hi, mmsi, window);
  }
  return record_in_block(r, j - r->b0, lo, hi, mmsi);
}

double tc_cov_span(const tc_gap_rec *r, int64_t u0, int64_t u1, int64_t window, uint32_t except) {
  if (u1 <= u0 || window <= 0)
    return 0.0;
  int64_t nw = (u1 - u0) / window;
  if (nw == 0)
    return 0.0;
  /* window k, [s, s + w) with s = u0 + k w, is the end of block j + k from s, then
   * (rem != 0) the start of block j + k + 1 before s + w: the same offset in every
   * window, so the blocks are stepped through, not looked up */
  int64_t off = u0 - r->g.t0, jb = floor_div(off, window), rem = off - jb * window, j = jb - r->b0;
  int64_t nb = (int64_t)r->nb, covered = 0;
  if (r->blk) {
    const tc_cov_block *blk = r->blk;
    for (int64_t k = 0; k < nw; k++) {
      int64_t s = u0 + k * window, x = j + k;
      int hit = 0;
      if (x >= 0 && x < nb) {
        const tc_cov_block *b = &blk[x];
        hit = (b->ml1 != except ? b->l1 : b->l2) >= s && (b->me1 != except ? b->e1 : b->e2) != INT64_MAX;
      }
      if (!hit && rem && x + 1 >= 0 && x + 1 < nb) {
        const tc_cov_block *b = &blk[x + 1];
        hit = (b->me1 != except ? b->e1 : b->e2) < s + window && (b->ml1 != except ? b->l1 : b->l2) != INT64_MIN;
      }
      covered += hit;
    }
  } else if (r->bits) {
    /* only whole blocks are asked of bits: a block holds a fix or not */
    for (int64_t k = 0; k < nw; k++) {
      int64_t x = j + k;
      int hit = x >= 0 && x < nb && (r->bits[x / 64] >> (x % 64) & 1);
      if (!hit && rem && x + 1 >= 0 && x + 1 < nb)
        hit = r->bits[(x + 1) / 64] >> ((x + 1) % 64) & 1;
      covered += hit;
    }
  }
  return (double)covered / (double)nw;
}

double tc_cov_gap(const tc_gap_rec *r, int64_t window) {
  return tc_cov_span(r, r->g.t0, r->g.t1, window, 0);
}

uint32_t tc_cov_others(const tc_gap_rec *r) { return (uint32_t)r->set_n; }
