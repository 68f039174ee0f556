/* Device staging (devices with fp64): a sub-batch's positions arrive as the grid's unit
 * vectors in double (3 x 8 bytes, written straight from the engine's block) and become
 * here what the screen reads: the cell (cx, cy, cz, grid time in the sub-batch) and the
 * offset from the cell's corner. The arithmetic is host/opencl/cl_stage.c's, operation for
 * operation in double (IEEE division, floor and conversions, FP_CONTRACT OFF), so the
 * cells and offsets are the host's to the bit; tests/test_opencl.c compares the two. A
 * device without fp64 keeps the host's staging (the program leaves this file out). */
#include "geo.h"

#ifdef TC_FP64
/* The grid time of position i: the last t < nslots with slot_off[t] <= i. A search
 * without branches (the step count depends on nslots alone, the step a select): a
 * branching one mispredicts about every other step. */
inline uint tc_stage_slot(uint i, __global const uint *restrict slot_off, uint nslots) {
  uint lo = 0, len = nslots;
  while (len > 1) {
    uint step = len / 2;
    lo = slot_off[lo + step] <= i ? lo + step : lo;
    len -= step;
  }
  return lo;
}

/* One coordinate's offset from its cell's corner: the one expression every kernel uses,
 * so tc_stage's offsets and tc_scatter_units' are the same bits. */
inline real tc_stage_off(double u, int c, double cell) {
  return (real)(u - ((double)c * cell - 1.0));
}

__kernel void tc_stage(__global const double *ux, __global const double *uy,
                       __global const double *uz, uint n, __global const uint *slot_off,
                       uint nslots, double cell, __global int4 *cells, __global real4 *offs) {
  uint i = get_global_id(0);
  if (i >= n)
    return;
  uint lo = tc_stage_slot(i, slot_off, nslots);
  double u[3] = {ux[i], uy[i], uz[i]};
  int c[3];
  real o[3];
  for (int k = 0; k < 3; k++) {
    c[k] = (int)tc_cell_coord(u[k], cell);
    o[k] = tc_stage_off(u[k], c[k], cell);
  }
  cells[i] = (int4)(c[0], c[1], c[2], (int)lo);
  offs[i] = (real4)(o[0], o[1], o[2], (real)0);
}

/* The cell search's first step on a device that stages: tc_stage's cells and
 * tc_cell_keys' keys in one pass. The offsets are not stored: tc_scatter_units makes
 * them from the unit vectors where the sorted copy needs them, so they are written once
 * instead of written, read and written again. */
__kernel void tc_stage_keys(__global const double *restrict ux, __global const double *restrict uy,
                            __global const double *restrict uz, uint n,
                            __global const uint *restrict slot_off, uint nslots, double cell,
                            __global const uint *restrict boff, __global int4 *restrict cells,
                            __global uint *restrict key, __global uint *restrict rank,
                            volatile __global uint *count, volatile __global uint *occ) {
  uint i = get_global_id(0);
  if (i >= n)
    return;
  int4 c = (int4)((int)tc_cell_coord(ux[i], cell), (int)tc_cell_coord(uy[i], cell),
                  (int)tc_cell_coord(uz[i], cell), (int)tc_stage_slot(i, slot_off, nslots));
  cells[i] = c;
  tc_key(c, i, boff, key, rank, count, occ);
}

