/* Runs that can never be an encounter, dropped on the device (spec §4). After a
 * sub-batch's pairs are emitted and decided, its close pairs are grouped by vessel pair
 * (a hash table keyed on the two vessel indices, one claim per pair with
 * atomic_cmpxchg) and each group gets its first and last grid time and whether any of its
 * pairs is in the band the host must decide. A group none of whose pairs is in the band,
 * whose close times lie further than merge_gap from both ends of the sub-batch (so no
 * close time outside it can join them: the host's runs would judge them alone) and span
 * at most merge_gap and less than min_duration (so they are one run, and too short) is
 * one candidate the host would reject whatever its speeds: its pairs are not sent back,
 * only counted. Everything else goes back as before. The host passes the thresholds as
 * grid-time indices of the sub-batch (host/opencl/cl_runs.c). */
#include "geo.h"

inline uint tc_pair_hash(uint a, uint b) {
  uint h = a * 0x9E3779B1u;
  h = (h ^ b) * 0x85EBCA77u;
  h ^= h >> 13;
  h *= 0xC2B2AE3Du;
  return h ^ (h >> 16);
}

/* tab: 4 uints a slot, zeroed: owner (pair index + 1), ~first grid time (so that
 * atomic_max keeps the minimum), last grid time, band seen. pp/pq: block indices (base +
 * sub-batch index); vid and cell: by sub-batch index. */
__kernel void tc_run_group(__global const uint *pp, __global const uint *pq, uint m, uint base,
                           __global const uint *vid, __global const int4 *cell,
                           volatile __global uint *tab, uint tmask, __global uint *pslot) {
  uint i = get_global_id(0);
  if (i >= m)
    return;
  uint p = pp[i] - base, qf = pq[i], q = (qf & ~TC_BAND_BIT) - base;
  uint a = vid[p], b = vid[q];
  uint h = tc_pair_hash(a, b) & tmask;
  for (;;) {
    uint old = atomic_cmpxchg(&tab[4 * h], 0u, i + 1);
    if (old == 0)
      break;
    uint pj = pp[old - 1] - base, qj = (pq[old - 1] & ~TC_BAND_BIT) - base;
    if (vid[pj] == a && vid[qj] == b)
      break;
    h = (h + 1) & tmask;
  }
  pslot[i] = h;
  uint w = (uint)cell[p].w;
  atomic_max(&tab[4 * h + 1], ~w);
  atomic_max(&tab[4 * h + 2], w);
  if (qf & TC_BAND_BIT)
    atomic_or(&tab[4 * h + 3], 1u);
}

/* Keeps the pairs of every group that may grow or be reported (compacted into op/oq,
 * count in cnt[0]); cnt[1] counts the groups dropped. */
__kernel void tc_run_drop(__global const uint *pp, __global const uint *pq, uint m,
                          __global const uint *tab, __global const uint *pslot, uint wmin,
                          uint wmax, uint span_max, __global uint *op, __global uint *oq,
                          volatile __global uint *cnt) {
  uint i = get_global_id(0);
  if (i >= m)
    return;
  uint h = pslot[i];
  uint lo = ~tab[4 * h + 1], hi = tab[4 * h + 2];
  if (!tab[4 * h + 3] && lo >= wmin && hi <= wmax && hi - lo <= span_max) {
    if (tab[4 * h] == i + 1)
      atomic_inc(&cnt[1]);
    return;
  }
  uint k = atomic_inc(&cnt[0]);
  op[k] = pp[i];
  oq[k] = pq[i];
}
