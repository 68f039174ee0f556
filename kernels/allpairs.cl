/* Brute force: every pair of positions of the same grid time, tiled through local
 * memory. Work-group g owns positions [g*wg, g*wg + wg) and walks the tiles from its
 * own up to the end of its last position's grid time; a position tests the tile
 * entries after itself within its grid time. Cells reject far pairs with integer
 * compares before any floating point. */
#include "geo.h"

__kernel void tc_allpairs(__global const int4 *cell, __global const real4 *pos,
                          __global const uint *slot_off, uint n, real cell_size, real screen2,
                          real band2, uint base, __global uint *pp, __global uint *pq, uint cap,
                          volatile __global uint *count, __local int4 *tcell,
                          __local real4 *tpos) {
  uint lid = get_local_id(0), wg = get_local_size(0);
  uint first = get_group_id(0) * wg;
  uint p = first + lid;
  int4 c = (int4)(0);
  real4 a = (real4)(0);
  uint hi = 0;
  if (p < n) {
    c = cell[p];
    a = pos[p];
    hi = slot_off[c.w + 1];
  }
  uint last = min(n - 1, first + wg - 1);
  uint qend = slot_off[cell[last].w + 1];
  for (uint t0 = first; t0 < qend; t0 += wg) {
    uint q = t0 + lid;
    if (q < n) {
      tcell[lid] = cell[q];
      tpos[lid] = pos[q];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    uint k0 = p + 1 > t0 ? p + 1 - t0 : 0;
    uint k1 = hi > t0 ? min(wg, hi - t0) : 0;
    for (uint k = k0; k < k1; k++) {
      int4 d = tcell[k];
      if (abs(d.x - c.x) > 1 || abs(d.y - c.y) > 1 || abs(d.z - c.z) > 1)
        continue;
      tc_decide_emit(tc_chord2(a, c, tpos[k], d, cell_size), screen2, band2, base + p,
                     base + t0 + k, pp, pq, cap, count);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
}
