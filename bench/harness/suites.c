#include "bench/harness/suites.h"

#include <string.h>

/* SUITE TABLE: default order, cheapest first. */
static const tc_bench_suite suites[] = {
    {"geo", "kernels/geo.h math: haversine, chord screen, interpolation (per call)",
     tc_bench_suite_geo},
    {"format", "the writers' number and time formatting beside snprintf and strftime (per call, same bytes)",
     tc_bench_suite_format},
    {"engine", "encounter engine in memory on the real tracks, every backend, checked against "
               "the expected lists",
     tc_bench_suite_engine},
    {"kernels", "pair search and grid stage per backend, device and precision, 1k..1M positions "
                "(tests/s, pairs/s, GB/s); candidates checked by brute force", tc_bench_suite_kernels},
    {"io", "store import, and reading + decompressing every bucket (rows/s, MB/s)", tc_bench_suite_io},
    {"pipeline", "generate -> import -> encounters as commands: time, fixes/s, peak RSS, scaling "
                 "exponents over vessels and days; checked against the generator's truth",
     tc_bench_suite_pipeline},
    {"peers", "the numpy/scipy peer beside trajcorr on the same inputs; outputs compared, ratio",
     tc_bench_suite_peers},
};

const tc_bench_suite *tc_bench_suites(size_t *n) {
  *n = sizeof suites / sizeof suites[0];
  return suites;
}

const tc_bench_suite *tc_bench_suite_find(const char *name) {
  for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
    if (!strcmp(suites[i].name, name))
      return &suites[i];
  return NULL;
}
