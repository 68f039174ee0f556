/* Several OpenCL devices in one run (--device all, or a list): one backend instance per
 * device, each with its own context, queues and buffers, and each block cut into
 * contiguous runs of grid times of about equal positions, one per device, screened at
 * the same time (one host thread per device). The lists are joined in grid-time order,
 * so the engine sees what one device would have given it (a pair's close times still
 * arrive in time order) and the encounters are the same. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "host/opencl/cl_state.h"

tc_status tc_ocl_multi_configs(const tc_backend_config *cfg, tc_backend_config *out, int *n,
                               tc_err *err) {
  *n = 0;
  if (!cfg->all_devices) {
    for (int i = 0; i < cfg->ndevices && cfg->ndevices > 1; i++) {
      out[i] = *cfg;
      out[i].ndevices = 0;
      out[i].device = cfg->devices[i];
    }
    *n = cfg->ndevices > 1 ? cfg->ndevices : 0;
    return TC_OK;
  }
  tc_cl_device_info *list = NULL;
  size_t nl = 0;
  tc_status st = tc_cl_devices_list(&list, &nl, err);
  if (st != TC_OK)
    return st;
  for (size_t i = 0; i < nl && *n < TC_MAX_DEVICES; i++) {
    if ((cfg->platform >= 0 && list[i].platform != cfg->platform) || !list[i].available ||
        !tc_cl_device_type_ok(&list[i], cfg->device_type))
      continue;
    tc_backend_config c = *cfg;
    c.all_devices = 0;
    c.ndevices = 0;
    c.device = cfg->platform >= 0 ? list[i].device : list[i].index;
    out[(*n)++] = c;
  }
  free(list);
  if (*n == 0)
    return tc_fail(err, TC_ERR_NOT_FOUND, "--device all: no available OpenCL device of that platform and type");
  return TC_OK; /* one device found: the caller takes the single-device path with out[0] */
}

typedef struct {
  tc_ocl *s;
  tc_grid_block view;
  tc_pairbuf *out;
  tc_backend_stats st;
  tc_err err;
  tc_status rc;
} share;

static void *share_main(void *arg) {
  share *j = arg;
  j->rc = tc_ocl_candidates(j->s, &j->view, j->out, &j->st, &j->err);
  return NULL;
}

tc_status tc_ocl_multi_candidates(tc_ocl *s, const tc_grid_block *blk, tc_pairbuf *out,
                                  tc_backend_stats *stats, tc_err *err) {
  if (s->nsub < 2)
    return tc_ocl_candidates(s, blk, out, stats, err);
  share job[TC_MAX_DEVICES];
  pthread_t th[TC_MAX_DEVICES];
  int started[TC_MAX_DEVICES] = {0};
  size_t total = blk->off[blk->nslots] - blk->off[0], cut = 0;
  out->n = 0;
  out->decided = s->decide;
  /* device k takes the grid times from the first whose positions reach k/n of the block
   * (a view of the block: same arrays, so its pairs carry the block's indices) */
  for (int k = 0; k < s->nsub; k++) {
    size_t end = blk->nslots;
    if (k + 1 < s->nsub) {
      size_t want = total / (size_t)s->nsub * (size_t)(k + 1);
      end = cut;
      while (end < blk->nslots && blk->off[end] - blk->off[0] < want)
        end++;
    }
    memset(&job[k], 0, sizeof job[k]);
    job[k].s = s->sub[k];
    job[k].view = *blk;
    job[k].view.s0 = blk->s0 + (int64_t)cut * blk->slot;
    job[k].view.off = blk->off + cut;
    job[k].view.nslots = end - cut;
    job[k].out = &s->part[k];
    cut = end;
  }
  tc_status st = TC_OK;
  for (int k = 1; k < s->nsub; k++)
    started[k] = pthread_create(&th[k], NULL, share_main, &job[k]) == 0;
  share_main(&job[0]);
  for (int k = 1; k < s->nsub; k++) {
    if (started[k])
      pthread_join(th[k], NULL);
    else
      share_main(&job[k]); /* no thread to be had: this one in turn */
  }
  size_t n = 0;
  /* the shares are runs of grid times in order: a vessel pair's pairs stay in order */
  out->pair_ordered = 1;
  for (int k = 0; k < s->nsub && st == TC_OK; k++) {
    out->pair_ordered &= s->part[k].pair_ordered;
    if (job[k].rc != TC_OK) {
      st = job[k].rc;
      if (err)
        *err = job[k].err;
    }
    n += s->part[k].n;
  }
  if (st == TC_OK && tc_pairbuf_reserve(out, n) != TC_OK)
    st = tc_fail(err, TC_ERR_NOMEM, "out of memory for %zu candidate pairs", n);
  for (int k = 0; k < s->nsub && st == TC_OK; k++) {
    memcpy(out->p + out->n, s->part[k].p, s->part[k].n * sizeof *out->p);
    memcpy(out->q + out->n, s->part[k].q, s->part[k].n * sizeof *out->q);
    out->n += s->part[k].n;
    if (stats)
      tc_backend_stats_add(stats, &job[k].st);
  }
  return st;
}
