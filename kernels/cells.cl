/* Cell keys of the spatial hash: the first kernel file of the program, so it also
 * holds the definitions the others share.
 *
 * Each position arrives as its cell (cx, cy, cz, grid-time index in the sub-batch)
 * and its offset from the cell's corner, both computed on the host in double from
 * the unit vector (kernels/geo.h). A difference of two positions is then
 * (off_a - off_b) + (cell_a - cell_b) * cell_size: small numbers, so even float
 * carries ~1e-7 of the chord and the single-precision screen keeps every close pair.
 * Each grid time has its own 2^k hash buckets (boff[t] .. boff[t+1], at least twice
 * its positions) so a grid time's buckets stay small and together; a collision only
 * costs a few extra cell comparisons. */
#include "geo.h"

#pragma OPENCL FP_CONTRACT OFF

#if TC_SINGLE
typedef float real;
typedef float4 real4;
#else
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double real;
typedef double4 real4;
#endif

/* Pair counts at or above this stop the emitters, so the 32-bit counter never wraps;
 * the host sees the saturated count and splits the work. */
#define TC_COUNT_LIMIT 0x80000000u

/* Multiplicative hash of a cell's coordinates; the grid time is left out, as each grid
 * time has its own buckets. It is linear (mod 2^32), so a neighbour's hash is the cell's
 * plus the direction's: tc_neigh adds one constant per direction instead of hashing
 * 13 cells. A grid time of 2^k buckets takes the top k bits as the bucket and the top
 * k + 3 as the cell's occupancy bit (tc_occ_bit). */
#define TC_HASH3(x, y, z) ((uint)(x) * 0x9E3779B1u + (uint)(y) * 0x85EBCA77u + (uint)(z) * 0xC2B2AE3Du)
inline uint tc_cell_hash(int4 c) { return TC_HASH3(c.x, c.y, c.z); }

/* The 13 "forward" neighbour directions (half stencil: each pair of cells once), for
 * tc_neigh. */
__constant int4 tc_forward[13] = {
    (int4)(0, 0, 1, 0),   (int4)(0, 1, -1, 0),  (int4)(0, 1, 0, 0),  (int4)(0, 1, 1, 0),
    (int4)(1, -1, -1, 0), (int4)(1, -1, 0, 0),  (int4)(1, -1, 1, 0), (int4)(1, 0, -1, 0),
    (int4)(1, 0, 0, 0),   (int4)(1, 0, 1, 0),   (int4)(1, 1, -1, 0), (int4)(1, 1, 0, 0),
    (int4)(1, 1, 1, 0)};

/* tc_cell_hash of each direction: a neighbour's hash is the cell's plus this. */
__constant uint tc_forward_hash[13] = {
    TC_HASH3(0, 0, 1),   TC_HASH3(0, 1, -1),  TC_HASH3(0, 1, 0),  TC_HASH3(0, 1, 1),
    TC_HASH3(1, -1, -1), TC_HASH3(1, -1, 0),  TC_HASH3(1, -1, 1), TC_HASH3(1, 0, -1),
    TC_HASH3(1, 0, 0),   TC_HASH3(1, 0, 1),   TC_HASH3(1, 1, -1), TC_HASH3(1, 1, 0),
    TC_HASH3(1, 1, 1)};

inline int tc_same_cell(int4 a, int4 b) { return all(a == b); }

/* Squared chord between two positions, from cell-relative offsets. */
inline real tc_chord2(real4 a, int4 ca, real4 b, int4 cb, real cell) {
  real dx = (a.x - b.x) + (real)(ca.x - cb.x) * cell;
  real dy = (a.y - b.y) + (real)(ca.y - cb.y) * cell;
  real dz = (a.z - b.z) + (real)(ca.z - cb.z) * cell;
  return dx * dx + dy * dy + dz * dz;
}

/* In q of a pair: its chord lies in the band the device cannot decide (TC_PAIR_BAND of
 * host/backend.h); the host's exact test decides it. */
#define TC_BAND_BIT 0x80000000u

