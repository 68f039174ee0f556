/* Shared by the OpenCL suites: see opencl_suite.h. */
#include "support/opencl_suite.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "host/opencl/cl_device.h"
#include "support/opencl_points.h"

void op_need_opencl(void) {
  tc_cl_device_info *list = NULL;
  size_t n = 0;
  tc_err err = {0};
  tc_status s = tc_cl_devices_list(&list, &n, &err);
  free(list);
  if (s == TC_ERR_UNSUPPORTED)
    cr_skip_test("no OpenCL platform: %s", err.msg);
  cr_assert_eq(s, TC_OK, "listing OpenCL devices: %s", err.msg);
}

tc_backend_config op_config(int single) {
  tc_backend_config c;
  memset(&c, 0, sizeof c);
  c.dist_m = OP_DIST;
  c.single_precision = single;
  c.platform = c.device = -1;
  return c;
}

void *op_create(const char *name, const tc_backend_config *cfg) {
  const tc_backend_ops *ops = tc_backend_find(name);
  cr_assert_not_null(ops, "backend %s is not registered", name);
  void *st = NULL;
  tc_err err = {0};
  tc_status s = ops->create(cfg, &st, &err);
  cr_assert_eq(s, TC_OK, "%s create: %s", name, err.msg);
  return st;
}

tc_grid_block op_mixed_block(size_t per) {
  tc_grid_block b;
  memset(&b, 0, sizeof b);
  b.s0 = 1500000000;
  b.slot = 600;
  op_add_slot(&b, OP_BOX, per, 1);
  op_add_slot(&b, OP_CLUSTERS, per, 2);
  op_add_slot(&b, OP_STACKED, 0, 3); /* an empty grid time */
  op_add_slot(&b, OP_ANTIMERIDIAN, per, 4);
  op_add_slot(&b, OP_STACKED, 1, 5); /* a lone vessel */
  op_add_slot(&b, OP_POLES, per, 6);
  op_add_slot(&b, OP_STACKED, per / 8, 7);
  op_fill_unit(&b);
  return b;
}

int op_run_cli(const char *cmd, char *out, size_t cap) {
  FILE *f = popen(cmd, "r");
  cr_assert_not_null(f, "%s", cmd);
  size_t n = fread(out, 1, cap - 1, f);
  out[n] = '\0';
  int rc = pclose(f);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
