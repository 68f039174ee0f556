#include "host/cli/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "io/clock.h"

struct tc_progress {
  int enabled, shown;
  double start, last;
};

tc_progress *tc_progress_create(int enabled) {
  tc_progress *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->enabled = enabled && isatty(STDERR_FILENO);
  p->start = p->last = tc_clock_wall();
  return p;
}

static void human(double v, char *buf, size_t cap) {
  if (v >= 1e9)
    snprintf(buf, cap, "%.2f G", v / 1e9);
  else if (v >= 1e6)
    snprintf(buf, cap, "%.2f M", v / 1e6);
  else if (v >= 1e3)
    snprintf(buf, cap, "%.1f k", v / 1e3);
  else
    snprintf(buf, cap, "%.0f ", v);
}

void tc_progress_update(tc_progress *p, const char *label, uint64_t rows, uint64_t done,
                        uint64_t total) {
  if (!p || !p->enabled)
    return;
  double t = tc_clock_wall();
  if (t - p->last < 0.25)
    return;
  p->last = t;
  char r[32], rate[32];
  human((double)rows, r, sizeof r);
  human(t > p->start ? (double)rows / (t - p->start) : 0, rate, sizeof rate);
  if (total > 0)
    fprintf(stderr, "\r\033[K%s: %srows, %srows/s, %.0f%%", label, r, rate,
            100.0 * (double)done / (double)total);
  else
    fprintf(stderr, "\r\033[K%s: %srows, %srows/s", label, r, rate);
  fflush(stderr);
  p->shown = 1;
}

void tc_progress_clear(tc_progress *p) {
  if (p && p->shown) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->shown = 0;
  }
}

void tc_progress_free(tc_progress *p) {
  tc_progress_clear(p);
  free(p);
}
