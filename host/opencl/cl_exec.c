/* The low-level steps every part of a sub-batch uses (cl_batch.c, cl_runs.c): buffers made
 * and grown, kernel arguments and launches, fills, the compute queue's wait, and the
 * profiling events whose times --profile reports. */
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

#include "host/opencl/cl_state.h"
#include "io/clock.h"
#include "io/hugepages.h"

typedef tc_ocl ocl;

const char *const tc_ocl_kernel_names[TC_K_COUNT] = {
    "tc_cell_keys", "tc_scan_block", "tc_scan_add", "tc_scatter", "tc_neigh", "tc_allpairs",
    "tc_stage", "tc_stage_keys", "tc_scatter_units", "tc_slot_cells",
    "tc_run_drop", "tc_rsort_count", "tc_rsort_move"};

/* clFinish of the compute queue, its time counted as the host waiting on the device. */
tc_status tc_ocl_wait(ocl *s, tc_err *err) {
  tc_status st = TC_OK;
  double t0 = tc_clock_wall();
  TC_CL_TRY(err, clFinish(s->q));
cleanup:
  s->info.t_wait += tc_clock_wall() - t0;
  return st;
}

void tc_ocl_release(ocl *s, cl_mem *m, size_t bytes) {
  if (*m) {
    clReleaseMemObject(*m);
    s->used -= bytes;
  }
  *m = NULL;
}

/* Host memory of a buffer the device uses in place, freed when the buffer is destroyed
 * (after the last command that uses it, whenever its release came). */
static void CL_CALLBACK free_host(cl_mem m, void *p) {
  (void)m;
  free(p);
}

/* Buffers this large, on a CPU device (s->zero_copy), lie in memory this process asks
 * huge pages for (io/hugepages.h), used in place (CL_MEM_USE_HOST_PTR): the driver's own
 * allocations fault in 4 KiB at a time (on the 5 M-fix day about 5 000 of PoCL's 13 000
 * faults a run were the kernels' first touches of their buffers). */
#define HOST_BUFFER_MIN ((size_t)1 << 20)

tc_status tc_ocl_remake(ocl *s, cl_mem *m, size_t old_bytes, size_t bytes, const char *what,
                        tc_err *err) {
  tc_status st = TC_OK;
  cl_int rc = CL_SUCCESS;
  tc_ocl_release(s, m, old_bytes);
  if (bytes == 0)
    bytes = 16;
  void *host = s->zero_copy && bytes >= HOST_BUFFER_MIN ? tc_realloc_huge(NULL, bytes) : NULL;
  if (host) {
    *m = clCreateBuffer(s->ctx, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, bytes, host, &rc);
    if (rc != CL_SUCCESS)
      free(host);
    TC_CL_TRY_RC(err, rc, "clCreateBuffer (CL_MEM_USE_HOST_PTR)");
    rc = clSetMemObjectDestructorCallback(*m, free_host, host);
    if (rc != CL_SUCCESS) {
      clReleaseMemObject(*m); /* no destructor: the memory is the caller's to free */
      free(host);
    }
    TC_CL_TRY_RC(err, rc, "clSetMemObjectDestructorCallback");
  } else {
    *m = clCreateBuffer(s->ctx, CL_MEM_READ_WRITE, bytes, NULL, &rc);
    TC_CL_TRY_RC(err, rc, "clCreateBuffer");
  }
  s->used += bytes;
cleanup:
  if (st != TC_OK) {
    *m = NULL;
    tc_err_prefix(err, "OpenCL %s buffer (%zu bytes): ", what, bytes);
  }
  return st;
}

/* Grows a buffer of `elem`-byte elements to hold `need`; *cap counts elements. */
tc_status tc_ocl_ensure(ocl *s, cl_mem *m, size_t *cap, size_t need, size_t elem, const char *what,
                        tc_err *err) {
  if (*m && *cap >= need)
    return TC_OK;
  tc_status st = tc_ocl_remake(s, m, *cap * elem, need * elem, what, err);
  *cap = st == TC_OK ? need : 0;
  return st;
}

tc_status tc_ocl_args(cl_kernel k, const char *name, tc_err *err, int n, ...) {
  tc_status st = TC_OK;
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) {
    size_t size = va_arg(ap, size_t);
    const void *val = va_arg(ap, const void *);
    cl_int rc = clSetKernelArg(k, (cl_uint)i, size, val);
    if (rc != CL_SUCCESS) {
      st = tc_cl_fail(err, rc, "clSetKernelArg", __FILE__, __LINE__);
      tc_err_prefix(err, "kernel %s argument %d: ", name, i);
      break;
    }
  }
  va_end(ap);
  return st;
}

