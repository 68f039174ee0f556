/* Test helpers: the engine's state kept after every slice, as a checkpoint keeps it
 * (host/engine/ckpt.c) without the file around it, and a run restored from one of them. */
#ifndef TC_TEST_ENGINE_CUTS_H
#define TC_TEST_ENGINE_CUTS_H

#include <stdint.h>

#include "host/engine/ckpt.h"
#include "host/engine/engine.h"
#include "io/columns.h"

#define TT_MAX_CUTS 64

typedef struct {
  uint64_t slices;             /* slices seen */
  tc_ckbuf buf[TT_MAX_CUTS];   /* the state after slice i (i < TT_MAX_CUTS) */
} tt_cuts;

/* after_slice hook (ctx: a tt_cuts): keeps the state after each slice and goes on. */
tc_status tt_cut_hook(void *ctx, const tc_engine_view *v, uint64_t slice, tc_err *err);
/* restore hook (ctx: one of the tc_ckbuf a tt_cut_hook kept). */
tc_status tt_restore_hook(void *ctx, const tc_engine_view *v, tc_err *err);
void tt_cuts_free(tt_cuts *k);

/* tt_run (support/lead_tracks.h) with hooks (NULL: none), the first `skip` buckets read
 * and left unused (those a restored state covers). */
tc_engine_stats tt_run_hooked(const tc_columns *c, int64_t bucket_s, uint64_t skip, const char *name,
                              int threads, const tc_params *p, const tc_engine_hooks *h,
                              tc_encounter_list *out);
/* The engine over c's buckets of bucket_s, the first `skip` read and left unused, with the
 * backend ops and its configuration (NULL: the default one, no device chosen) and hooks h
 * (NULL: none), p as it is: the engine's status, with its message in *err (a failure is
 * the caller's to check). */
tc_status tt_run_ops(const tc_columns *c, int64_t bucket_s, uint64_t skip, const tc_params *p,
                     const tc_backend_ops *ops, const tc_backend_config *cfg, const tc_engine_hooks *h,
                     tc_encounter_list *out, tc_engine_stats *st, tc_err *err);
/* tt_run_hooked with the backend's configuration (NULL: the default one, no device chosen). */
tc_engine_stats tt_run_config(const tc_columns *c, int64_t bucket_s, uint64_t skip, const char *name,
                              int threads, const tc_params *p, const tc_backend_config *cfg,
                              const tc_engine_hooks *h, tc_encounter_list *out);

#endif
