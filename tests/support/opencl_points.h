/* Test helpers for the OpenCL suite: grid blocks of synthetic positions (random,
 * clustered, across the antimeridian, at the poles) and the brute-force oracle that
 * candidate lists are checked against. */
#ifndef TC_TEST_OPENCL_POINTS_H
#define TC_TEST_OPENCL_POINTS_H

#include <stddef.h>
#include <stdint.h>

#include "host/backend.h"

typedef enum { OP_BOX, OP_CLUSTERS, OP_ANTIMERIDIAN, OP_POLES, OP_STACKED } op_kind;

/* Appends one grid time of n positions of the given kind to blk (which the caller
 * zero-initialised); x/y/z are filled with NaN until op_fill_unit, so a test that
 * forgets it finds no pair at all rather than pairs from stale vectors. */
void op_add_slot(tc_grid_block *blk, op_kind kind, size_t n, uint64_t seed);

/* Fills x/y/z of every position (every backend reads them; the engine's grid fills
 * them). */
void op_fill_unit(tc_grid_block *blk);

/* Candidate pairs sorted by (p, q) as one 64-bit key each; *keys is malloc'd. */
uint64_t *op_sorted_keys(const tc_pairbuf *b, size_t *n);

/* Checks a candidate list against brute force: every pair within dist_m (haversine)
 * is present; every candidate is p < q of one grid time, not repeated, with a chord
 * inside the screen (with slack for float). Returns NULL when all hold, else a
 * static message. *close gets the number of close pairs. */
const char *op_check(const tc_grid_block *blk, const tc_pairbuf *cand, double dist_m, int single,
                     size_t *close);

#endif
