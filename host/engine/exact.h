/* The exact test of spec §3, shared by every backend: the haversine distance in
 * double of each screened candidate, kept when <= dist. */
#ifndef TC_EXACT_H
#define TC_EXACT_H

#include <stddef.h>
#include <stdint.h>

#include "host/backend.h"

typedef struct {
  uint64_t key;  /* vessel indices: vid_a << 32 | vid_b, vid_a < vid_b */
  uint32_t p, q; /* position indices in the grid block, p < q (so mmsi_p < mmsi_q) */
  double d;      /* metres */
} tc_close_pair;

typedef struct {
  tc_close_pair *v, *tmp; /* v holds the shards' segments (see shard_off) */
  size_t n, cap;          /* n: close pairs over all shards */
  double *d;     /* scratch: distance per candidate */
  size_t dcap;
  double *cosl;  /* scratch: cos(lat) per position */
  size_t ccap;
  /* close pairs grouped by shard (tc_runs_shard of the mmsi pair): shard k holds
   * v[shard_off[k] .. shard_off[k] + shard_n[k]) */
  size_t *shard_off, *shard_n;
  size_t *chunk_cnt;  /* scratch: [threads][shards] counts */
  unsigned nshards;
} tc_closebuf;

void tc_closebuf_free(tc_closebuf *c);

/* out = close pairs among cand, split into nshards shards by mmsi pair (mmsi: the
 * track window's vessel MMSIs), each sorted by pair, then by grid time (p), so that a
 * pair's close times in the block are contiguous and in time order. */
tc_status tc_exact_filter(const tc_grid_block *blk, const tc_pairbuf *cand, const uint32_t *mmsi,
                          double dist_m, int threads, unsigned nshards, tc_closebuf *out);

#endif