static double ev_seconds(cl_event e) {
  cl_ulong a = 0, b = 0;
  if (clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_START, sizeof a, &a, NULL) != CL_SUCCESS ||
      clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_END, sizeof b, &b, NULL) != CL_SUCCESS)
    return 0;
  return b > a ? 1e-9 * (double)(b - a) : 0;
}

/* Accounts the profiled commands once they are complete. */
void tc_ocl_prof_collect(ocl *s) {
  int n = 0;
  for (int i = 0; i < s->npend; i++) /* drop the slots of commands that failed */
    if (s->pend[i]) {
      s->pend_kind[n] = s->pend_kind[i];
      s->pend[n++] = s->pend[i];
    }
  s->npend = n;
  if (n)
    clWaitForEvents((cl_uint)n, s->pend);
  for (int i = 0; i < s->npend; i++) {
    double t = ev_seconds(s->pend[i]);
    double *dst[] = {&s->info.t_keys, &s->info.t_sort, &s->info.t_pairs, &s->info.t_write,
                     &s->info.t_read, &s->info.t_runs};
    *dst[s->pend_kind[i]] += t;
    clReleaseEvent(s->pend[i]);
  }
  s->npend = 0;
}

/* The event slot for a command when profiling, else NULL. */
cl_event *tc_ocl_prof_slot(ocl *s, int kind) {
  if (!s->profile)
    return NULL;
  if (s->npend == TC_OCL_MAX_PENDING)
    tc_ocl_prof_collect(s);
  s->pend_kind[s->npend] = kind;
  s->pend[s->npend] = NULL;
  return &s->pend[s->npend++];
}

tc_status tc_ocl_launch(ocl *s, int k, size_t n, const cl_event *wait, int kind, tc_err *err) {
  tc_status st = TC_OK;
  size_t wg = s->wg, global = (n + wg - 1) / wg * wg;
  if (global == 0)
    global = wg;
  TC_CL_TRY(err, clEnqueueNDRangeKernel(s->q, s->k[k], 1, NULL, &global, &wg, wait ? 1 : 0, wait,
                                        tc_ocl_prof_slot(s, kind)));
cleanup:
  if (st != TC_OK)
    tc_err_prefix(err, "kernel %s over %zu items: ", tc_ocl_kernel_names[k], n);
  return st;
}

tc_status tc_ocl_fill_zero(ocl *s, cl_mem m, size_t bytes, int kind, tc_err *err) {
  tc_status st = TC_OK;
  cl_uint zero = 0;
  TC_CL_TRY(err, clEnqueueFillBuffer(s->q, m, &zero, sizeof zero, 0, bytes, 0, NULL,
                                     tc_ocl_prof_slot(s, kind)));
cleanup:
  return st;
}

/* Exclusive scan of m[0, n) in place, one level of the recursion per call; its kernels'
 * time counted under profile slot `kind`. The bucket starts (cl_batch.c) and the radix
 * sort's digit counts (cl_sort.c) share it, so the chunk always matches kernels/sort.cl's
 * items a work-item. */
tc_status tc_ocl_scan(tc_ocl *s, cl_mem m, size_t n, int level, int kind, tc_err *err) {
  tc_status st = TC_OK;
  size_t chunk = TC_OCL_SCAN_ITEMS * s->wg, groups = (n + chunk - 1) / chunk;
  cl_uint un = (cl_uint)n, uc = (cl_uint)chunk;
  if (level == TC_OCL_MAX_LEVELS)
    return tc_fail(err, TC_ERR_INTERNAL, "prefix scan deeper than %d levels", TC_OCL_MAX_LEVELS);
  if ((st = tc_ocl_ensure(s, &s->lvl[level], &s->lvl_cap[level], groups, 4, "scan sums", err)) != TC_OK ||
      (st = tc_ocl_args(s->k[TC_K_SCAN], tc_ocl_kernel_names[TC_K_SCAN], err, 4, A(m), A(un),
                        A(s->lvl[level]), L(s->wg * 4))) != TC_OK ||
      (st = tc_ocl_launch(s, TC_K_SCAN, groups * s->wg, NULL, kind, err)) != TC_OK)
    return st;
  if (groups > 1) {
    if ((st = tc_ocl_scan(s, s->lvl[level], groups, level + 1, kind, err)) != TC_OK ||
        (st = tc_ocl_args(s->k[TC_K_ADD], tc_ocl_kernel_names[TC_K_ADD], err, 4, A(m), A(un),
                          A(s->lvl[level]), A(uc))) != TC_OK ||
        (st = tc_ocl_launch(s, TC_K_ADD, n, NULL, kind, err)) != TC_OK)
      return st;
  }
  return st;
}
