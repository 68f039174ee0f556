/* Checked OpenCL calls: every failure becomes a tc_err that names the call and the
 * error ("clEnqueueNDRangeKernel(tc_neigh): CL_OUT_OF_RESOURCES (-5)"), never a bare
 * number. The macros assume a local `tc_status st` and a `cleanup:` label. */
#ifndef TC_CL_CHECK_H
#define TC_CL_CHECK_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>

#include "io/status.h"

/* "CL_OUT_OF_RESOURCES" for -5; "CL_UNKNOWN_ERROR" for codes no header names. */
const char *tc_cl_errname(cl_int code);

/* Fills err with TC_ERR_OPENCL: "<call>: <name> (<code>) [file:line]". `call` may be
 * the whole stringified call; only the function name (text before '(') is kept. */
tc_status tc_cl_fail(tc_err *err, cl_int code, const char *call, const char *file, int line);

/* Evaluates an OpenCL call returning cl_int; on failure sets st and jumps to cleanup. */
#define TC_CL_TRY(err, call)                                                  \
  do {                                                                        \
    cl_int tc_cl_rc_ = (call);                                                \
    if (tc_cl_rc_ != CL_SUCCESS) {                                            \
      st = tc_cl_fail((err), tc_cl_rc_, #call, __FILE__, __LINE__);           \
      goto cleanup;                                                           \
    }                                                                         \
  } while (0)

/* For calls that report through an errcode_ret argument: names the call explicitly. */
#define TC_CL_TRY_RC(err, rc, name)                                           \
  do {                                                                        \
    if ((rc) != CL_SUCCESS) {                                                 \
      st = tc_cl_fail((err), (rc), (name), __FILE__, __LINE__);               \
      goto cleanup;                                                           \
    }                                                                         \
  } while (0)

#endif
