#include "host/cli/args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "io/timeparse.h"

int tc_arg_duration(const char *s, int64_t *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (end == s || errno || v < 0)
    return 0;
  int64_t mul = 1;
  if (*end) {
    if (end[1])
      return 0;
    switch (*end) {
    case 's': mul = 1; break;
    case 'm': mul = 60; break;
    case 'h': mul = 3600; break;
    case 'd': mul = 86400; break;
    case 'w': mul = 7 * 86400; break;
    default: return 0;
    }
  }
  *out = (int64_t)v * mul;
  return 1;
}

int tc_arg_time(const char *s, int64_t *out) { return tc_time_parse(s, strlen(s), out); }

int tc_arg_size(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno || !(v >= 0))
    return 0;
  double mul = 1;
  if (*end) {
    switch (*end) {
    case 'k': case 'K': mul = 1024.0; break;
    case 'm': case 'M': mul = 1024.0 * 1024; break;
    case 'g': case 'G': mul = 1024.0 * 1024 * 1024; break;
    default: return 0;
    }
    if (end[1] && strcmp(end + 1, "B") && strcmp(end + 1, "iB"))
      return 0;
  }
  *out = (uint64_t)(v * mul);
  return 1;
}

int tc_arg_double(const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || *end || errno || !isfinite(v))
    return 0;
  *out = v;
  return 1;
}

int tc_arg_long(const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (end == s || *end || errno || v < lo || v > hi)
    return 0;
  *out = v;
  return 1;
}

double tc_cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void tc_cli_closing_line(const char *prog, double t_start) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
               (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
  fprintf(stderr, "%s: real %.3f s, CPU %.3f s, peak RSS %.1f MB\n", prog, tc_cli_now() - t_start,
          cpu, (double)ru.ru_maxrss / 1024.0);
}
