/* What a long run tells people and schedulers on stderr: a progress line on a terminal
 * (buckets done, rows/s, ETA), or with --log json one JSON object per bucket (time,
 * bucket, rows, rate, ETA, RSS, rank) and closing objects with real/CPU time and peak
 * RSS per rank and in total (docs/cli.md, "Progress and logs"). */
#ifndef TC_RUNLOG_H
#define TC_RUNLOG_H

#include <stdint.h>

#include "host/engine/engine.h"
#include "host/mpi/ranks.h"

typedef struct tc_runlog tc_runlog;

/* log: 0 text, 1 json. quiet: no progress line (json lines are still written: they were
 * asked for). Progress over the fixes with times in [t_first, t_last) in buckets of
 * bucket_s, rows_total rows in all. NULL on no memory. */
tc_runlog *tc_runlog_create(const char *prog, int log, int quiet, int rank, int64_t t_first, int64_t t_last,
                            int64_t bucket_s, uint64_t rows_total);
void tc_runlog_free(tc_runlog *l); /* clears the progress line; NULL safe */
/* tc_engine_hooks.tick, with ctx a tc_runlog */
void tc_runlog_tick(void *ctx, const tc_engine_tick *t);
/* Clears the progress line before other output. */
void tc_runlog_clear(tc_runlog *l);
/* The closing lines: this process's real/CPU/RSS; on rank 0 of several ranks, also each
 * rank's figures (f[0..k)) and the total. Text mode prints them only when !quiet. */
void tc_runlog_close(tc_runlog *l, double t_start, const tc_rank_figures *f, int k);

/* Adds "ranks": k and "rank_figures": [...] to a JSON sidecar's text (reallocated). */
int tc_runlog_sidecar_ranks(char **text, size_t *len, const tc_rank_figures *f, int k);

#endif
