#include "io/clock.h"

#include <time.h>

static double secs(clockid_t id) {
  struct timespec ts;
  if (clock_gettime(id, &ts) != 0) /* only an unsupported clock id fails: both are POSIX */
    return 0;
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double tc_clock_wall(void) { return secs(CLOCK_MONOTONIC); }
double tc_clock_cpu(void) { return secs(CLOCK_PROCESS_CPUTIME_ID); }
