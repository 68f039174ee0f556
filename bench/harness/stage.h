/* A pipeline stage timed as the command a user runs (trajcorr generate / import /
 * encounters, the numpy peer), with its own peak memory, and the helpers to check
 * what it wrote. */
#ifndef TC_BENCH_STAGE_H
#define TC_BENCH_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "bench/harness/record.h"
#include "bench/harness/spawn.h"
#include "bench/harness/context.h"
#include "host/engine/encounter.h"
#include "io/status.h"

/* Runs argv with stdout/stderr in WORKDIR/<tag>.out/.err. Returns 1 when it exited
 * 0; else 0 with why = "exit 3: <last line of stderr>" (or the spawn failure). */
int tc_bench_stage_run(tc_bench_ctx *c, const char *tag, const char *const *argv, double timeout_s,
                       tc_bench_proc *p, char *why, size_t cap);

/* Adds the process measurement to r: wall as its timing (one run), cpu_s, peak_rss_mb. */
void tc_bench_stage_record(tc_bench_record *r, const tc_bench_proc *p);

/* Checks an encounters CSV against `trajcorr generate --truth`: the encounter keys
 * must be exactly the truth's meetings and port encounters (the rows spec §4 makes
 * encounters), and no encounter may overlap a decoy's window. 1 = consistent; 0 with
 * why; -1 when a file cannot be read (why says which). */
int tc_bench_check_truth(const char *encounters_csv, const char *truth_csv, char *why, size_t cap);

#endif
