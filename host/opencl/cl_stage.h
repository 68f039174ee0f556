/* Host side of a sub-batch: the positions of consecutive grid times turned into what
 * the kernels read, and the plan that cuts a grid block into sub-batches that fit
 * the device memory budget. */
#ifndef TC_CL_STAGE_H
#define TC_CL_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "host/backend.h"

/* Grid times [s0, s1) of a block: positions [off[s0], off[s1]). */
typedef struct {
  size_t s0, s1;
} tc_cl_batch;

/* For each position of grid times [s0, s1): its cell (cx, cy, cz, grid time - s0) as
 * 4 int32, and its offset from the cell's corner as 4 floats (single) or 4 doubles,
 * all in double from the block's unit vectors (blk->x, y, z). The host's staging, for
 * devices without fp64 (the others run kernels/stage.cl, the same arithmetic, on the
 * device). slot_off gets the
 * s1 - s0 + 1 batch-relative offsets of the grid times, bucket_off those of each grid
 * time's hash buckets (a power of two, at least twice its positions, so a grid time's
 * buckets are contiguous and small). Returns the number of buckets. threads: 0 =
 * default. */
size_t tc_cl_stage(const tc_grid_block *blk, tc_cl_batch b, double cell, int single,
                   int32_t *cells, void *offsets, uint32_t *slot_off, uint32_t *bucket_off,
                   int threads);

/* Only slot_off and bucket_off of tc_cl_stage (device staging); returns the buckets. */
size_t tc_cl_stage_offsets(const tc_grid_block *blk, tc_cl_batch b, uint32_t *slot_off,
                           uint32_t *bucket_off);

/* Buckets tc_cl_stage gives grid times [s0, s1) (at most 4 per position + 1 per grid
 * time). */
size_t tc_cl_buckets(const tc_grid_block *blk, tc_cl_batch b);

/* Cuts [0, nslots) into runs of consecutive grid times of at most nmax positions.
 * *batches is malloc'd. TC_ERR_OVERFLOW names a grid time that alone exceeds nmax. */
tc_status tc_cl_plan(const tc_grid_block *blk, size_t nmax, tc_cl_batch **batches, size_t *nb,
                     tc_err *err);

#endif
