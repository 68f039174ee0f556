/* Counting sort of positions by bucket: an exclusive prefix sum of the bucket
 * histogram (work-group scans, then the group sums scanned the same way by the host's
 * recursion, then added back), and a scatter into bucket order. */
#include "geo.h"

#define TC_SCAN_ITEMS 4 /* elements per work-item: a group scans 4 x local size */

/* Exclusive scan of each group's chunk of d in place; the chunk total to sums[group]. */
__kernel void tc_scan_block(__global uint *d, uint n, __global uint *sums, __local uint *tmp) {
  uint lid = get_local_id(0), wg = get_local_size(0);
  uint base = (get_group_id(0) * wg + lid) * TC_SCAN_ITEMS;
  uint v[TC_SCAN_ITEMS];
  uint s = 0;
  for (uint k = 0; k < TC_SCAN_ITEMS; k++) {
    uint x = base + k < n ? d[base + k] : 0;
    v[k] = s;
    s += x;
  }
  tmp[lid] = s;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (uint off = 1; off < wg; off <<= 1) { /* Hillis-Steele over the items' totals */
    uint a = lid >= off ? tmp[lid - off] : 0;
    barrier(CLK_LOCAL_MEM_FENCE);
    tmp[lid] += a;
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  uint before = tmp[lid] - s;
  for (uint k = 0; k < TC_SCAN_ITEMS; k++)
    if (base + k < n)
      d[base + k] = v[k] + before;
  if (lid == wg - 1)
    sums[get_group_id(0)] = tmp[lid];
}

/* Adds the scanned group sums back: chunk = TC_SCAN_ITEMS x the scan's local size. */
__kernel void tc_scan_add(__global uint *d, uint n, __global const uint *sums, uint chunk) {
  uint i = get_global_id(0);
  if (i < n)
    d[i] += sums[i / chunk];
}

/* Position i goes to start[key[i]] + rank[i], with its cell, offset and index. */
__kernel void tc_scatter(__global const int4 *cell, __global const real4 *pos,
                         __global const uint *key, __global const uint *rank,
                         __global const uint *start, uint n, __global int4 *scell,
                         __global real4 *spos, __global uint *sidx) {
  uint i = get_global_id(0);
  if (i >= n)
    return;
  uint j = start[key[i]] + rank[i];
  scell[j] = cell[i];
  spos[j] = pos[i];
  sidx[j] = i;
}
