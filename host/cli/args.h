/* Parsing of option values shared by the subcommands. Each returns 1 on success and
 * 0 (with nothing printed) on a malformed value; the caller names the option. */
#ifndef TC_ARGS_H
#define TC_ARGS_H

#include <stddef.h>
#include <stdint.h>

/* Seconds: "600", "10m", "2h", "1d", "7d", "30s". */
int tc_arg_duration(const char *s, int64_t *out);
/* A time: ISO 8601 UTC or integer Unix seconds. */
int tc_arg_time(const char *s, int64_t *out);
/* Bytes: "256M", "1G", "65536", "512k". */
int tc_arg_size(const char *s, uint64_t *out);
/* A finite double / a long within [lo, hi]. */
int tc_arg_double(const char *s, double *out);
int tc_arg_long(const char *s, long lo, long hi, long *out);

/* Real time since start, CPU time, peak RSS: the closing line on stderr. */
void tc_cli_closing_line(const char *prog, double t_start);
double tc_cli_now(void);

#endif
