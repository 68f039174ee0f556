/* Splitting one CSV line in place (RFC 4180 quoting, "" inside quotes; no quoted
 * newlines), and reading lines of any length. */
#ifndef TC_CSVLINE_H
#define TC_CSVLINE_H

#include <stdio.h>

#include "io/status.h"

/* Splits line (modified) into at most max fields; trailing CR/LF dropped, fields
 * trimmed of surrounding spaces. Returns the number of fields. */
int tc_csvl_split(char *line, char **fields, int max);

/* Reads the next line into *buf (grown as needed). Returns 1 on a line, 0 at end of
 * file, -1 on a read or memory error. */
int tc_csvl_read_line(FILE *f, char **buf, size_t *cap);

#endif
