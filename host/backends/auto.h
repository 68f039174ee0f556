/* --backend auto: OpenCL only on a GPU or accelerator and only for days dense enough for
 * it to win end to end; otherwise OpenMP. The crossover is in fixes per day of input
 * (docs/opencl.md, "--backend auto"). */
#ifndef TC_BACKEND_AUTO_H
#define TC_BACKEND_AUTO_H

#include <stddef.h>
#include <stdint.h>

#include "host/backend.h"

/* Fixes per day from which OpenCL is picked on a GPU or accelerator: above every day
 * measured (docs/opencl.md: OpenCL lost at 3.8 M, 19.2 M and 77 M fixes a day on an
 * H200 and tied at 77 M on an H100, with the device screening candidates only).
 * TRAJCORR_AUTO_CROSSOVER=FIXES_PER_DAY overrides it, for re-measuring on a GPU. */
#define TC_AUTO_CROSSOVER_FIXES_PER_DAY 100e6

/* The decision itself: "opencl" when an accelerator is present and the input's fixes per
 * day reach the crossover, else "openmp". */
const char *tc_auto_decide(double fixes_per_day, double crossover, int have_accelerator);

/* Fixes per day of an input of `fixes` fixes from t_min to t_max (seconds; a span under
 * a day counts as a day). */
double tc_auto_fixes_per_day(uint64_t fixes, int64_t t_min, int64_t t_max);

/* The backend auto picks for this input and selection (cfg: --platform/--device/
 * --device-type); no OpenCL driver is loaded below the crossover. why (cap bytes) says
 * why, for --profile. TC_ERR_ARG for a malformed TRAJCORR_AUTO_CROSSOVER. */
tc_status tc_backend_auto(double fixes_per_day, const tc_backend_config *cfg,
                          const tc_backend_ops **ops, char *why, size_t cap, tc_err *err);

#endif
