/* Close times linked into runs on the device (spec §4). Each sub-batch's decided pairs are
 * appended to the block's accumulation (tc_run_gather); at the block's end (or when the
 * accumulation is full) host/opencl/cl_runs.c enqueues the linking over all of them:
 *   1. (tc_rsort_count / tc_rsort_move of sort.cl, cl_sort.c): the pairs sorted by
 *                      their keys, made by tc_run_gather: the two vessel indices, the
 *                      grid time, the band bit; the pairs travel with their keys, so each
 *                      vessel pair's close pairs are contiguous and in grid-time order (a
 *                      vessel pair has at most one close pair a grid time: the keys are
 *                      distinct and the order does not depend on the atomics);
 *   2. tc_run_heads:   the groups counted (the new table's size);
 *   3. tc_run_walk:    one work-item per group (the first of its sorted pairs) walks its
 *                      close times in order and cuts them
 *                      into runs wherever two are more than merge_gap apart (a segmented
 *                      scan), looks the pair up in the open-run table (keyed by the two
 *                      MMSIs, kept on the device across blocks and buckets) and decides each
 *                      run: kept (its pairs go back to the host's runs stage) or dropped
 *                      (counted only). A run is dropped when it is finished and too short to
 *                      report and the host has never seen a close time of it: no pair in the
 *                      band the host must decide, it does not continue an open run of the
 *                      table, no close time before the table's horizon can join it, no close
 *                      time after the accumulation can join it, and it spans less than
 *                      min_duration. Every other run comes back whole, and a run still open
 *                      at the end enters the new table;
 *   4. tc_run_carry:   entries of the old table that a later close time may still join are
 *                      carried into the new one (the two swap at every linking);
 *   5. tc_run_drop:    the kept pairs compacted in their sorted order (a prefix scan of the
 *                      keep flags gives each its place): each vessel pair's close pairs come
 *                      back together and in grid-time order (tc_pairbuf.pair_ordered).
 * Grid times are grid indices since a base time the host chooses (uint). */
#include "geo.h"

inline uint tc_pair_hash(uint a, uint b) {
  uint h = a * 0x9E3779B1u;
  h = (h ^ b) * 0x85EBCA77u;
  h ^= h >> 13;
  h *= 0xC2B2AE3Du;
  return h ^ (h >> 16);
}

/* Appends m decided pairs of a sub-batch to the block's accumulation at `at`: the pair
 * (bpq: pp, pq as emitted, the band bit kept) and its sort key (bk): the two vessel
 * indices (vid[p] above vid[q], vb bits each), its grid time in the accumulation (woff +
 * the sub-batch's, wb bits) and its band bit (bit 0). vid and cell: by sub-batch index. */
__kernel void tc_run_gather(__global const uint *pp, __global const uint *pq, uint m, uint base,
                            __global const uint *vid, __global const int4 *cell, uint woff,
                            uint at, uint vb, uint wb, __global uint2 *bpq, __global ulong *bk) {
  uint i = get_global_id(0);
  if (i >= m)
    return;
  uint p = pp[i] - base, q = (pq[i] & ~TC_BAND_BIT) - base;
  bpq[at + i] = (uint2)(pp[i], pq[i]);
  ulong g = (ulong)vid[p] << vb | vid[q];
  bk[at + i] = (g << wb | (woff + (uint)cell[p].w)) << 1 | (pq[i] & TC_BAND_BIT ? 1 : 0);
}

/* cnt[3]: the groups (vessel pairs) among the m sorted keys, what sizes the new open-run
 * table; a key's group is its bits from gs up. */
__kernel void tc_run_heads(__global const ulong *skey, uint m, uint gs, volatile __global uint *cnt) {
  uint k = get_global_id(0);
  if (k < m && (k == 0 || skey[k - 1] >> gs != skey[k] >> gs))
    atomic_inc(&cnt[3]);
}

/* The open-run table: 4 uints a slot, [0] 1 when used, [1] [2] the MMSIs (a < b), [3] the
 * run's last close time (grid index). Inserts of one kernel are of distinct pairs, and
 * lookups read a table no kernel writes at the same time. */
inline uint tc_open_find(__global const uint *t, uint cap, uint a, uint b) {
  uint mask = cap - 1, h = tc_pair_hash(a, b) & mask;
  while (t[4 * h] && !(t[4 * h + 1] == a && t[4 * h + 2] == b))
    h = (h + 1) & mask;
  return h;
}

inline void tc_open_put(volatile __global uint *t, uint cap, uint a, uint b, uint last) {
  uint mask = cap - 1, h = tc_pair_hash(a, b) & mask;
  while (atomic_cmpxchg(&t[4 * h], 0u, 1u) != 0u)
    h = (h + 1) & mask;
  t[4 * h + 1] = a;
  t[4 * h + 2] = b;
  t[4 * h + 3] = last;
}

