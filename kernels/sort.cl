/* Counting sort of positions by bucket: an exclusive prefix sum of the bucket
 * histogram (work-group scans, then the group sums scanned the same way by the host's
 * recursion, then added back), and a scatter into bucket order. */
#include "geo.h"

/* Elements per work-item: a group scans TC_SCAN_ITEMS x local size. Many per item keep
 * the barrier steps few per element (each is a loop over the whole group on a CPU
 * device); host/opencl/cl_batch.c's scan() uses the same number. */
#define TC_SCAN_ITEMS 16

/* Exclusive scan of each group's chunk of d in place; the chunk total to sums[group].
 * Each item's elements are read twice (their total, then their prefixes) rather than
 * kept in a private array across the barriers, which a CPU device would have to save
 * for every work-item of the group. */
__kernel void tc_scan_block(__global uint *d, uint n, __global uint *sums, __local uint *tmp) {
  uint lid = get_local_id(0), wg = get_local_size(0);
  uint base = (get_group_id(0) * wg + lid) * TC_SCAN_ITEMS;
  uint end = min(base + TC_SCAN_ITEMS, n);
  uint s = 0;
  for (uint k = base; k < end; k++)
    s += d[k];
  tmp[lid] = s;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (uint off = 1; off < wg; off <<= 1) { /* Hillis-Steele over the items' totals */
    uint a = lid >= off ? tmp[lid - off] : 0;
    barrier(CLK_LOCAL_MEM_FENCE);
    tmp[lid] += a;
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  uint run = tmp[lid] - s;
  for (uint k = base; k < end; k++) {
    uint x = d[k];
    d[k] = run;
    run += x;
  }
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
