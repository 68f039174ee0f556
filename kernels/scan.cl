/* Neighbour-cell scan: one work-item per position in bucket order. A pair is tested
 * once: within a cell by the earlier of the two in bucket order, across cells from
 * the cell whose neighbour lies in the 13 "forward" directions (half stencil).
 * Entries are matched on the whole cell (cx, cy, cz, grid time), which discards
 * hash collisions. */
#include "geo.h"

/* tc_forward, tc_forward_hash and tc_same_cell: kernels/cells.cl. */

__kernel void tc_neigh(__global const int4 *restrict scell, __global const real4 *restrict spos,
                       __global const uint *restrict sidx, __global const uint *restrict start,
                       __global const uint *restrict boff, __global const uint *restrict occ,
                       uint n, real cell, real screen2, real band2, uint base,
                       __global uint *pp, __global uint *pq, uint cap,
                       volatile __global uint *count, volatile __global uint *tests) {
  uint j = get_global_id(0);
  ulong t = 0;
  if (j < n) {
    int4 c = scell[j];
    real4 a = spos[j];
    uint p = base + sidx[j];
    uint b0 = boff[c.w], sh = tc_bucket_shift(boff[c.w + 1] - b0), hc = tc_cell_hash(c);
    uint end = start[b0 + (hc >> sh) + 1];
    for (uint k = j + 1; k < end; k++) {
      int4 d = scell[k];
      if (!tc_same_cell(c, d))
        continue;
      t++;
      tc_decide_emit(tc_chord2(a, c, spos[k], d, cell), screen2, band2, p, base + sidx[k], pp,
                     pq, cap, count);
    }
    for (int f = 0; f < 13; f++) {
      uint hn = hc + tc_forward_hash[f], bit = tc_occ_bit(b0, sh, hn);
      if (!(occ[bit >> 5] & (1u << (bit & 31))))
        continue; /* no position in any cell of this hash */
      int4 cn = c + tc_forward[f];
      uint hb = b0 + (hn >> sh), e = start[hb + 1];
      for (uint k = start[hb]; k < e; k++) {
        int4 d = scell[k];
        if (!tc_same_cell(cn, d))
          continue;
        t++;
        tc_decide_emit(tc_chord2(a, c, spos[k], d, cell), screen2, band2, p, base + sidx[k], pp,
                       pq, cap, count);
      }
    }
  }
  tc_group_add(t, tests);
}
