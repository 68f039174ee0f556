/* Pieces of the peers suite shared between its files (peers_compare.c, peers_alternating.c). */
#ifndef TC_BENCH_PEERS_H
#define TC_BENCH_PEERS_H

#include <stddef.h>

#include "bench/harness/context.h"
#include "io/status.h"

/* compare_encounters.py EXPECTED ACTUAL: 1 = match; why gets its summary line. */
int tc_bench_peers_compare(tc_bench_ctx *c, const char *tag, const char *expected, const char *actual,
                           char *why, size_t cap);

/* The 1 500-vessel speed case (docs/performance.md): 1 500 vessels over 36 h (~0.83 M fixes),
 * trajcorr `encounters` and the numpy peer alternately on the same store, several
 * rounds, so both see the same machine; records min and median of each, their
 * ratio, and whether the outputs are identical. */
tc_status tc_bench_peers_alternating(tc_bench_ctx *c, tc_err *err);

#endif
