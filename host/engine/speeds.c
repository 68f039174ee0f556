#include "host/engine/speeds.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/grid.h"

#ifdef _OPENMP
#include <omp.h>
#endif

void tc_speeds_free(tc_speeds *s) {
  if (!s)
    return;
  free(s->speed);
  free(s->need);
  memset(s, 0, sizeof *s);
}

/* Grid time index of each position comes from the slot offsets. */
tc_status tc_speeds_compute(tc_speeds *s, const tc_grid_block *blk, const tc_grid_cpu *g,
                            const tc_track_window *w, const tc_closebuf *close, int threads) {
  (void)threads;
  if (blk->n > s->cap) {
    double *v = realloc(s->speed, blk->n * sizeof *v);
    if (!v)
      return TC_ERR_NOMEM;
    s->speed = v;
    unsigned char *n = realloc(s->need, blk->n);
    if (!n)
      return TC_ERR_NOMEM;
    s->need = n;
    s->cap = blk->n;
  }
  if (blk->n)
    memset(s->need, 0, blk->n);
  for (size_t k = 0; k < close->n; k++) {
    s->need[close->v[k].p] = 1;
    s->need[close->v[k].q] = 1;
  }
  long long ns = (long long)blk->nslots;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads > 0 ? threads : omp_get_max_threads())
#endif
  for (long long j = 0; j < ns; j++) {
    int64_t t = blk->s0 + (int64_t)j * blk->slot;
    for (size_t p = blk->off[j]; p < blk->off[j + 1]; p++)
      s->speed[p] = !s->need[p] ? NAN
                    : g       ? tc_grid_cpu_speed_kn(g, blk, p)
                              : tc_slot_speed_kn(w, blk->vid[p], t, blk->slot);
  }
  return TC_OK;
}
