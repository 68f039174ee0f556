#include "io/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const names[TC_STATUS_COUNT] = {
    [TC_OK] = "TC_OK: success",
    [TC_ERR_ARG] = "TC_ERR_ARG: invalid argument",
    [TC_ERR_NOMEM] = "TC_ERR_NOMEM: out of memory",
    [TC_ERR_IO] = "TC_ERR_IO: input/output error",
    [TC_ERR_FORMAT] = "TC_ERR_FORMAT: input format error",
    [TC_ERR_HDF5] = "TC_ERR_HDF5: HDF5 error",
    [TC_ERR_VERSION] = "TC_ERR_VERSION: unsupported store format version",
    [TC_ERR_DUPLICATE] = "TC_ERR_DUPLICATE: already imported",
    [TC_ERR_NOT_FOUND] = "TC_ERR_NOT_FOUND: not found",
    [TC_ERR_OPENCL] = "TC_ERR_OPENCL: OpenCL error",
    [TC_ERR_UNSUPPORTED] = "TC_ERR_UNSUPPORTED: not supported",
    [TC_ERR_OVERFLOW] = "TC_ERR_OVERFLOW: capacity exceeded",
    [TC_ERR_INTERNAL] = "TC_ERR_INTERNAL: internal error (a bug)",
    [TC_ERR_CANCELLED] = "TC_ERR_CANCELLED: interrupted",
    [TC_ERR_MPI] = "TC_ERR_MPI: MPI call failed",
};

const char *tc_status_name(tc_status s) {
  if ((int)s < 0 || s >= TC_STATUS_COUNT || !names[s])
    return "TC_ERR_UNKNOWN: unknown status";
  return names[s];
}

tc_status tc_fail(tc_err *err, tc_status code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

tc_status tc_err_prefix(tc_err *err, const char *fmt, ...) {
  if (!err)
    return TC_OK;
  char pre[TC_ERR_MSG_MAX], old[TC_ERR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(pre, sizeof pre, fmt, ap);
  va_end(ap);
  memcpy(old, err->msg, sizeof old);
  size_t np = strlen(pre), no = strlen(old);
  if (np > sizeof err->msg - 1)
    np = sizeof err->msg - 1;
  if (no > sizeof err->msg - 1 - np)
    no = sizeof err->msg - 1 - np;
  memcpy(err->msg, pre, np);
  memcpy(err->msg + np, old, no);
  err->msg[np + no] = '\0';
  return err->code;
}

void tc_err_clear(tc_err *err) {
  if (err) {
    err->code = TC_OK;
    err->msg[0] = '\0';
  }
}
