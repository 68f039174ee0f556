/* The dark rendezvous maximisation (kernels/dark.cl) on an OpenCL device: many pairs
 * in one launch, one work-item each. Plugs into tc_event_params.dark_device. The events
 * hand it a chunk of pairs at a time (their budget); a chunk larger than the device
 * holds goes in several launches, each within the largest allocation and half the
 * device's global memory. */
#ifndef TC_CL_DARK_H
#define TC_CL_DARK_H

#include <stddef.h>

#include "io/status.h"

typedef struct tc_cl_dark tc_cl_dark;

/* Device selection as the encounters' --platform/--device/--device-type (cl_device.h).
 * TC_ERR_UNSUPPORTED for a device without double precision. */
tc_status tc_cl_dark_create(int platform, int device, int device_type, tc_cl_dark **out,
                            tc_err *err);
void tc_cl_dark_free(tc_cl_dark *d);
const char *tc_cl_dark_device(const tc_cl_dark *d);

/* tc_dark_maximiser's run: ctx is a tc_cl_dark. */
tc_status tc_cl_dark_run(void *ctx, const double *in, size_t n, double *out, tc_err *err);

#endif
