/* Shared by the OpenCL suites (test_opencl.c, test_opencl_engine.c): skipping without a
 * platform, a backend configuration, creating a backend, a mixed grid block, running
 * the CLI. */
#ifndef TC_TEST_OPENCL_SUITE_H
#define TC_TEST_OPENCL_SUITE_H

#include <stddef.h>

#include "host/backend.h"

/* The screen distance every OpenCL test uses (metres). */
#define OP_DIST 500.0

/* Skips the test when no OpenCL platform is installed; fails on any other error. */
void op_need_opencl(void);

/* A configuration at OP_DIST, double or single, default platform and device. */
tc_backend_config op_config(int single);

/* Creates backend name with cfg, asserting it is registered and starts. */
void *op_create(const char *name, const tc_backend_config *cfg);

/* A block of grid times of every kind in opencl_points.h (per positions each, an empty
 * grid time and a lone vessel among them), unit vectors filled. */
tc_grid_block op_mixed_block(size_t per);

/* Runs cmd through the shell; its stdout (NUL-terminated, cut at cap) in out; returns
 * the exit status, -1 when it did not exit. */
int op_run_cli(const char *cmd, char *out, size_t cap);

#endif
