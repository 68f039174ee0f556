/* The device's key sort (kernels/sort.cl: tc_rsort_count, tc_rsort_move): a stable LSD
 * radix sort of (64-bit key, 8-byte value) pairs, TC_OCL_SORT_BITS a pass, each pass a count of
 * every chunk's digits, the one prefix scan of host/opencl (tc_ocl_scan) over the counts,
 * and a move. The runs' linking (cl_runs.c) sorts its close pairs by (vessel pair, grid
 * time) with it: the work is the same for a group of one close time and for a pair moored
 * through the whole block, where ranking each close time within its group costs the
 * group's size per close time. */
#include <stdlib.h>

#include "host/opencl/cl_state.h"

#define BINS (1u << TC_OCL_SORT_BITS)

/* Elements a work-item counts and moves: enough chunks to fill the device (64 a compute
 * unit), but at least BINS elements a chunk so that the counts (BINS a chunk) stay no
 * more than the keys. */
static size_t chunk_of(const tc_ocl *s, size_t m) {
  size_t want = 64 * (size_t)(s->dev.compute_units ? s->dev.compute_units : 1);
  size_t c = (m + want - 1) / want;
  return c < BINS ? BINS : c;
}

size_t tc_ocl_sort_hist(const tc_ocl *s, size_t m) {
  size_t c = chunk_of(s, m);
  return BINS * ((m + c - 1) / c);
}

tc_status tc_ocl_sort(tc_ocl *s, cl_mem key[2], cl_mem val[2], size_t m, int bits, int kind, int *out,
                      tc_err *err) {
  tc_status st = TC_OK;
  size_t chunk = chunk_of(s, m), nchunk = (m + chunk - 1) / chunk;
  cl_uint um = (cl_uint)m, uc = (cl_uint)chunk, un = (cl_uint)nchunk;
  int cur = 0;
  *out = 0;
  if (m < 2 || bits <= 0)
    return TC_OK;
  if (bits > 64 || m > UINT32_MAX / 2)
    return tc_fail(err, TC_ERR_INTERNAL, "device sort of %zu keys of %d bits", m, bits);
  if ((st = tc_ocl_ensure(s, &s->sort_hist, &s->sort_hist_cap, BINS * nchunk, 4, "sort counts", err)) != TC_OK)
    return st;
  for (int shift = 0; shift < bits; shift += TC_OCL_SORT_BITS, cur = 1 - cur) {
    cl_uint ush = (cl_uint)shift;
    if ((st = tc_ocl_args(s->k[TC_K_RSORT_COUNT], tc_ocl_kernel_names[TC_K_RSORT_COUNT], err, 6,
                          A(key[cur]), A(um), A(ush), A(uc), A(un), A(s->sort_hist))) ||
        (st = tc_ocl_launch(s, TC_K_RSORT_COUNT, nchunk, NULL, kind, err)) ||
        (st = tc_ocl_scan(s, s->sort_hist, BINS * nchunk, 0, kind, err)) ||
        (st = tc_ocl_args(s->k[TC_K_RSORT_MOVE], tc_ocl_kernel_names[TC_K_RSORT_MOVE], err, 9,
                          A(key[cur]), A(val[cur]), A(um), A(ush), A(uc), A(un), A(s->sort_hist),
                          A(key[1 - cur]), A(val[1 - cur]))) ||
        (st = tc_ocl_launch(s, TC_K_RSORT_MOVE, nchunk, NULL, kind, err)))
      return st;
  }
  *out = cur;
  return TC_OK;
}

/* For the tests: the same sort of n pairs held by the host, in place. Each value goes
 * down as (idx, ~idx), and both halves must come back together. */
tc_status tc_opencl_sort(void *state, uint64_t *key, uint32_t *idx, size_t n, int bits, tc_err *err) {
  tc_status st = TC_OK;
  tc_ocl *s = state;
  cl_mem k[2] = {NULL, NULL}, x[2] = {NULL, NULL};
  cl_uint2 *v = malloc(8 * (n ? n : 1));
  int out = 0;
  if (s->nsub > 1)
    s = s->sub[0];
  if (!v)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory for %zu sort values", n);
  for (size_t i = 0; i < n; i++) {
    v[i].s[0] = idx[i];
    v[i].s[1] = ~idx[i];
  }
  for (int i = 0; i < 2; i++)
    if ((st = tc_ocl_remake(s, &k[i], 0, 8 * n, "sort keys", err)) != TC_OK ||
        (st = tc_ocl_remake(s, &x[i], 0, 8 * n, "sort values", err)) != TC_OK)
      goto cleanup;
  if (n) {
    TC_CL_TRY(err, clEnqueueWriteBuffer(s->q, k[0], CL_TRUE, 0, 8 * n, key, 0, NULL, NULL));
    TC_CL_TRY(err, clEnqueueWriteBuffer(s->q, x[0], CL_TRUE, 0, 8 * n, v, 0, NULL, NULL));
  }
  if ((st = tc_ocl_sort(s, k, x, n, bits, TC_P_SORT, &out, err)) != TC_OK)
    goto cleanup;
  if (n) {
    TC_CL_TRY(err, clEnqueueReadBuffer(s->q, k[out], CL_TRUE, 0, 8 * n, key, 0, NULL, NULL));
    TC_CL_TRY(err, clEnqueueReadBuffer(s->q, x[out], CL_TRUE, 0, 8 * n, v, 0, NULL, NULL));
  }
  for (size_t i = 0; i < n; i++) {
    if (v[i].s[1] != ~v[i].s[0]) {
      st = tc_fail(err, TC_ERR_INTERNAL, "device sort: value %zu came back torn", i);
      goto cleanup;
    }
    idx[i] = v[i].s[0];
  }
cleanup:
  for (int i = 0; i < 2; i++) {
    tc_ocl_release(s, &k[i], 8 * (n ? n : 2));
    tc_ocl_release(s, &x[i], 8 * (n ? n : 2));
  }
  free(v);
  if (s->profile)
    tc_ocl_prof_collect(s);
  return st;
}
