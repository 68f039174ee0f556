#include "host/cli/events_ranked.h"

#include <stdlib.h>

#include "host/backend.h"
#include "host/cli/runlog.h"
#include "host/mpi/events_ranks.h"
#include "host/report/sidecar.h"
#include "io/json.h"

tc_status tc_cli_events_ranked(const tc_ranks *rk, tc_store *const *stores, size_t n, const tc_params *p,
                               const tc_event_params *e, tc_encounter_list *enc, tc_events **ev,
                               tc_memory_source **pass2, tc_rank_figures *figures, tc_err *err) {
  size_t k = (size_t)rk->size;
  tc_rank_figures *ef = calloc(k, sizeof *ef), *xf = calloc(k, sizeof *xf);
  tc_status s = ef && xf ? TC_OK : tc_fail(err, TC_ERR_NOMEM, "out of memory");
  int with_enc = enc != NULL;
  if (s == TC_OK && with_enc) { /* the dark rule's encounters, as the one process's (cmd_events.c) */
    tc_backend_config cfg = {0};
    cfg.platform = cfg.device = -1;
    tc_engine_stats est;
    s = tc_ranks_encounters(rk, stores, n, p, tc_backend_find("openmp"), &cfg, NULL, enc, ef, &est, err);
  }
  if (s == TC_OK)
    s = tc_ranks_events(rk, stores, n, p, e, ev, pass2, xf, err);
  for (size_t i = 0; s == TC_OK && figures && rk->rank == 0 && i < k; i++) {
    tc_rank_figures *f = &figures[i];
    if (with_enc)
      *f = ef[i];
    if (f->s_lo == 0 && f->s_hi == 0) { /* nothing there yet: the events' own */
      *f = xf[i];
      continue;
    }
    f->fixes_read += xf[i].fixes_read;
    f->t_wall += xf[i].t_wall;
    f->t_cpu += xf[i].t_cpu;
    f->from_start |= xf[i].from_start;
    if (xf[i].rss_mb > f->rss_mb)
      f->rss_mb = xf[i].rss_mb;
  }
  free(ef);
  free(xf);
  return s;
}

void tc_cli_dark_spread(const tc_ranks *rk, tc_ranks_dark *dk, tc_event_params *e) {
  if (dk && rk->rank == 0)
    e->dark_device = tc_ranks_dark_spread(dk);
}

int tc_cli_dark_serve(const tc_ranks *rk, tc_ranks_dark *dk, tc_status *s, tc_err *err) {
  if (!dk || rk->rank == 0)
    return 0;
  *s = tc_ranks_dark_serve(dk, err);
  return 1;
}

tc_status tc_cli_dark_done(const tc_ranks *rk, tc_ranks_dark *dk, tc_status s, tc_err *err) {
  if (!dk || rk->rank != 0)
    return s;
  tc_err stop_err = {0};
  tc_status t = tc_ranks_dark_stop(dk, &stop_err); /* also after a failure: the ranks wait for it */
  if (s == TC_OK && t != TC_OK) {
    *err = stop_err;
    return t;
  }
  return s;
}

int tc_cli_ranks_amend(void *ctx, char **text, size_t *len) {
  const tc_cli_ranks_sidecar *c = ctx;
  if (!tc_runlog_sidecar_ranks(text, len, c->figures, c->k))
    return 0;
  json_error_t je;
  json_t *o = json_loadb(*text, *len, 0, &je), *figs = o ? json_object_get(o, "rank_figures") : NULL;
  int bad = !figs || json_array_size(figs) != (size_t)c->k;
  for (int i = 0; !bad && i < c->k; i++) {
    json_t *r = json_array_get(figs, (size_t)i);
    tc_json_set(r, "dark_pairs", json_integer((json_int_t)c->figures[i].dark_pairs), &bad);
    tc_json_set(r, "dark_s", tc_json_fixed(c->figures[i].dark_s, 3), &bad);
  }
  char *t = NULL;
  size_t n = 0;
  tc_err err = {0};
  if (!o || tc_sidecar_dump(o, bad, "sidecar", &t, &n, &err) != TC_OK) /* takes o */
    return 0;
  free(*text);
  *text = t;
  *len = n;
  return 1;
}
