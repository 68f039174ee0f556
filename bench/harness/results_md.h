/* Benchmark results as a Markdown page: the machine, then one table per suite
 * (parameters, median/min/max time, metrics, check) — for docs/performance.md. */
#ifndef TC_RESULTS_MD_H
#define TC_RESULTS_MD_H

#include "bench/harness/machine.h"
#include "bench/harness/record.h"
#include "io/status.h"

tc_status tc_bench_log_write_md(const tc_bench_log *l, const tc_machine_info *m, const char *mode,
                                const char *path, tc_err *err);

#endif