/* tc_scatter with the offsets made from the unit vectors (tc_stage_off). */
__kernel void tc_scatter_units(__global const int4 *restrict cell, __global const double *restrict ux,
                               __global const double *restrict uy, __global const double *restrict uz,
                               double cell_size, __global const uint *restrict key,
                               __global const uint *restrict rank, __global const uint *restrict start,
                               uint n, __global int4 *restrict scell, __global real4 *restrict spos,
                               __global uint *restrict sidx) {
  uint i = get_global_id(0);
  if (i >= n)
    return;
  uint j = start[key[i]] + rank[i];
  int4 c = cell[i];
  scell[j] = c;
  spos[j] = (real4)(tc_stage_off(ux[i], c.x, cell_size), tc_stage_off(uy[i], c.y, cell_size),
                    tc_stage_off(uz[i], c.z, cell_size), (real)0);
  sidx[j] = i;
}
/* The whole cell search of one grid time in one work-item, for CPU devices: the chain of
 * tc_stage_keys, fills, scans, tc_scatter_units and tc_neigh costs a CPU device a launch,
 * a pass over every position and atomics for each step, where one work-item walking its
 * grid time's few thousand positions keeps them in its core's cache and needs no atomic
 * but the emitter's. Launched with one work-item a group, over the sub-batch's grid times.
 *
 * Grid time t (positions [slot_off[t], slot_off[t+1]), buckets [boff[t], boff[t+1]) as
 * tc_cl_stage_offsets gives them): the cells (tc_cell_coord, as tc_stage_keys) and keys
 * (tc_cell_hash, its top bits) go to cells/key, the bucket counts to head[boff[t] + t ..
 * boff[t+1] + t] (one more entry than buckets), the occupancy bits to occ[bucket]: 64 a
 * bucket, the hash's next 6 bits (tc_neigh's 8 let through a bucket scan in vain for
 * about one position in two; this cut the kernel's CPU time by a third); a counting sort (inclusive sum, then the positions
 * placed from the last, so each bucket keeps index order) writes scell/spos/sidx, the
 * offsets from the unit vectors by tc_stage_off, so every chord is tc_neigh's to the bit;
 * then each position scans the later entries of its own cell and the 13 forward cells,
 * exactly tc_neigh's pairs and tests. The tests go to sums[2 t], sums[2 t + 1]. */
__kernel void tc_slot_cells(__global const double *restrict ux, __global const double *restrict uy,
                            __global const double *restrict uz, __global const uint *restrict slot_off,
                            uint nslots, double cell, __global const uint *restrict boff,
                            __global int4 *restrict cells, __global uint *restrict key,
                            __global uint *restrict head, __global ulong *restrict occ,
                            __global int4 *restrict scell, __global real4 *restrict spos,
                            __global uint *restrict sidx, real cellr, real screen2, real band2,
                            uint base, __global uint *pp, __global uint *pq, uint cap,
                            volatile __global uint *count, __global uint *sums) {
  uint t = get_global_id(0);
  if (t >= nslots)
    return;
  uint a = slot_off[t], e = slot_off[t + 1], m = e - a;
  ulong tests = 0;
  if (m >= 2) {
    uint b0 = boff[t], nb = boff[t + 1] - b0, sh = tc_bucket_shift(nb);
    __global uint *hd = head + b0 + t; /* nb + 1 entries: bucket k is [hd[k], hd[k + 1]) */
    __global ulong *oc = occ + b0;
    for (uint k = 0; k < nb; k++) {
      hd[k] = 0;
      oc[k] = 0;
    }
    for (uint i = a; i < e; i++) {
      int4 c = (int4)((int)tc_cell_coord(ux[i], cell), (int)tc_cell_coord(uy[i], cell),
                      (int)tc_cell_coord(uz[i], cell), (int)t);
      uint h = tc_cell_hash(c), k = h >> sh;
      cells[i] = c;
      key[i] = k;
      hd[k]++;
      oc[k] |= (ulong)1 << ((h << (32 - sh)) >> 26);
    }
    uint sum = 0;
    for (uint k = 0; k < nb; k++) { /* inclusive: hd[k] = end of bucket k */
      sum += hd[k];
      hd[k] = sum;
    }
    hd[nb] = m;
    for (uint i = e; i-- > a;) { /* from the last: hd[k] ends as bucket k's start */
      uint j = a + --hd[key[i]];
      int4 c = cells[i];
      scell[j] = c;
      spos[j] = (real4)(tc_stage_off(ux[i], c.x, cell), tc_stage_off(uy[i], c.y, cell),
                        tc_stage_off(uz[i], c.z, cell), (real)0);
      sidx[j] = i;
    }
    for (uint j = a; j < e; j++) {
      int4 c = scell[j];
      real4 p4 = spos[j];
      uint p = base + sidx[j], hc = tc_cell_hash(c);
      tests += tc_emit_all(p4, c, c, p, j + 1, a + hd[(hc >> sh) + 1], scell, spos, sidx, cellr,
                           screen2, band2, base, pp, pq, cap, count);
      for (int f = 0; f < 13; f++) {
        uint hn = hc + tc_forward_hash[f], k = hn >> sh;
        if (!(oc[k] & ((ulong)1 << ((hn << (32 - sh)) >> 26))))
          continue; /* no position in any cell of this hash */
        tests += tc_emit_all(p4, c, c + tc_forward[f], p, a + hd[k], a + hd[k + 1], scell, spos,
                             sidx, cellr, screen2, band2, base, pp, pq, cap, count);
      }
    }
  }
  tc_sum_store(tests, t, sums);
}
#endif
