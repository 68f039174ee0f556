#include "host/engine/speeds.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/grid.h"
#include "host/engine/grow.h"

#ifdef _OPENMP
#include <omp.h>
#endif

void tc_speeds_free(tc_speeds *s) {
  if (!s)
    return;
  free(s->speed);
  free(s->need);
  free(s->list);
  memset(s, 0, sizeof *s);
}

/* The positions of the close pairs are listed once each (a position takes part in
 * several pairs in a crowd), then their speeds are computed on all threads. */
tc_status tc_speeds_compute(tc_speeds *s, const tc_grid_block *blk, const tc_grid_cpu *g,
                            const tc_closebuf *close, int threads) {
  (void)threads;
  if (!tc_reserve((void **)&s->speed, &s->cap, blk->n, sizeof *s->speed) ||
      !tc_reserve((void **)&s->need, &s->ncap, blk->n, sizeof *s->need) ||
      !tc_reserve((void **)&s->list, &s->lcap, blk->n, sizeof *s->list))
    return TC_ERR_NOMEM;
  if (blk->n)
    memset(s->need, 0, blk->n);
  size_t m = 0;
  for (size_t k = 0; k < close->n; k++) {
    uint32_t pq[2] = {close->v[k].p, close->v[k].q};
    for (int e = 0; e < 2; e++)
      if (!s->need[pq[e]]) {
        s->need[pq[e]] = 1;
        s->list[m++] = pq[e];
      }
  }
  long long ml = (long long)m;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads > 0 ? threads : omp_get_max_threads())
#endif
  for (long long k = 0; k < ml; k++) {
    uint32_t p = s->list[k];
    s->speed[p] = tc_grid_cpu_speed_kn(g, blk, p);
  }
  return TC_OK;
}