/* A sorted pair's grid time: its key's bits above the band bit. */
inline uint tc_key_w(__global const ulong *key, uint k, ulong mask) {
  return (uint)((key[k] >> 1) & mask);
}

/* One work-item per sorted pair; the first of each group walks it. skey: the sorted keys
 * (vessel indices in vb bits each, grid time in wb bits, band bit). g0: the
 * sub-batch's first grid index, n its grid times; known: the first grid index the table
 * has seen every close time from; gapw = floor(merge_gap / slot) (two close times d apart
 * are one run when d <= gapw); span_max: a run spanning d <= span_max grid times is
 * shorter than min_duration. ocap: the old table's slots (0: none), ncap: the new table's
 * (0: none kept). keep[k] for every sorted pair; cnt[1] counts the runs dropped, cnt[2]
 * the entries put. */
__kernel void tc_run_walk(uint m, __global const ulong *skey, uint vb, uint wb,
                          __global const uint *mmsi, uint g0, uint n, uint known, uint gapw,
                          int span_max, __global const uint *otab, uint ocap,
                          volatile __global uint *ntab, uint ncap, __global uint *keep,
                          volatile __global uint *cnt) {
  uint a = get_global_id(0);
  if (a >= m)
    return;
  ulong grp = skey[a] >> (wb + 1), wmask = ((ulong)1 << wb) - 1;
  if (a && skey[a - 1] >> (wb + 1) == grp)
    return;
  uint e = a + 1;
  while (e < m && skey[e] >> (wb + 1) == grp)
    e++;
  uint ma = 0, mb = 0;
  if (ocap || ncap) { /* the table's key: the two MMSIs, stable across blocks */
    ma = mmsi[(uint)(grp >> vb)];
    mb = mmsi[(uint)grp & ((1u << vb) - 1)];
    if (ma > mb) {
      uint t = ma;
      ma = mb;
      mb = t;
    }
  }
  long first = (long)g0 + tc_key_w(skey, a, wmask);
  int cont = 0;
  if (ocap) {
    uint s = tc_open_find(otab, ocap, ma, mb);
    cont = otab[4 * s] && first - (long)otab[4 * s + 3] <= (long)gapw;
  }
  /* an unseen close time (at most known - 1) could join the first run */
  int head = first - ((long)known - 1) <= (long)gapw;
  uint k = a;
  while (k < e) {
    uint rs = k, band = 0;
    band |= (uint)skey[k] & 1;
    while (k + 1 < e && tc_key_w(skey, k + 1, wmask) - tc_key_w(skey, k, wmask) <= gapw) {
      k++;
      band |= (uint)skey[k] & 1;
    }
    uint re = k + 1, wf = tc_key_w(skey, rs, wmask), wl = tc_key_w(skey, k, wmask);
    int tail = re == e && n - wl <= gapw; /* a close time at n or later could join it */
    int kept = band || (rs == a && (cont || head)) || tail || (int)(wl - wf) > span_max;
    for (uint j = rs; j < re; j++)
      keep[j] = kept;
    if (!kept)
      atomic_inc(&cnt[1]);
    if (tail && ncap) {
      tc_open_put(ntab, ncap, ma, mb, g0 + wl);
      atomic_inc(&cnt[2]);
    }
    k = re;
  }
}

/* Old entries a close time at grid index `end` or later may still join, into the new
 * table unless the sub-batch put a newer entry of the pair there. */
__kernel void tc_run_carry(__global const uint *otab, uint ocap, volatile __global uint *ntab,
                           uint ncap, uint end, uint gapw, volatile __global uint *cnt) {
  uint j = get_global_id(0);
  if (j >= ocap || !otab[4 * j] || (long)end - (long)otab[4 * j + 3] > (long)gapw)
    return;
  uint a = otab[4 * j + 1], b = otab[4 * j + 2];
  uint s = tc_open_find((__global const uint *)ntab, ncap, a, b);
  if (ntab[4 * s])
    return;
  tc_open_put(ntab, ncap, a, b, otab[4 * j + 3]);
  atomic_inc(&cnt[2]);
}

/* The kept pairs (spq: the pairs in sorted order) compacted into op/oq in that order, so
 * that each vessel pair's come back together and in grid-time order: at[i] is the exclusive
 * prefix sum of the walk's keep flags, cnt[5] the last pair's flag; their count to cnt[0]. */
__kernel void tc_run_drop(__global const uint2 *spq, uint m, __global const uint *at,
                          __global uint *op, __global uint *oq, volatile __global uint *cnt) {
  uint i = get_global_id(0);
  if (i >= m)
    return;
  uint k = at[i], next = i + 1 < m ? at[i + 1] : k + cnt[5];
  if (i + 1 == m)
    cnt[0] = next;
  if (next == k)
    return;
  uint2 x = spq[i];
  op[k] = x.x;
  oq[k] = x.y;
}
