/* Dark rendezvous (spec/events.md §3): L* of one pair of gaps per work-item, by
 * kernels/geo.h's tc_dark_maximise, the code the host runs. Needs doubles: absent from
 * a program built without geo.h (a device without cl_khr_fp64). */
#ifdef TC_GEO_H
__kernel void tc_dark_max(__global const double *in, uint n, __global double *out) {
  uint i = get_global_id(0);
  if (i >= n)
    return;
  __global const double *r = in + (size_t)TC_DARK_IN * i;
  tc_dark_pair p;
  p.a0lat = r[0];
  p.a0lon = r[1];
  p.a1lat = r[2];
  p.a1lon = r[3];
  p.b0lat = r[4];
  p.b0lon = r[5];
  p.b1lat = r[6];
  p.b1lon = r[7];
  p.ta0 = r[8];
  p.ta1 = r[9];
  p.tb0 = r[10];
  p.tb1 = r[11];
  p.v = r[12];
  double lat, lon, w0, w1;
  double l = tc_dark_maximise(&p, r[13], r[14], r[15], r[16], &lat, &lon, &w0, &w1);
  __global double *o = out + (size_t)TC_DARK_OUT * i;
  o[0] = l;
  o[1] = lat;
  o[2] = lon;
  o[3] = w0;
  o[4] = w1;
}
#endif
