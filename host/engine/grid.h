/* Grid positions (spec §2) on the CPU: each vessel's position at each grid time of a
 * block, linear interpolation across gaps <= max_gap, no extrapolation. */
#ifndef TC_GRID_H
#define TC_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "host/backend.h"
#include "host/status.h"

typedef struct tc_grid_cpu tc_grid_cpu;

tc_status tc_grid_cpu_create(tc_grid_cpu **out);
void tc_grid_cpu_free(tc_grid_cpu *g);

/* Fills blk (whose s0, slot and nslots the caller set) slot-major, vessels in window
 * order within a grid time, with unit vectors. threads: 0 = OpenMP default. */
tc_status tc_grid_cpu_compute(tc_grid_cpu *g, const tc_track_window *w, tc_grid_block *blk,
                              int threads);

/* Spec §2 slot speed of the block's position p, from the last tc_grid_cpu_compute
 * (which also holds the positions one grid time before and after the block). */
double tc_grid_cpu_speed_kn(const tc_grid_cpu *g, const tc_grid_block *blk, size_t p);

/* Position of window vessel v at grid time s; 0 when it has none. */
int tc_track_position(const tc_track_window *w, size_t v, int64_t s, double *lat, double *lon);

/* Spec §2 slot speed in knots; NAN when undefined. */
double tc_slot_speed_kn(const tc_track_window *w, size_t v, int64_t s, int64_t slot);

#endif
