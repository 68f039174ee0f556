/* Busy competitors for measuring trajcorr on a node whose cores other processes
 * want too: N child processes that each spin on one core. They can be paused
 * (SIGSTOP) and resumed (SIGCONT), so one bench run can alternate idle and loaded
 * rounds; they end with the bench (killed at tc_bench_load_stop, when the bench
 * process dies, and in any case after TC_BENCH_LOAD_MAX_S). */
#ifndef TC_BENCH_LOAD_H
#define TC_BENCH_LOAD_H

#include <stddef.h>

#include "io/status.h"

#define TC_BENCH_LOAD_MAX_PROCS 256
#define TC_BENCH_LOAD_MAX_S 3600 /* a competitor's own limit, should the bench hang */

typedef struct tc_bench_load tc_bench_load;

/* Starts n competitors, paused. */
tc_status tc_bench_load_start(size_t n, tc_bench_load **out, tc_err *err);
void tc_bench_load_run(tc_bench_load *l, int busy); /* 1: SIGCONT all, 0: SIGSTOP all */
size_t tc_bench_load_count(const tc_bench_load *l);
void tc_bench_load_stop(tc_bench_load *l); /* kills and reaps them; NULL safe */

#endif
