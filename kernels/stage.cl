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
/* Coordinate k of cell c: a select, not an array indexed at run time (which the compiler
 * puts on the stack, a store and a reload a position). */
inline int tc_axis(int4 c, int k) { return k == 0 ? c.x : k == 1 ? c.y : c.z; }

/* Width in bits of v (at least 1). */
inline uint tc_width(ulong v) { return v ? 64 - (uint)clz(v) : 1u; }

/* The column axis of a grid time (host/backends/cpu_cells.c's choice): a column crosses
 * the sphere where points lie in about 1 / |u| cells along it, so the axis of least mean
 * 1 / |u| over a sample of the positions (at most 64) keeps columns short. */
inline int tc_column_axis(__global const double *restrict ux, __global const double *restrict uy,
                          __global const double *restrict uz, uint a, uint e) {
  double w[3] = {0, 0, 0};
  uint step = (e - a) / 64 + 1;
  for (uint i = a; i < e; i += step) {
    double u[3] = {fabs(ux[i]), fabs(uy[i]), fabs(uz[i])};
    for (int k = 0; k < 3; k++)
      w[k] += 1.0 / (u[k] > 1.0 / 64 ? u[k] : 1.0 / 64);
  }
  return w[0] < w[1] ? (w[0] < w[2] ? 0 : 2) : (w[1] < w[2] ? 1 : 2);
}

/* Tests sorted entry j (offsets p4, cell c, c-axis coordinate cc, block index p) against the
 * sorted entries [k0, k1), all in neighbouring columns: those with |dc| <= 1 are neighbours
 * and tested; returns the tests made. */
inline uint tc_sweep(real4 p4, int4 c, int cc, uint p, uint k0, uint k1,
                     __global const int4 *restrict scell, __global const real4 *restrict spos,
                     __global const uint *restrict sidx, real cellr, real screen2, real band2,
                     uint base, __global uint *pp, __global uint *pq, uint cap,
                     volatile __global uint *count) {
  uint t = 0;
  for (uint k = k0; k < k1; k++) {
    int4 d = scell[k];
    uint near = (uint)d.w - (uint)cc + 1u <= 2u; /* |dc| <= 1 */
    real c2 = tc_chord2(p4, c, spos[k], d, cellr);
    t += near;
    if (near & (c2 <= screen2)) /* no branch on near alone: about one in two */
      tc_emit(p, base + sidx[k], c2 >= band2, pp, pq, cap, count);
  }
  return t;
}

