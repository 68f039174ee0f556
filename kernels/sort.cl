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

/* Stable LSD radix sort of (key, value) pairs (64-bit keys, two uints of value), TC_RSORT_BITS of the key a pass
 * (host/opencl/cl_sort.c). Work-item c owns the chunk [c * chunk, (c + 1) * chunk) and
 * counts its digits into hist laid out digit-major (hist[d * nchunk + c]), so that one
 * exclusive scan of hist (tc_scan_block / tc_scan_add) gives each chunk's first place for
 * each digit; the move walks the chunk in order and bumps its own counters, so equal
 * digits keep their order without atomics and every pass is stable. The count a key
 * costs is the same whatever the keys, unlike a comparison sort of uneven groups. */
#define TC_RSORT_BITS 8
#define TC_RSORT_BINS (1u << TC_RSORT_BITS)

__kernel void tc_rsort_count(__global const ulong *key, uint m, uint shift, uint chunk,
                             uint nchunk, __global uint *hist) {
  uint c = get_global_id(0);
  if (c >= nchunk)
    return;
  for (uint d = 0; d < TC_RSORT_BINS; d++)
    hist[d * nchunk + c] = 0;
  uint e = min(m, (c + 1) * chunk);
  for (uint k = c * chunk; k < e; k++)
    hist[((uint)(key[k] >> shift) & (TC_RSORT_BINS - 1)) * nchunk + c]++;
}

/* hist: the scanned counts; each chunk's counters end as the next chunk's starts. */
__kernel void tc_rsort_move(__global const ulong *key, __global const uint2 *val, uint m,
                            uint shift, uint chunk, uint nchunk, __global uint *hist,
                            __global ulong *okey, __global uint2 *oval) {
  uint c = get_global_id(0);
  if (c >= nchunk)
    return;
  uint e = min(m, (c + 1) * chunk);
  for (uint k = c * chunk; k < e; k++) {
    ulong x = key[k];
    uint j = hist[((uint)(x >> shift) & (TC_RSORT_BINS - 1)) * nchunk + c]++;
    okey[j] = x;
    oval[j] = val[k];
  }
}
