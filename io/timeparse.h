/* Timestamps of the text formats as integer Unix seconds (UTC), without timegm or
 * the C library's time zone state: ISO 8601 ("2021-03-20T00:00:00Z", space or T,
 * fractional seconds, "Z", "+02:00", "+0200", "+02" or no zone = UTC; a bare date is
 * midnight), integer or decimal Unix seconds, and DMA's "DD/MM/YYYY HH:MM:SS".
 * Fractional seconds are floored. Impossible dates and times (2021-02-29, 24:00,
 * second 60) are rejected. */
#ifndef TC_TIMEPARSE_H
#define TC_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (no range check). */
int64_t tc_days_from_civil(int64_t y, unsigned m, unsigned d);

/* 1 when (y, m, d) is a real calendar date. */
int tc_date_valid(int64_t y, unsigned m, unsigned d);

/* Parses s[0..n) (surrounding blanks allowed). Returns 1 and sets *t, or 0. */
int tc_time_parse(const char *s, size_t n, int64_t *t);

#endif
