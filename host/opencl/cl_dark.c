#include "host/opencl/cl_dark.h"

#include <stdint.h>
#include <stdlib.h>

#include "host/opencl/cl_device.h"
#include "host/opencl/cl_program.h"
#include "kernels/geo.h"

struct tc_cl_dark {
  tc_cl_device_info dev;
  cl_context ctx;
  cl_program prog;
  cl_command_queue q;
  cl_kernel k;
  size_t max_pairs; /* per launch: what one buffer may hold */
};

void tc_cl_dark_free(tc_cl_dark *d) {
  if (!d)
    return;
  if (d->k)
    clReleaseKernel(d->k);
  if (d->q)
    clReleaseCommandQueue(d->q);
  if (d->prog)
    clReleaseProgram(d->prog);
  if (d->ctx)
    clReleaseContext(d->ctx);
  free(d);
}

const char *tc_cl_dark_device(const tc_cl_dark *d) { return d->dev.name; }

/* Pairs one launch may take: its input buffer within the largest allocation
 * (TRAJCORR_CL_MAX_ALLOC lowers it, as for the encounters' backend, so the tests cut the
 * events' chunks into several launches), both buffers within half the device's global
 * memory, and at most 2^24 (a 32-bit count, launches of a few seconds at most). */
static tc_status launch_pairs(tc_cl_dark *d, tc_err *err) {
  int forced;
  tc_status st = tc_cl_device_limit_alloc(&d->dev, &forced, err);
  if (st != TC_OK)
    return st;
  uint64_t max_alloc = d->dev.max_alloc, half = d->dev.global_mem / 2;
  uint64_t n = max_alloc / (TC_DARK_IN * sizeof(double));
  if (half && half / ((TC_DARK_IN + TC_DARK_OUT) * sizeof(double)) < n)
    n = half / ((TC_DARK_IN + TC_DARK_OUT) * sizeof(double));
  if (n > ((uint64_t)1 << 24))
    n = (uint64_t)1 << 24;
  d->max_pairs = n ? (size_t)n : 1;
  return TC_OK;
}

tc_status tc_cl_dark_create(int platform, int device, int device_type, tc_cl_dark **out,
                            tc_err *err) {
  tc_status st = TC_OK;
  cl_int rc;
  *out = NULL;
  tc_cl_dark *d = calloc(1, sizeof *d);
  if (!d)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory starting OpenCL");
  if ((st = tc_cl_device_select(platform, device, device_type, &d->dev, err)))
    goto cleanup;
  if (!d->dev.fp64) {
    st = tc_fail(err, TC_ERR_UNSUPPORTED, "OpenCL device %d (%s) has no double precision "
                 "(cl_khr_fp64), which the dark rendezvous kernel needs", d->dev.index, d->dev.name);
    goto cleanup;
  }
  if ((st = tc_cl_context_get(d->dev.device_id, &d->ctx, err)) ||
      (st = tc_cl_program_get(d->dev.device_id, 0, 1, &d->prog, NULL, err)))
    goto cleanup;
  d->q = clCreateCommandQueue(d->ctx, d->dev.device_id, 0, &rc);
  TC_CL_TRY_RC(err, rc, "clCreateCommandQueue");
  d->k = clCreateKernel(d->prog, "tc_dark_max", &rc);
  TC_CL_TRY_RC(err, rc, "clCreateKernel(tc_dark_max)");
  if ((st = launch_pairs(d, err)))
    goto cleanup;
  *out = d;
  d = NULL;
cleanup:
  if (st != TC_OK && st != TC_ERR_UNSUPPORTED && d && d->dev.name[0])
    tc_err_prefix(err, "OpenCL device %d (%s): ", d->dev.index, d->dev.name);
  tc_cl_dark_free(d);
  return st;
}

/* One launch of up to max_pairs. */
static tc_status launch(tc_cl_dark *d, const double *in, size_t n, double *out, tc_err *err) {
  tc_status st = TC_OK;
  cl_int rc;
  cl_mem bin = NULL, bout = NULL;
  bin = clCreateBuffer(d->ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, n * TC_DARK_IN * sizeof(double),
                       (void *)in, &rc);
  TC_CL_TRY_RC(err, rc, "clCreateBuffer(dark input)");
  bout = clCreateBuffer(d->ctx, CL_MEM_WRITE_ONLY, n * TC_DARK_OUT * sizeof(double), NULL, &rc);
  TC_CL_TRY_RC(err, rc, "clCreateBuffer(dark output)");
  cl_uint nn = (cl_uint)n;
  TC_CL_TRY(err, clSetKernelArg(d->k, 0, sizeof bin, &bin));
  TC_CL_TRY(err, clSetKernelArg(d->k, 1, sizeof nn, &nn));
  TC_CL_TRY(err, clSetKernelArg(d->k, 2, sizeof bout, &bout));
  size_t global = (n + 63) / 64 * 64; /* the kernel skips ids past n */
  TC_CL_TRY(err, clEnqueueNDRangeKernel(d->q, d->k, 1, NULL, &global, NULL, 0, NULL, NULL));
  TC_CL_TRY(err, clEnqueueReadBuffer(d->q, bout, CL_TRUE, 0, n * TC_DARK_OUT * sizeof(double), out, 0,
                                     NULL, NULL));
cleanup:
  if (bin)
    clReleaseMemObject(bin);
  if (bout)
    clReleaseMemObject(bout);
  return st;
}

tc_status tc_cl_dark_run(void *ctx, const double *in, size_t n, double *out, tc_err *err) {
  tc_cl_dark *d = ctx;
  for (size_t i = 0; i < n; i += d->max_pairs) {
    size_t m = n - i < d->max_pairs ? n - i : d->max_pairs;
    TC_TRY(launch(d, in + i * TC_DARK_IN, m, out + i * TC_DARK_OUT, err));
  }
  return TC_OK;
}