/* The whole cell search of one grid time in one work-item, for CPU devices: the chain of
 * tc_stage_keys, fills, scans, tc_scatter_units and tc_neigh costs a CPU device a launch,
 * a pass over every position and atomics for each step, where one work-item walking its
 * grid time's few thousand positions keeps them in its core's cache and needs no atomic
 * but the emitter's. Launched with one work-item a group, over the sub-batch's grid times.
 *
 * The shape is the openmp backend's (host/backends/cpu_cells.c), not the chain's hash:
 * grid time t (positions [a, e) = [slot_off[t], slot_off[t+1])) gets its cells
 * (tc_cell_coord, as tc_stage_keys; to cells) and, along the column axis c of
 * tc_column_axis and the other two a, b, is sorted by column (a, b) by an LSD radix sort
 * (keys relative to the grid time's extremes, digits no wider than its count); the sorted
 * copy scell/spos/sidx holds the cells (with c in .w), the offsets by tc_stage_off and the
 * indices. Then each column meets the rest of itself, column (a, b + 1) and columns
 * (a + 1, b - 1 .. b + 1) (one contiguous range, found by a forward cursor), keeping the
 * entries with |dc| <= 1: every pair of neighbouring cells' positions once, as tc_neigh's
 * own cell and 13 forward cells, so the same pairs, chords (tc_chord2 is symmetric to the
 * bit), band flags and tests. Scratch within the grid time's own share of the buffers
 * (its nb >= 2 m buckets): the keys in occ (two arrays of m), the indices in key and sidx,
 * the radix histogram and then the column starts in head. The tests go to sums[2 t],
 * sums[2 t + 1]. */
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
    uint b0 = boff[t];
    __global uint *cst = head + b0 + t; /* nb + 1 >= 2 m + 1 entries */
    __global ulong *k0 = occ + b0, *k1 = k0 + m; /* nb >= 2 m entries */
    __global uint *i0 = key + a, *i1 = sidx + a;
    int ec = tc_column_axis(ux, uy, uz, a, e), ea = ec == 0 ? 1 : 0, eb = ec == 2 ? 1 : 2;
    int4 lo = (int4)(INT_MAX), hi = (int4)(INT_MIN);
    for (uint i = a; i < e; i++) {
      int4 c = (int4)((int)tc_cell_coord(ux[i], cell), (int)tc_cell_coord(uy[i], cell),
                      (int)tc_cell_coord(uz[i], cell), (int)t);
      cells[i] = c;
      lo = min(lo, c);
      hi = max(hi, c);
    }
    /* column key: (a - lo_a + 1, b - lo_b + 1), b in wb bits that b + 2 does not overflow
     * (the position packed below the key, one word to move a pass, made the kernel 1.6x
     * slower on PoCL) */
    uint la = (uint)tc_axis(lo, ea), lb = (uint)tc_axis(lo, eb); /* unsigned: no overflow */
    uint wb = tc_width((ulong)((uint)tc_axis(hi, eb) - lb) + 2);
    uint bits = wb + tc_width((ulong)((uint)tc_axis(hi, ea) - la) + 2); /* unit vectors: <= 62 */
    for (uint i = a; i < e; i++) {
      int4 c = cells[i];
      k0[i - a] = (((ulong)((uint)tc_axis(c, ea) - la) + 1) << wb) |
                  ((ulong)((uint)tc_axis(c, eb) - lb) + 1);
      i0[i - a] = i;
    }
    /* LSD radix sort of (k0, i0), stable; digits of dw bits, 2^dw <= 2 m <= nb, as few
     * passes as digits of up to 11 bits allow, the bits spread evenly over them (29-bit
     * keys: 3 passes of 10 bits, histograms half those of 11) */
    uint dmax = min(tc_width(m), 11u), np = (bits + dmax - 1) / dmax;
    uint dw = (bits + np - 1) / np, nd = 1u << dw;
    ulong dm = nd - 1;
    for (uint sh = 0; sh < bits; sh += dw) {
      for (uint d = 0; d < nd; d++)
        cst[d] = 0;
      for (uint i = 0; i < m; i++)
        cst[(k0[i] >> sh) & dm]++;
      if (cst[(k0[0] >> sh) & dm] == m)
        continue; /* one digit for all: nothing to move */
      uint sum = 0;
      for (uint d = 0; d < nd; d++) {
        uint v = cst[d];
        cst[d] = sum;
        sum += v;
      }
      for (uint i = 0; i < m; i++) {
        ulong v = k0[i];
        uint j = cst[(v >> sh) & dm]++;
        k1[j] = v;
        i1[j] = i0[i];
      }
      __global ulong *tk = k0;
      k0 = k1;
      k1 = tk;
      __global uint *ti = i0;
      i0 = i1;
      i1 = ti;
    }
    /* the sorted copy (i0 may be sidx itself: entry j is read before it is written) */
    for (uint j = 0; j < m; j++) {
      uint i = i0[j];
      int4 c = cells[i];
      scell[a + j] = (int4)(c.x, c.y, c.z, tc_axis(c, ec));
      spos[a + j] = (real4)(tc_stage_off(ux[i], c.x, cell), tc_stage_off(uy[i], c.y, cell),
                            tc_stage_off(uz[i], c.z, cell), (real)0);
      sidx[a + j] = i;
    }
    /* distinct columns into the lower keys array (in place or from the upper: entry nc is
     * written after entry i >= nc is read), their starts into cst, then cst[nc] = m */
    __global ulong *ck = occ + b0;
    uint nc = 0;
    ulong prev = ULONG_MAX; /* no key: keys have at most 62 bits */
    for (uint i = 0; i < m; i++) {
      ulong v = k0[i];
      ck[nc] = v;
      cst[nc] = i;
      nc += v != prev;
      prev = v;
    }
    cst[nc] = m;
    ulong A = (ulong)1 << wb; /* a + 1 in a column key */
    uint qc = 0;              /* forward cursor: first column >= (a + 1, b - 1) */
    for (uint ci = 0; ci < nc; ci++) {
      ulong col = ck[ci];
      uint s0 = cst[ci], s1 = cst[ci + 1];
      uint s2 = ci + 1 < nc && ck[ci + 1] == col + 1 ? cst[ci + 2] : s1;
      while (qc < nc && ck[qc] < col + A - 1)
        qc++;
      uint qe = qc;
      while (qe < nc && qe < qc + 3 && ck[qe] < col + A + 2)
        qe++;
      uint qlo = a + cst[qc], qhi = a + cst[qe];
      if (s2 == s0 + 1 && qhi == qlo)
        continue; /* the usual lone position */
      for (uint j = a + s0; j < a + s1; j++) {
        int4 c = scell[j];
        real4 p4 = spos[j];
        uint p = base + sidx[j];
        tests += tc_sweep(p4, c, c.w, p, j + 1, a + s2, scell, spos, sidx, cellr, screen2, band2,
                          base, pp, pq, cap, count);
        tests += tc_sweep(p4, c, c.w, p, qlo, qhi, scell, spos, sidx, cellr, screen2, band2,
                          base, pp, pq, cap, count);
      }
    }
  }
  tc_sum_store(tests, t, sums);
}
#endif
