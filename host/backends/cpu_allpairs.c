/* The "allpairs" backend: every pair of positions at every grid time goes through
 * the haversine test itself (no unit vectors, no cells), so it shares nothing with
 * the fast paths but the exact test. It is the oracle the tests compare against. */
#include <stdlib.h>

#include "host/backend.h"
#include "kernels/geo.h"

typedef struct {
  double dist_m;
} allpairs_state;

static tc_status ap_create(const tc_backend_config *cfg, void **state, tc_err *err) {
  allpairs_state *st = malloc(sizeof *st);
  if (!st)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory creating the allpairs backend");
  st->dist_m = cfg->dist_m;
  *state = st;
  return TC_OK;
}

static void ap_destroy(void *state) { free(state); }

static tc_status ap_candidates(void *state, const tc_grid_block *blk, tc_pairbuf *out,
                               tc_backend_stats *stats, tc_err *err) {
  allpairs_state *st = state;
  /* A hair wider than dist: the exact test decides; this only keeps rounding out. */
  double lim = st->dist_m * (1.0 + 1e-9);
  out->n = 0;
  uint64_t tests = 0;
  for (size_t j = 0; j < blk->nslots; j++)
    for (size_t a = blk->off[j]; a < blk->off[j + 1]; a++)
      for (size_t b = a + 1; b < blk->off[j + 1]; b++) {
        tests++;
        if (tc_haversine_m(blk->lat[a], blk->lon[a], blk->lat[b], blk->lon[b]) > lim)
          continue;
        if (out->n == out->cap &&
            tc_pairbuf_reserve(out, out->cap ? 2 * out->cap : 4096) != TC_OK)
          return tc_fail(err, TC_ERR_NOMEM, "out of memory in the allpairs search");
        out->p[out->n] = (uint32_t)a;
        out->q[out->n] = (uint32_t)b;
        out->n++;
      }
  if (stats) {
    stats->tests += tests;
    stats->candidates += out->n;
  }
  return TC_OK;
}

static const char *ap_precision(void *state) {
  (void)state;
  return "double";
}

const tc_backend_ops tc_backend_allpairs = {
    "allpairs", ap_create, ap_destroy, ap_candidates, ap_precision, NULL, NULL, 0, NULL, NULL,
};
