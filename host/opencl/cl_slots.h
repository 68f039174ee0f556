/* The cell search by grid time (kernels/stage.cl, tc_slot_cells): one work-item a grid
 * time stages, sorts and scans its own positions and emits their pairs, replacing on a
 * CPU device the chain of fills, keys, scans, scatter and tc_neigh (cl_batch.c). */
#ifndef TC_CL_SLOTS_H
#define TC_CL_SLOTS_H

#include "host/opencl/cl_state.h"

/* Enqueues the search of input set `set` (its n positions staged as unit vectors, its
 * grid-time and bucket offsets written; the pair count zeroed), after `wait` (may be
 * NULL). Block index base is added to the pairs. The tests land two words a grid time in
 * s->tests (low, high), as tc_group_add's do a group. Reruns give the same pairs. */
tc_status tc_ocl_slot_cells(tc_ocl *s, int set, size_t n, size_t base, const cl_event *wait,
                            tc_err *err);

#endif
