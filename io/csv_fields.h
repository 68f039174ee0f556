/* CSV building blocks shared by the CSV dialects (io/csv_*.c): splitting a line into
 * fields (RFC 4180 quotes, "" escapes), exact number parsing on unterminated fields,
 * header column lookup by alias, and turning a row into a tc_fix with the exact
 * "FILE:LINE: column 'lat': 'abc' is not a number" message for a bad value. */
#ifndef TC_CSV_FIELDS_H
#define TC_CSV_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"
#include "io/columns.h"
#include "io/reader.h"

/* A field: points into the line, or into the row's scratch when it was quoted. */
typedef struct {
  const char *p;
  size_t n;
} tc_csv_field;

typedef struct {
  tc_csv_field *f;
  size_t n, cap;
  char *scratch; /* unescaped quoted fields */
  size_t scratch_cap;
} tc_csv_row;

void tc_csv_row_init(tc_csv_row *r);
void tc_csv_row_free(tc_csv_row *r); /* NULL safe, re-inits */

/* Splits line[0..len) at delim. A field that starts with '"' runs to the matching
 * quote ("" is a literal quote); text after the closing quote up to delim is kept.
 * TC_ERR_FORMAT (no message) for a quote left open at the end of the line,
 * TC_ERR_NOMEM. */
tc_status tc_csv_split(tc_csv_row *r, const char *line, size_t len, char delim);

/* The delimiter of a header line: the most frequent of ',' ';' '\t' '|' (',' on a tie). */
char tc_csv_guess_delim(const char *line);

/* Index of the first column whose name (trimmed, case-insensitive) equals one of
 * aliases (NULL-terminated, tried in order: an earlier alias wins); -1 if none. */
int tc_csv_find_column(const tc_csv_row *header, const char *const *aliases);

/* Exact (correctly rounded) decimal to double: [blanks][+-]digits[.digits][e[+-]digits][blanks].
 * No hex, inf or nan. 1 on success. */
int tc_csv_parse_double(const char *p, size_t n, double *v);
/* Unsigned integer that fits 32 bits ("123", "123.0" as pandas writes it). 1 on success. */
int tc_csv_parse_u32(const char *p, size_t n, uint32_t *v);
/* "", blanks, NA, N/A, nan, null, none (any case): an unknown optional value. */
int tc_csv_is_null(const char *p, size_t n);
/* Copies a trimmed text field into dst[cap], cut at a UTF-8 character boundary. */
void tc_csv_copy_text(char *dst, size_t cap, const char *p, size_t n);

/* Where the position columns are (-1 = absent; only sog, cog, heading may be). */
typedef struct {
  int mmsi, t, lat, lon, sog, cog, heading;
} tc_csv_poscols;

/* Largest index in c, plus one: the fields a row needs. */
int tc_csv_poscols_need(const tc_csv_poscols *c);

/* What a CSV dialect knows while it reads rows. */
typedef struct {
  const char *path;
  tc_linesrc *src;
  tc_reader_counts *counts;
  int strict;
  const char *header; /* a data line equal to it (a repeated header) is skipped; may be NULL */
  size_t header_len;
} tc_csv_ctx;

/* A bad row: counted under reason with the sample "PATH:LINE: <detail>", or in strict
 * mode TC_ERR_FORMAT with that message. detail is printf-style. */
tc_status tc_csv_bad_row(const tc_csv_ctx *x, tc_err *err, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Parses the position fields of a split row into *f. *ok = 0 when the row was bad
 * (counted, or TC_ERR_FORMAT returned in strict mode). Missing sog/cog: NaN; missing
 * heading, or one outside [0, 360): 511. */
tc_status tc_csv_parse_fix(const tc_csv_ctx *x, const tc_csv_row *row, const tc_csv_poscols *c,
                           tc_fix *f, int *ok, tc_err *err);

/* The next data line split into row: blank lines and repeated headers skipped, rows
 * with an open quote or fewer than need fields counted as bad and skipped (or
 * TC_ERR_FORMAT in strict mode). *eof = 1 at the end. */
tc_status tc_csv_next_row(const tc_csv_ctx *x, tc_csv_row *row, char delim, int need, int *eof,
                          tc_err *err);

#endif
