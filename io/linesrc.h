/* Line-by-line input from a plain file, a gzip file (detected by its magic bytes,
 * not its name) or standard input ("-"). Used by every text importer. */
#ifndef TC_LINESRC_H
#define TC_LINESRC_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"

typedef struct tc_linesrc tc_linesrc;

tc_status tc_linesrc_open(const char *path, tc_linesrc **out, tc_err *err);
/* Next line without its '\n' (and without a trailing '\r'), NUL-terminated; valid until
 * the next call. *eof = 1 and *line = NULL at the end. A truncated or corrupt gzip
 * stream is TC_ERR_FORMAT naming the file. */
tc_status tc_linesrc_next(tc_linesrc *s, const char **line, size_t *len, int *eof, tc_err *err);
uint64_t tc_linesrc_lineno(const tc_linesrc *s);        /* 1-based number of the last line */
uint64_t tc_linesrc_bytes_read(const tc_linesrc *s);   /* compressed bytes consumed so far */
int64_t tc_linesrc_size(const tc_linesrc *s);          /* file size, -1 for a pipe */
const char *tc_linesrc_path(const tc_linesrc *s);
void tc_linesrc_close(tc_linesrc *s);                   /* NULL safe */

#endif
