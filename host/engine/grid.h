/* Grid positions (spec §2) on the CPU. Fixes arrive bucket by bucket; each vessel's
 * fixes are teleport-filtered (spec §1 rule 3) and turned into its positions at once,
 * so the engine keeps positions, not fixes: per vessel the positions still needed (in
 * a region of its own that new positions extend in place) and its last kept fix (what
 * interpolates into the next bucket and what the next fix's teleport test measures
 * from). Blocks of grid times are then transposed from this
 * vessel-major store to the slot-major tc_grid_block the backends screen. */
#ifndef TC_GRID_H
#define TC_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "host/backend.h"
#include "io/status.h"

typedef struct tc_grid_cpu tc_grid_cpu;

/* max_implied_speed_kn: the teleport limit, 0 = no filter. */
tc_status tc_grid_cpu_create(int64_t slot, int64_t max_gap, double max_implied_speed_kn,
                             tc_grid_cpu **out);
void tc_grid_cpu_free(tc_grid_cpu *g);

/* Adds the next fixes: fx's vessels in ascending mmsi, each vessel's fixes in time
 * order and later than any it had before (fx->max_gap is ignored); TC_ERR_FORMAT, with
 * nothing added, when fx breaks that order. Positions before
 * keep_from are dropped (nothing asks for them again); t_next: every later fix has
 * t >= t_next (a real time, not a sentinel), so a vessel with nothing left whose last fix is more than max_gap
 * before it is forgotten (a next fix would pass the teleport test unconditionally and
 * interpolate from nothing). Fixes the teleport filter drops are added to *dropped.
 * threads: 0 = OpenMP default. */
tc_status tc_grid_cpu_add(tc_grid_cpu *g, const tc_track_window *fx, int64_t keep_from,
                          int64_t t_next, int threads, uint64_t *dropped);

/* The store is compacted when its abandoned regions hold more than twice the live
 * positions plus `positions` (default 65 536); tests set 0 to compact often. */
void tc_grid_cpu_compact_from(tc_grid_cpu *g, size_t positions);
size_t tc_grid_cpu_compactions(const tc_grid_cpu *g); /* so far */

/* First grid time with a position (INT64_MAX when none); last kept fix time over all
 * vessels (INT64_MIN when none). */
int64_t tc_grid_cpu_first(const tc_grid_cpu *g);
int64_t tc_grid_cpu_last_fix(const tc_grid_cpu *g);

/* Each held vessel's last kept fix time (INT64_MIN: none), in the order of
 * tc_grid_cpu_mmsi: the teleport filter's state, valid until the next add. */
const int64_t *tc_grid_cpu_last_kept(const tc_grid_cpu *g);

/* The vessels held and their MMSIs (blk->vid indexes them), valid until the next add. */
size_t tc_grid_cpu_vessels(const tc_grid_cpu *g);
const uint32_t *tc_grid_cpu_mmsi(const tc_grid_cpu *g);

/* Fills blk (whose s0, slot and nslots the caller set) slot-major, vessels in mmsi
 * order within a grid time, with unit vectors. */
tc_status tc_grid_cpu_compute(tc_grid_cpu *g, tc_grid_block *blk, int threads);

/* A position in a close pair with its slot speed, in one place: the runs stage reads
 * the two of each close pair at random in the block, one cache line each instead of
 * one for each of lat, lon and speed. */
typedef struct {
  double lat, lon, speed, pad; /* pad: 32 bytes, two to a cache line */
} tc_pos_speed;

/* pos[p] = the position (blk->lat[p], blk->lon[p]) and slot speed (spec §2) of every
 * position p of blk with want[p] set (the others are left alone): the close pairs'
 * positions, each once however many pairs it is in. blk is any block tc_grid_cpu_compute
 * filled since the last add (blocks do not overlap in time, so a later block's compute
 * leaves an earlier one's positions to it). The vessel-major store holds each position's
 * neighbours one grid time away, so no search: the caller keeps the grid time before the
 * block (keep_from) and has added the fixes that make the one after it final. */
void tc_grid_cpu_speeds_pos(const tc_grid_cpu *g, const tc_grid_block *blk, const unsigned char *want,
                            tc_pos_speed *pos, int threads);

/* The definition itself, for checks: position of vessel v of the fixes w at grid time
 * s (0 when it has none) and its slot speed in knots (NAN when undefined). */
int tc_track_position(const tc_track_window *w, size_t v, int64_t s, double *lat, double *lon);
double tc_slot_speed_kn(const tc_track_window *w, size_t v, int64_t s, int64_t slot);


/* ---- checkpoints (host/engine/ckpt.h) ---- */
/* A byte sink for the state a checkpoint keeps: appends n bytes, TC_ERR_NOMEM when it
 * cannot. */
typedef tc_status (*tc_put_fn)(void *ctx, const void *p, size_t n);

/* Writes what the grid holds between slices: each vessel, in mmsi order, with its last
 * kept fix and its positions still needed, in host byte order. */
tc_status tc_grid_cpu_save(const tc_grid_cpu *g, tc_put_fn put, void *ctx);
/* Fills an empty grid from p[0..len) as tc_grid_cpu_save wrote it; *used: bytes taken.
 * TC_ERR_FORMAT when the bytes are inconsistent (vessels out of order, counts past the
 * end). */
tc_status tc_grid_cpu_load(tc_grid_cpu *g, const unsigned char *p, size_t len, size_t *used);

#endif
