/* Status codes of the trajcorr library. The library never prints or exits: every
 * fallible function returns a tc_status and, where the caller passes one, fills a
 * tc_err with a message that names the file, record and rule involved. */
#ifndef TC_STATUS_H
#define TC_STATUS_H

#include <stddef.h>

typedef enum {
  TC_OK = 0,
  TC_ERR_ARG,         /* invalid argument or option value */
  TC_ERR_NOMEM,       /* allocation failed */
  TC_ERR_IO,          /* a file could not be opened, read or written */
  TC_ERR_FORMAT,      /* input breaks a format rule (bad row, missing column, truncated gz) */
  TC_ERR_HDF5,        /* an HDF5 call failed */
  TC_ERR_VERSION,     /* store written by an unknown format version */
  TC_ERR_DUPLICATE,   /* the same source file was already imported */
  TC_ERR_NOT_FOUND,   /* no such bucket, device, vessel, ... */
  TC_ERR_OPENCL,      /* an OpenCL call failed */
  TC_ERR_UNSUPPORTED, /* feature not built in or not available on this device */
  TC_ERR_OVERFLOW,    /* a fixed-size buffer or counter would overflow */
  TC_ERR_INTERNAL,    /* a broken invariant: a bug */
  TC_ERR_CANCELLED,   /* stopped on the caller's request (a signal, io/import.h's cancel) */
  TC_ERR_MPI,         /* an MPI call failed (host/mpi/) */
  TC_STATUS_COUNT
} tc_status;

/* The one function that names a status ("TC_ERR_FORMAT: input format error"). */
const char *tc_status_name(tc_status s);

#define TC_ERR_MSG_MAX 1024
typedef struct {
  tc_status code;
  char msg[TC_ERR_MSG_MAX]; /* human-readable detail; empty when none */
} tc_err;

/* Sets *err (if non-NULL) and returns code, so callers write `return tc_fail(err, ...)`. */
tc_status tc_fail(tc_err *err, tc_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepends context ("store.h5: ") to an existing message. */
tc_status tc_err_prefix(tc_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tc_err_clear(tc_err *err);

/* Forward a failing status unchanged. */
#define TC_TRY(expr)                 \
  do {                               \
    tc_status tc_try_s_ = (expr);    \
    if (tc_try_s_ != TC_OK)          \
      return tc_try_s_;              \
  } while (0)

#endif
