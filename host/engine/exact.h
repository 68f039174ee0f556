/* The exact test of spec §3, shared by every backend: a screened candidate is close
 * when its haversine distance in double is <= dist. The chord between the positions'
 * unit vectors decides without the haversine wherever it is clearly inside or outside
 * (far beyond the unit vectors' rounding); only a thin band around dist computes it.
 * Distances themselves are computed later, for the candidates that are judged. */
#ifndef TC_EXACT_H
#define TC_EXACT_H

#include <stddef.h>
#include <stdint.h>

#include "host/backend.h"

typedef struct {
  uint64_t key;  /* mmsi_a << 32 | mmsi_b, mmsi_a < mmsi_b */
  uint32_t p, q; /* position indices in the grid block, p < q (so mmsi_p < mmsi_q) */
} tc_close_pair;

typedef struct {
  tc_close_pair *v, *tmp; /* v: the close pairs; tmp: sort scratch of the same capacity */
  size_t n, cap;
  unsigned char *close; /* scratch: per candidate, 1 when close */
  size_t ccap;
  size_t *chunk_cnt; /* scratch: per thread chunk and shard */
  size_t chunk_cap;
  /* shard k (tc_runs_shard of the mmsi pair) holds v[shard_off[k] .. shard_off[k+1]) */
  size_t *shard_off;
  size_t shard_cap;
  unsigned nshards;
} tc_closebuf;

void tc_closebuf_free(tc_closebuf *c);

/* out = the close pairs among cand (mmsi: the track window's vessel MMSIs; a decided
 * list's unflagged pairs are taken as close, its TC_PAIR_BAND pairs tested), split
 * into nshards shards by mmsi pair, each in grid time order: kept in the backend's
 * order when it emits grid time by grid time, else sorted by p. A pair a backend
 * reported twice appears twice (the runs drop the repeat). */
tc_status tc_exact_filter(const tc_grid_block *blk, const tc_pairbuf *cand, const uint32_t *mmsi,
                          double dist_m, int threads, unsigned nshards, tc_closebuf *out);

/* The exact test of one pair of positions (unit vectors a, b; degrees), as above. */
int tc_exact_close(const double *ua, const double *ub, double lat_a, double lon_a, double lat_b,
                   double lon_b, double dist_m, double lo2, double hi2);
/* Squared-chord bounds for tc_exact_close: below lo2 close, above hi2 not. */
void tc_exact_bounds(double dist_m, double *lo2, double *hi2);

#endif
