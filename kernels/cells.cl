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

inline uint tc_cell_hash(int4 c) {
  uint h = (uint)c.w * 0x9E3779B1u;
  h = (h ^ (uint)c.x) * 0x85EBCA77u;
  h = (h ^ (h >> 13) ^ (uint)c.y) * 0xC2B2AE3Du;
  h = (h ^ (h >> 16) ^ (uint)c.z) * 0x27D4EB2Fu;
  return h ^ (h >> 15);
}

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

/* Sum of a work-group's private counts into sums[group]; local size a power of two. */
inline void tc_group_sum(ulong v, __local ulong *tmp, __global ulong *sums) {
  uint lid = get_local_id(0);
  tmp[lid] = v;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (uint s = get_local_size(0) / 2; s > 0; s >>= 1) {
    if (lid < s)
      tmp[lid] += tmp[lid + s];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0)
    sums[get_group_id(0)] = tmp[0];
}

/* The bucket of cell c among its grid time's buckets. */
inline uint tc_bucket(int4 c, __global const uint *boff) {
  uint b0 = boff[c.w];
  return b0 + (tc_cell_hash(c) & (boff[c.w + 1] - b0 - 1));
}

/* key[i] = bucket of position i; rank[i] = its place among the bucket's positions
 * (the counting sort's histogram is `count`, zeroed by the host). */
__kernel void tc_cell_keys(__global const int4 *cell, uint n, __global const uint *boff,
                           __global uint *key, __global uint *rank,
                           volatile __global uint *count) {
  uint i = get_global_id(0);
  if (i >= n)
    return;
  uint k = tc_bucket(cell[i], boff);
  key[i] = k;
  rank[i] = atomic_inc(&count[k]);
}
