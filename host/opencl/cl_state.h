/* Internal to host/opencl: the state of one OpenCL backend instance, shared by
 * backend_opencl.c (create, destroy, the ops tables) and cl_batch.c (sub-batches). */
#ifndef TC_CL_STATE_H
#define TC_CL_STATE_H

#include "host/opencl/backend_opencl.h"
#include "host/opencl/cl_device.h"

#define TC_OCL_COUNT_LIMIT 0x80000000u /* TC_COUNT_LIMIT of kernels/cells.cl */
#define TC_OCL_MAX_LEVELS 8
#define TC_OCL_MAX_PENDING 128

/* TC_K_STAGE exists only in a program built with fp64 (kernels/stage.cl). */
enum { TC_K_KEYS, TC_K_SCAN, TC_K_ADD, TC_K_SCATTER, TC_K_NEIGH, TC_K_ALLPAIRS, TC_K_STAGE, TC_K_COUNT };
extern const char *const tc_ocl_kernel_names[TC_K_COUNT];

/* One set of sub-batch inputs; two let the next transfer overlap this compute. With
 * device staging, ux/uy/uz receive the block's unit vectors and cell/pos are filled on
 * the device; else cell/pos are written from hcell/hpos. */
typedef struct {
  cl_mem cell, pos, slot, boff;
  cl_mem ux, uy, uz;
  size_t ucap;          /* positions ux/uy/uz hold */
  size_t dcap;          /* positions cell/pos hold */
  int32_t *hcell;
  void *hpos;
  uint32_t *hslot, *hboff;
  size_t cap, slot_cap; /* positions, grid-time offsets */
  size_t nbuckets;      /* hash buckets of the sub-batch held */
  size_t nslots;        /* its grid times */
  cl_event written;     /* last write into this set */
} tc_ocl_inset;

typedef struct tc_ocl {
  int allpairs, single, profile, threads;
  int decide;             /* lists are decided (tc_backend_config.decide) */
  int dev_stage;          /* cells and offsets computed on the device (fp64 devices) */
  tc_cl_device_info dev;
  cl_context ctx;
  cl_program prog;
  cl_command_queue q, xq; /* compute, transfer */
  cl_kernel k[TC_K_COUNT];
  size_t wg, rsize;       /* local size; bytes of one offset (4 floats or 4 doubles) */
  double cell;            /* cell size, exactly as the device holds it */
  cl_float cell_f, screen_f, band_f;
  cl_double cell_d, screen_d, band_d; /* band: below it close; +inf for plain candidates */
  size_t budget, used, nmax; /* device bytes allowed and held; positions per sub-batch */
  tc_ocl_inset in[2];
  cl_mem key, rank, scell, spos, sidx, start, tests, pp, pq, count;
  size_t work_cap, start_cap, tests_cap, pair_cap;
  cl_mem lvl[TC_OCL_MAX_LEVELS];
  size_t lvl_cap[TC_OCL_MAX_LEVELS];
  uint64_t *htests;
  size_t htests_cap;
  cl_uint hcount;
  cl_event pend[TC_OCL_MAX_PENDING];
  int pend_kind[TC_OCL_MAX_PENDING], npend;
  tc_opencl_info info;
  /* Several devices: this instance is a shell over one instance per device (nsub > 1),
   * each taking a contiguous share of every block's grid times (cl_multi.c). */
  struct tc_ocl *sub[TC_MAX_DEVICES];
  tc_pairbuf part[TC_MAX_DEVICES];
  int nsub;
} tc_ocl;

/* Replaces *m by a fresh buffer of `bytes` (the old one held old_bytes). */
tc_status tc_ocl_remake(tc_ocl *s, cl_mem *m, size_t old_bytes, size_t bytes, const char *what,
                        tc_err *err);
void tc_ocl_release(tc_ocl *s, cl_mem *m, size_t bytes);
tc_status tc_ocl_set_pair_cap(tc_ocl *s, size_t cap, tc_err *err);
/* The candidates op, of one device or (nsub > 1) of several. */
tc_status tc_ocl_multi_candidates(tc_ocl *s, const tc_grid_block *blk, tc_pairbuf *out,
                                  tc_backend_stats *stats, tc_err *err);
/* The devices cfg lists (--device all or a list) as single-device configurations; *n = 0
 * when cfg names one device. */
tc_status tc_ocl_multi_configs(const tc_backend_config *cfg, tc_backend_config *out, int *n,
                               tc_err *err);
/* The candidates op. */
tc_status tc_ocl_candidates(tc_ocl *s, const tc_grid_block *blk, tc_pairbuf *out,
                            tc_backend_stats *stats, tc_err *err);

#endif
