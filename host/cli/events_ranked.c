#include "host/cli/events_ranked.h"

#include <stdlib.h>

#include "host/backend.h"
#include "host/cli/runlog.h"
#include "host/mpi/events_ranks.h"

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

int tc_cli_ranks_amend(void *ctx, char **text, size_t *len) {
  const tc_cli_ranks_sidecar *c = ctx;
  return tc_runlog_sidecar_ranks(text, len, c->figures, c->k);
}
