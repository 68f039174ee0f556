/* Device staging (devices with fp64): a sub-batch's positions arrive as the grid's unit
 * vectors in double (3 x 8 bytes, written straight from the engine's block) and become
 * here what the screen reads: the cell (cx, cy, cz, grid time in the sub-batch) and the
 * offset from the cell's corner. The arithmetic is host/opencl/cl_stage.c's, operation for
 * operation in double (IEEE division, floor and conversions, FP_CONTRACT OFF), so the
 * cells and offsets are the host's to the bit; tests/test_opencl.c compares the two. A
 * device without fp64 keeps the host's staging (the program leaves this file out). */
#include "geo.h"

#ifdef TC_FP64
__kernel void tc_stage(__global const double *ux, __global const double *uy,
                       __global const double *uz, uint n, __global const uint *slot_off,
                       uint nslots, double cell, __global int4 *cells, __global real4 *offs) {
  uint i = get_global_id(0);
  if (i >= n)
    return;
  uint lo = 0, hi = nslots; /* the grid time: the last t with slot_off[t] <= i */
  while (hi - lo > 1) {
    uint mid = lo + (hi - lo) / 2;
    if (slot_off[mid] <= i)
      lo = mid;
    else
      hi = mid;
  }
  double u[3] = {ux[i], uy[i], uz[i]};
  int c[3];
  real o[3];
  for (int k = 0; k < 3; k++) {
    c[k] = (int)tc_cell_coord(u[k], cell);
    o[k] = (real)(u[k] - ((double)c[k] * cell - 1.0));
  }
  cells[i] = (int4)(c[0], c[1], c[2], (int)lo);
  offs[i] = (real4)(o[0], o[1], o[2], (real)0);
}
#endif
