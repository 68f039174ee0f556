#include "engine_cuts.h"

#include <criterion/criterion.h>
#include <string.h>

#include "host/backend.h"
#include "host/engine/source.h"

tc_status tt_cut_hook(void *ctx, const tc_engine_view *v, uint64_t slice, tc_err *err) {
  (void)err;
  tt_cuts *c = ctx;
  c->slices = slice;
  if (slice >= TT_MAX_CUTS)
    return TC_OK;
  tc_ckbuf *b = &c->buf[slice];
  b->n = 0;
  uint32_t ns = v->nshards;
  uint64_t ne = 0;
  for (unsigned k = 0; k < ns; k++)
    ne += v->found[k].n;
  cr_assert_eq(tc_ckbuf_put(b, v->s_done, 8), TC_OK);
  cr_assert_eq(tc_grid_cpu_save(v->grid, tc_ckbuf_put, b), TC_OK);
  cr_assert_eq(tc_ckbuf_put(b, &ns, 4), TC_OK);
  for (unsigned k = 0; k < ns; k++)
    cr_assert_eq(tc_runs_save(v->runs[k], tc_ckbuf_put, b), TC_OK);
  cr_assert_eq(tc_ckbuf_put(b, &ne, 8), TC_OK);
  for (unsigned k = 0; k < ns; k++)
    cr_assert_eq(tc_ckbuf_put(b, v->found[k].v, v->found[k].n * sizeof *v->found[k].v), TC_OK);
  return TC_OK;
}

tc_status tt_restore_hook(void *ctx, const tc_engine_view *v, tc_err *err) {
  (void)err;
  const tc_ckbuf *b = ctx;
  size_t at = 8, used;
  uint32_t ns;
  uint64_t ne;
  memcpy(v->s_done, b->v, 8);
  cr_assert_eq(tc_grid_cpu_load(v->grid, b->v + at, b->n - at, &used), TC_OK);
  at += used;
  memcpy(&ns, b->v + at, 4);
  at += 4;
  for (uint32_t k = 0; k < ns; k++) {
    cr_assert_eq(tc_runs_load(v->runs, v->nshards, b->v + at, b->n - at, &used), TC_OK);
    at += used;
  }
  memcpy(&ne, b->v + at, 8);
  at += 8;
  for (uint64_t i = 0; i < ne; i++, at += sizeof(tc_encounter)) {
    tc_encounter e;
    memcpy(&e, b->v + at, sizeof e);
    cr_assert_eq(tc_encounter_list_push(&v->found[0], &e), TC_OK);
  }
  cr_assert_eq(at, b->n);
  return TC_OK;
}

void tt_cuts_free(tt_cuts *k) {
  for (int i = 0; i < TT_MAX_CUTS; i++)
    tc_ckbuf_free(&k->buf[i]);
}

tc_engine_stats tt_run_hooked(const tc_columns *c, int64_t bucket_s, uint64_t skip, const char *name,
                              int threads, const tc_params *p, const tc_engine_hooks *h,
                              tc_encounter_list *out) {
  return tt_run_config(c, bucket_s, skip, name, threads, p, NULL, h, out);
}

tc_status tt_run_ops(const tc_columns *c, int64_t bucket_s, uint64_t skip, const tc_params *p,
                     const tc_backend_ops *ops, const tc_backend_config *cfg, const tc_engine_hooks *h,
                     tc_encounter_list *out, tc_engine_stats *st, tc_err *err) {
  tc_memory_source *ms;
  cr_assert_eq(tc_memory_source_create(c, bucket_s, &ms), TC_OK);
  tc_bucket_source src = tc_memory_source_get(ms);
  tc_columns tmp;
  tc_columns_init(&tmp);
  for (uint64_t i = 0; i < skip; i++) {
    int64_t t;
    int eof;
    cr_assert_eq(src.next(src.ctx, &tmp, &t, &eof, NULL), TC_OK);
  }
  tc_columns_free(&tmp);
  tc_backend_config dflt;
  memset(&dflt, 0, sizeof dflt);
  dflt.platform = dflt.device = -1;
  tc_status s = tc_encounters_run_hooked(&src, p, ops, cfg ? cfg : &dflt, h, out, st, err);
  tc_memory_source_free(ms);
  return s;
}

tc_engine_stats tt_run_config(const tc_columns *c, int64_t bucket_s, uint64_t skip, const char *name,
                              int threads, const tc_params *p, const tc_backend_config *cfg,
                              const tc_engine_hooks *h, tc_encounter_list *out) {
  tc_params q = *p;
  q.threads = threads;
  const tc_backend_ops *ops = tc_backend_find(name);
  cr_assert_not_null(ops, "backend %s not built", name);
  tc_engine_stats st;
  tc_err err = {0};
  tc_status s = tt_run_ops(c, bucket_s, skip, &q, ops, cfg, h, out, &st, &err);
  cr_assert_eq(s, TC_OK, "engine (%s) failed: %s", name, err.msg);
  return st;
}
