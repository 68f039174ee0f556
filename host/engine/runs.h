/* Close pairs → runs → encounters (spec §4). Close grid times of a pair arrive in
 * time order; a pair's open candidate lives until a close time more than merge_gap
 * later starts a new one, or until the stream has moved more than merge_gap past it,
 * so an encounter that crosses any number of bucket or block boundaries is one. */
#ifndef TC_RUNS_H
#define TC_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "host/backend.h"
#include "host/engine/encounter.h"
#include "host/engine/exact.h"
#include "host/engine/grid.h"
#include "host/engine/params.h"

typedef struct tc_runs tc_runs;

/* One close grid time of a pair: both positions and slot speeds (NAN: undefined). */
typedef struct {
  int64_t t;
  double la, oa, lb, ob;     /* vessel a's position, vessel b's */
  double sa, sb;
} tc_close_time;

/* Candidates at the edges of a time part (host/engine/parts.h), kept whole instead of
 * judged, because a neighbouring part may extend them: run i is key[i]'s close times
 * t[off[i] .. off[i+1]), flags[i] TC_EDGE_HEAD (it may continue a run of the part
 * before) and/or TC_EDGE_TAIL (still open at the part's end). */
enum { TC_EDGE_HEAD = 1, TC_EDGE_TAIL = 2 };
typedef struct {
  uint64_t *key;
  uint32_t *flags;
  uint64_t *off;             /* n + 1 entries once n > 0 */
  size_t n, cap;
  tc_close_time *t;
  size_t nt, capt;
} tc_edge_runs;
void tc_edge_runs_init(tc_edge_runs *e);
void tc_edge_runs_free(tc_edge_runs *e);
tc_status tc_edge_runs_push(tc_edge_runs *e, uint64_t key, uint32_t flags, const tc_close_time *v, size_t n);

tc_status tc_runs_create(const tc_params *p, tc_runs **out);
void tc_runs_free(tc_runs *r);

/* Adds one block's close pairs of `shard` (pairs are independent, so shards, split
 * by tc_runs_shard of the mmsi pair, run on separate threads with separate tc_runs).
 * close must be in grid time order (tc_exact_filter); pos: every block position in a
 * close pair with its slot speed (tc_grid_cpu_speeds_pos). A close time keeps both
 * positions and speeds; distances and midpoints are computed only for the candidates
 * judged long and slow enough to report, most being ships that pass each other. */
tc_status tc_runs_add(tc_runs *r, const tc_grid_block *blk, const tc_closebuf *close,
                      const tc_pos_speed *pos, unsigned shard, unsigned nshards);
unsigned tc_runs_shard(uint64_t pair_key, unsigned nshards);
/* The 32 bits of a pair key's hash its table entry keeps (tests build keys that share
 * them, which the table must tell apart by the key). */
uint32_t tc_runs_table_hash(uint64_t pair_key);

/* Every later close time is >= s_next: candidates that can no longer grow are
 * judged and the encounters appended to out. INT64_MAX closes everything. */
tc_status tc_runs_flush(tc_runs *r, int64_t s_next, tc_encounter_list *out);

/* Candidates whose first close time is <= head_until go to edges, unjudged
 * (INT64_MIN, the default: none). */
void tc_runs_set_head(tc_runs *r, int64_t head_until, tc_edge_runs *edges);
/* Moves every open candidate to edges as a tail (a head too when it is one), instead
 * of the INT64_MAX flush's judging. */
tc_status tc_runs_export_open(tc_runs *r, tc_edge_runs *edges);
/* Judges the close times v[0..n) of pair key as one candidate (spec §4), appending the
 * encounter, if it is one, to out. */
tc_status tc_runs_judge_times(tc_runs *r, uint64_t key, const tc_close_time *v, size_t n,
                              tc_encounter_list *out);

uint64_t tc_runs_candidates(const tc_runs *r); /* candidates judged so far */
/* Counts n candidates judged elsewhere (a device's runs too short to report). */
void tc_runs_add_judged(tc_runs *r, uint64_t n);
/* Why a call returned TC_ERR_IO (the spill file of long candidates, host/engine/
 * runspill.h); "" otherwise. */
const char *tc_runs_error(const tc_runs *r);
/* Long candidates spill their older close times to a temporary file once those held in
 * memory pass `bytes` (TC_RUNS_SPILL_FROM unless set; 0: always, for tests). Pairs close
 * for days (moored side by side) otherwise hold 56 bytes a grid time each until their
 * candidate ends, and memory grows with the days read (~10 MB a day at 20 M fixes a day).
 * 2 MiB per engine thread: the 1 500-vessel case (~3 MiB of close times at its peak)
 * stays in memory on two threads (at 1 MiB it wrote ~600 blocks and read them back
 * each run), and 20 days of 1 000 vessels still level off (docs/performance.md). */
#define TC_RUNS_SPILL_FROM ((size_t)2 << 20)
void tc_runs_spill_from(tc_runs *r, size_t bytes);
size_t tc_runs_open(const tc_runs *r);         /* pairs with an open candidate */


/* ---- checkpoints (host/engine/ckpt.h) ---- */
/* Writes the open candidates (each with its queued time and close times) and the count
 * judged, in host byte order; tc_runs_load spreads them over nshards tc_runs (empty
 * ones, created with the same parameters), each candidate to the shard
 * tc_runs_shard gives it, so a checkpoint resumes with any thread count. *used: bytes
 * taken; TC_ERR_FORMAT when they are inconsistent. Saving reads back what a long
 * candidate spilled (hence not const). */
tc_status tc_runs_save(tc_runs *r, tc_put_fn put, void *ctx);
tc_status tc_runs_load(tc_runs *const *r, unsigned nshards, const unsigned char *p, size_t len, size_t *used);

#endif