/* Appends pair (p, q), block indices, as p < q, q flagged when `band`; beyond `cap` only
 * the count grows. */
inline void tc_emit(uint p, uint q, int band, __global uint *pp, __global uint *pq, uint cap,
                    volatile __global uint *count) {
  if (*count >= TC_COUNT_LIMIT)
    return;
  uint k = atomic_inc(count);
  if (k < cap) {
    pp[k] = min(p, q);
    pq[k] = max(p, q) | (band ? TC_BAND_BIT : 0u);
  }
}

/* The device's part of the exact decision (spec §3): a pair within the screen is emitted,
 * flagged when its squared chord is not clearly below the close bound band2 (+inf when
 * the host asked for a plain candidate list). */
inline void tc_decide_emit(real c2, real screen2, real band2, uint p, uint q,
                           __global uint *pp, __global uint *pq, uint cap,
                           volatile __global uint *count) {
  if (c2 <= screen2)
    tc_emit(p, q, c2 >= band2, pp, pq, cap, count);
}

/* Adds a work-item's count v to its group's, sums[2 group] (low word) and sums[2 group + 1]
 * (high word; a carry when the low word wraps): atomics instead of a reduction over the
 * group, whose barriers a CPU device pays for as loops over every work-item. */
inline void tc_group_add(ulong v, volatile __global uint *sums) {
  if (v == 0)
    return;
  volatile __global uint *g = sums + 2 * get_group_id(0);
  uint lo = (uint)v, hi = (uint)(v >> 32);
  uint old = atomic_add(&g[0], lo);
  if (old + lo < old)
    hi++;
  if (hi)
    atomic_add(&g[1], hi);
}

/* The grid time's buckets: first bucket b0 and shift: bucket of hash h = b0 + (h >> sh)
 * (2^k buckets: sh = 32 - k, k >= 1 for a grid time with any position, so sh >= 3 while
 * a grid time has under 2^28 positions). */
inline uint tc_bucket_shift(uint nb) { return clz(nb) + 1; }

/* A grid time's occupancy bits: 8 a bucket, from bit 8 b0 of the block's bit set (grid
 * times share words: set with atomic_or). A clear bit means no cell of that hash has a
 * position, so tc_neigh skips the bucket without reading it; the bit set (a byte a
 * bucket) stays in the first-level cache where the bucket starts and cells would not. */
inline uint tc_occ_bit(uint b0, uint sh, uint h) { return 8 * b0 + (h >> (sh - 3)); }

/* key[i] = bucket of position i (cell c); rank[i] = its place among the bucket's
 * positions (the counting sort's histogram is `count`, zeroed by the host); the cell's
 * bit in occ (zeroed by the host) set. */
inline void tc_key(int4 c, uint i, __global const uint *restrict boff, __global uint *restrict key,
                   __global uint *restrict rank, volatile __global uint *count,
                   volatile __global uint *occ) {
  uint b0 = boff[c.w], sh = tc_bucket_shift(boff[c.w + 1] - b0), h = tc_cell_hash(c);
  uint k = b0 + (h >> sh), bit = tc_occ_bit(b0, sh, h);
  key[i] = k;
  rank[i] = atomic_inc(&count[k]);
  atomic_or(&occ[bit >> 5], 1u << (bit & 31));
}

__kernel void tc_cell_keys(__global const int4 *restrict cell, uint n,
                           __global const uint *restrict boff, __global uint *restrict key,
                           __global uint *restrict rank, volatile __global uint *count,
                           volatile __global uint *occ) {
  uint i = get_global_id(0);
  if (i < n)
    tc_key(cell[i], i, boff, key, rank, count, occ);
}

/* Stores count v at sums[2 i] (low word) and sums[2 i + 1] (high word): the slot's own
 * entry, written once, so a rerun of the kernel leaves the same sums (no zeroing). */
inline void tc_sum_store(ulong v, uint i, __global uint *sums) {
  sums[2 * i] = (uint)v;
  sums[2 * i + 1] = (uint)(v >> 32);
}
