/* The OpenCL backends of host/backend.h: "opencl" (cell hash, device counting sort,
 * neighbour scan) and "opencl-allpairs" (tiled brute force), plus what the tests
 * and `trajcorr devices` read of a running instance. */
#ifndef TC_BACKEND_OPENCL_H
#define TC_BACKEND_OPENCL_H

#include <stddef.h>
#include <stdint.h>

#include "host/backend.h"
#include "host/opencl/cl_program.h"

extern const tc_backend_ops tc_backend_opencl;
extern const tc_backend_ops tc_backend_opencl_allpairs;

typedef struct {
  char device[128];       /* device name */
  char options[128];      /* kernel build options */
  int single;             /* screen in float (asked for, or no fp64 on the device) */
  int decide;             /* lists decided on the device (tc_backend_config.decide) */
  int device_stage;       /* cells and offsets made on the device from the unit vectors */
  int zero_copy;          /* a CPU device reads the unit vectors in place (none written) */
  int slot_cells;         /* the cell search by grid time (tc_slot_cells): a CPU device */
  size_t work_group;      /* local size of every kernel */
  size_t budget;          /* device bytes this instance may use */
  size_t max_positions;   /* positions per sub-batch */
  size_t pair_capacity;   /* current device pair buffer, pairs */
  uint64_t batches;       /* sub-batches run */
  uint64_t slot_batches;  /* of them, searched by grid time (tc_slot_cells) */
  uint64_t retries;       /* pair buffer overflows answered by a larger buffer */
  uint64_t splits;        /* overflows answered by halving a sub-batch */
  /* with cfg->profile: seconds on the device by step */
  double t_keys, t_sort, t_pairs, t_write, t_read, t_runs;
  double t_stage, t_wait;  /* host seconds staging sub-batches, waiting on the device */
  uint64_t bytes_up, bytes_down; /* written to and read from the device */
  uint64_t blocks, split_blocks; /* candidates calls; those cut into several sub-batches */
  uint64_t listed, band;   /* pairs read back; of a decided list, those left to the host */
  uint64_t dropped_pairs, dropped_runs; /* close pairs of runs too short to report, not read back */
  uint64_t max_alloc;      /* largest buffer allowed (the device's, or TRAJCORR_CL_MAX_ALLOC) */
  int max_alloc_forced;    /* TRAJCORR_CL_MAX_ALLOC lowered it */
  double t_context, t_program; /* start-up seconds */
  tc_cl_from program_from;
  int cache_written;
} tc_opencl_info;

void tc_opencl_get_info(void *state, tc_opencl_info *info);

/* Sets the device pair buffer's capacity for the next sub-batch (tests use a tiny one
 * to force the overflow-and-retry path). */
tc_status tc_opencl_set_pair_capacity(void *state, size_t pairs, tc_err *err);

/* Sorts n (key, index) pairs by the keys' low `bits` bits (bits <= 64) on the device,
 * stably, in place: the key sort the runs' linking uses (host/opencl/cl_sort.c), for the
 * tests. */
tc_status tc_opencl_sort(void *state, uint64_t *key, uint32_t *idx, size_t n, int bits, tc_err *err);

#endif
