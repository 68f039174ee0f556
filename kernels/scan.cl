/* Neighbour-cell scan: one work-item per position in bucket order. A pair is tested
 * once: within a cell by the earlier of the two in bucket order, across cells from
 * the cell whose neighbour lies in the 13 "forward" directions (half stencil).
 * Entries are matched on the whole cell (cx, cy, cz, grid time), which discards
 * hash collisions. */
#include "geo.h"

__constant int4 tc_forward[13] = {
    (int4)(0, 0, 1, 0),   (int4)(0, 1, -1, 0),  (int4)(0, 1, 0, 0),  (int4)(0, 1, 1, 0),
    (int4)(1, -1, -1, 0), (int4)(1, -1, 0, 0),  (int4)(1, -1, 1, 0), (int4)(1, 0, -1, 0),
    (int4)(1, 0, 0, 0),   (int4)(1, 0, 1, 0),   (int4)(1, 1, -1, 0), (int4)(1, 1, 0, 0),
    (int4)(1, 1, 1, 0)};

inline int tc_same_cell(int4 a, int4 b) { return all(a == b); }

__kernel void tc_neigh(__global const int4 *scell, __global const real4 *spos,
                       __global const uint *sidx, __global const uint *start, __global const uint *boff, uint n,
                       real cell, real screen2, real band2, uint base, __global uint *pp, __global uint *pq,
                       uint cap, volatile __global uint *count, __global ulong *tests,
                       __local ulong *tmp) {
  uint j = get_global_id(0);
  ulong t = 0;
  if (j < n) {
    int4 c = scell[j];
    real4 a = spos[j];
    uint p = base + sidx[j];
    uint h = tc_bucket(c, boff);
    uint end = start[h + 1];
    for (uint k = j + 1; k < end; k++) {
      int4 d = scell[k];
      if (!tc_same_cell(c, d))
        continue;
      t++;
      tc_decide_emit(tc_chord2(a, c, spos[k], d, cell), screen2, band2, p, base + sidx[k], pp,
                     pq, cap, count);
    }
    for (int f = 0; f < 13; f++) {
      int4 cn = c + tc_forward[f];
      uint hn = tc_bucket(cn, boff);
      uint e = start[hn + 1];
      for (uint k = start[hn]; k < e; k++) {
        int4 d = scell[k];
        if (!tc_same_cell(cn, d))
          continue;
        t++;
        tc_decide_emit(tc_chord2(a, c, spos[k], d, cell), screen2, band2, p, base + sidx[k], pp,
                     pq, cap, count);
      }
    }
  }
  tc_group_sum(t, tmp, tests);
}
