#include "host/cli/args.h"

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "io/clock.h"

double tc_cli_now(void) { return tc_clock_wall(); }

void tc_cli_closing_line(const char *prog, double t_start) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
               (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
  fprintf(stderr, "%s: real %.3f s, CPU %.3f s, peak RSS %.1f MB\n", prog, tc_cli_now() - t_start,
          cpu, (double)ru.ru_maxrss / 1024.0);
}
