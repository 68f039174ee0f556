/* Slot speeds (spec §2) of the positions that take part in close pairs, computed once
 * per position and on all threads before the runs are linked. */
#ifndef TC_SPEEDS_H
#define TC_SPEEDS_H

#include <stddef.h>
#include <stdint.h>

#include "host/backend.h"
#include "host/engine/exact.h"
#include "host/engine/grid.h"

typedef struct {
  double *speed;        /* [blk->n] knots, NAN where undefined; set only where needed */
  unsigned char *need;  /* [blk->n] position takes part in a close pair */
  uint32_t *list;       /* those positions */
  size_t cap, ncap, lcap;
} tc_speeds;

void tc_speeds_free(tc_speeds *s);
/* g: the grid that filled blk (its vessel-major store gives the speeds). */
tc_status tc_speeds_compute(tc_speeds *s, const tc_grid_block *blk, const tc_grid_cpu *g,
                            const tc_closebuf *close, int threads);

#endif
