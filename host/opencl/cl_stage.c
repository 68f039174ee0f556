#include "host/opencl/cl_stage.h"

#include <stdlib.h>

#include "kernels/geo.h"

#ifdef _OPENMP
#include <omp.h>
#endif

static size_t slot_buckets(size_t n) {
  size_t m = 1;
  while (m < 2 * n)
    m *= 2;
  return m;
}

size_t tc_cl_buckets(const tc_grid_block *blk, tc_cl_batch b) {
  size_t t = 0;
  for (size_t s = b.s0; s < b.s1; s++)
    t += slot_buckets(blk->off[s + 1] - blk->off[s]);
  return t;
}

size_t tc_cl_stage_offsets(const tc_grid_block *blk, tc_cl_batch b, uint32_t *slot_off,
                           uint32_t *bucket_off) {
  size_t a = blk->off[b.s0], nb = 0;
  for (size_t s = b.s0; s < b.s1; s++) {
    slot_off[s - b.s0] = (uint32_t)(blk->off[s] - a);
    bucket_off[s - b.s0] = (uint32_t)nb;
    nb += slot_buckets(blk->off[s + 1] - blk->off[s]);
  }
  slot_off[b.s1 - b.s0] = (uint32_t)(blk->off[b.s1] - a);
  bucket_off[b.s1 - b.s0] = (uint32_t)nb;
  return nb;
}

size_t tc_cl_stage(const tc_grid_block *blk, tc_cl_batch b, double cell, int single,
                   int32_t *cells, void *offsets, uint32_t *slot_off, uint32_t *bucket_off,
                   int threads) {
  size_t a = blk->off[b.s0], n = blk->off[b.s1] - a;
  float *of = offsets;
  double *od = offsets;
  long long nn = (long long)n;
  (void)threads;
  /* the grid's unit vectors: the ones the host's exact test and the openmp screen use */
  const double *ux = blk->x + a, *uy = blk->y + a, *uz = blk->z + a;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (n > 20000) num_threads(threads > 0 ? threads : omp_get_max_threads())
#endif
  for (long long i = 0; i < nn; i++) {
    double u[3] = {ux[i], uy[i], uz[i]};
    for (int k = 0; k < 3; k++) {
      long c = tc_cell_coord(u[k], cell);
      double o = u[k] - ((double)c * cell - 1.0); /* offset from the cell's corner */
      cells[4 * i + k] = (int32_t)c;
      if (single)
        of[4 * i + k] = (float)o;
      else
        od[4 * i + k] = o;
    }
    if (single)
      of[4 * i + 3] = 0.0f;
    else
      od[4 * i + 3] = 0.0;
  }
  size_t nb = tc_cl_stage_offsets(blk, b, slot_off, bucket_off);
  for (size_t s = b.s0; s < b.s1; s++)
    for (size_t i = blk->off[s] - a; i < blk->off[s + 1] - a; i++)
      cells[4 * i + 3] = (int32_t)(s - b.s0);
  return nb;
}

tc_status tc_cl_plan(const tc_grid_block *blk, size_t nmax, tc_cl_batch **batches, size_t *nb,
                     tc_err *err) {
  size_t cap = 16, n = 0;
  tc_cl_batch *v = malloc(cap * sizeof *v);
  if (!v)
    return tc_fail(err, TC_ERR_NOMEM, "OpenCL sub-batch plan: out of memory");
  size_t s = 0;
  while (s < blk->nslots) {
    if (blk->off[s + 1] - blk->off[s] < 2) { /* no pair at this grid time */
      s++;
      continue;
    }
    if (blk->off[s + 1] - blk->off[s] > nmax) {
      free(v);
      return tc_fail(err, TC_ERR_OVERFLOW,
                     "grid time %lld has %zu positions, more than the %zu that fit one OpenCL "
                     "sub-batch (the device memory budget and the device's largest buffer; "
                     "raise --device-memory)",
                     (long long)(blk->s0 + (int64_t)s * blk->slot), blk->off[s + 1] - blk->off[s],
                     nmax);
    }
    size_t e = s + 1;
    while (e < blk->nslots && blk->off[e + 1] - blk->off[s] <= nmax)
      e++;
    if (n == cap) {
      tc_cl_batch *t = realloc(v, 2 * cap * sizeof *v);
      if (!t) {
        free(v);
        return tc_fail(err, TC_ERR_NOMEM, "OpenCL sub-batch plan: out of memory");
      }
      v = t;
      cap *= 2;
    }
    v[n++] = (tc_cl_batch){s, e};
    s = e;
  }
  *batches = v;
  *nb = n;
  return TC_OK;
}
