#include "host/backends/auto.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef TRAJCORR_HAVE_OPENCL
#include "host/opencl/cl_device.h"
#endif

const char *tc_auto_decide(double fixes_per_day, double crossover, int have_accelerator) {
  return have_accelerator && fixes_per_day >= crossover ? "opencl" : "openmp";
}

double tc_auto_fixes_per_day(uint64_t fixes, int64_t t_min, int64_t t_max) {
  double days = (double)(t_max - t_min) / 86400.0;
  return (double)fixes / (days > 1.0 ? days : 1.0);
}

static tc_status crossover_of(double *out, tc_err *err) {
  const char *v = getenv("TRAJCORR_AUTO_CROSSOVER");
  *out = TC_AUTO_CROSSOVER_FIXES_PER_DAY;
  if (!v || !*v)
    return TC_OK;
  char *end = NULL;
  errno = 0;
  double x = strtod(v, &end);
  if (errno || end == v || *end || !(x >= 0) || !isfinite(x))
    return tc_fail(err, TC_ERR_ARG,
                   "TRAJCORR_AUTO_CROSSOVER='%s': expected a number of fixes per day (>= 0)", v);
  *out = x;
  return TC_OK;
}

/* The GPU or accelerator the selection allows, if any (its name into name). */
static int have_accelerator(const tc_backend_config *cfg, char *name, size_t cap) {
#ifdef TRAJCORR_HAVE_OPENCL
  if (cfg->device_type == TC_CL_TYPE_CPU)
    return 0;
  tc_cl_device_info d;
  tc_err e = {0};
  if (tc_cl_device_select(cfg->platform, cfg->device, cfg->device_type, &d, &e) != TC_OK)
    return 0; /* no platform, or none of that selection: OpenMP */
  if (strcmp(d.type, "gpu") && strcmp(d.type, "accelerator"))
    return 0;
  snprintf(name, cap, "%s", d.name);
  return 1;
#else
  (void)cfg;
  (void)name;
  (void)cap;
  return 0;
#endif
}

tc_status tc_backend_auto(double fixes_per_day, const tc_backend_config *cfg,
                          const tc_backend_ops **ops, char *why, size_t cap, tc_err *err) {
  double cross;
  tc_status s = crossover_of(&cross, err);
  if (s != TC_OK)
    return s;
  char dev[128] = "";
  int accel = fixes_per_day >= cross && have_accelerator(cfg, dev, sizeof dev);
  const char *name = tc_auto_decide(fixes_per_day, cross, accel);
  *ops = tc_backend_find(name);
  if (!*ops)
    return tc_fail(err, TC_ERR_INTERNAL, "backend auto: %s is not built", name);
  if (fixes_per_day < cross)
    snprintf(why, cap, "openmp: %.3g fixes a day, under the crossover of %.3g", fixes_per_day,
             cross);
  else if (!accel)
    snprintf(why, cap, "openmp: %.3g fixes a day, but no OpenCL GPU or accelerator", fixes_per_day);
  else
    snprintf(why, cap, "opencl on %s: %.3g fixes a day, crossover %.3g", dev, fixes_per_day, cross);
  return TC_OK;
}
