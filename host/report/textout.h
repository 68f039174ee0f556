/* Small text helpers shared by the writers: UTC times, escaping for CSV and XML
 * (JSON is jansson's, io/json.h), and atomic output files (written under a temporary
 * name beside the target, renamed when complete). */
#ifndef TC_TEXTOUT_H
#define TC_TEXTOUT_H

#include <stdint.h>
#include <stdio.h>

#include "io/status.h"

#include "io/timefmt.h"

/* "2017-09-07T04:20:00Z" (io/timefmt.h) */
void tc_fmt_iso(int64_t t, char out[TC_ISO_LEN]);
/* "2017-09-07" */
void tc_fmt_day(int64_t t, char out[16]);

void tc_put_csv(FILE *f, const char *s);      /* quoted when it holds , " or newline */
void tc_put_xml(FILE *f, const char *s);      /* escaped text */

/* An output file written under PATH.tmp-XXXXXX and renamed onto PATH on commit. */
typedef struct {
  FILE *f;        /* NULL for tc_atomic_name users (HDF5 writes the file itself) */
  char path[4096];
  char tmp[4096];
} tc_atomic;

tc_status tc_atomic_open(tc_atomic *a, const char *path, tc_err *err);
/* Reserves a temporary name only (the file exists, empty, closed). */
tc_status tc_atomic_name(tc_atomic *a, const char *path, tc_err *err);
/* Closes (checking the write errors), renames onto the target. */
tc_status tc_atomic_commit(tc_atomic *a, tc_err *err);
/* Closes and removes the temporary file; safe after a failed open or a commit. */
void tc_atomic_abort(tc_atomic *a);

#endif
