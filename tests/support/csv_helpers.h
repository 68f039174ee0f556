/* Helpers for tests/test_csv.c and tests/test_linesrc.c: scratch files, gzip writing,
 * reading a whole file through io/reader, feeding standard input through a pipe. */
#ifndef TC_TEST_CSV_HELPERS_H
#define TC_TEST_CSV_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "io/reader.h"

/* A path in $TC_TEST_TMP/csv (created); valid for the next seven calls. */
char *tcsv_tmp_path(const char *name);
const char *tcsv_tmpdir(void);
void tcsv_write_file(const char *path, const void *data, size_t n);
const char *tcsv_text_file(const char *name, const char *text); /* writes, returns its path */
void tcsv_write_gz(const char *path, const void *data, size_t n);
char *tcsv_slurp(const char *path, size_t *n); /* whole file, malloc'd */

/* Data lines of a (possibly gzipped) CSV counted with zlib directly: non-empty lines
 * minus the header. The reader's row counts are checked against this. */
size_t tcsv_count_data_lines(const char *path);

/* 200 000 lines of many lengths (CRLF on some, one of 3 MiB, an empty one, the last
 * without a newline), to cross every buffer boundary. malloc'd. */
char *tcsv_make_lines(size_t *n);

typedef struct {
  tc_status open_st, next_st;
  tc_err err;
  size_t np, ns;
  tc_fix *p;
  tc_vessel_static *s;
  tc_reader_counts counts;
  char format[32];
} tcsv_result;

/* Every record of path through tc_reader (format NULL = detect). */
void tcsv_read_all(const char *path, const char *format, int strict, tcsv_result *r);
void tcsv_result_free(tcsv_result *r);
/* The same, with data fed to standard input by a child process and path "-". */
void tcsv_with_stdin(const void *data, size_t n, const char *format, tcsv_result *r);

const tc_vessel_static *tcsv_static_of(const tcsv_result *r, uint32_t mmsi, const char *name);
uint64_t tcsv_reason_count(const tc_reader_counts *c, const char *reason);
int64_t tcsv_utc(const char *iso); /* "YYYY-MM-DDTHH:MM:SS" UTC via timegm */

#endif
