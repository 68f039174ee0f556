/* Internal to host/opencl: the state of one OpenCL backend instance, shared by
 * backend_opencl.c (create, destroy, the ops tables) and cl_batch.c (sub-batches). */
#ifndef TC_CL_STATE_H
#define TC_CL_STATE_H

#include "host/opencl/backend_opencl.h"
#include "host/opencl/cl_device.h"

#define TC_OCL_COUNT_LIMIT 0x80000000u /* TC_COUNT_LIMIT of kernels/cells.cl */
#define TC_OCL_MAX_LEVELS 8
#define TC_OCL_MAX_PENDING 128
#define TC_OCL_SCAN_ITEMS 16 /* TC_SCAN_ITEMS of kernels/sort.cl */

/* TC_K_STAGE, TC_K_STAGE_KEYS, TC_K_SCATTER_U and TC_K_SLOT_CELLS exist only in a program
 * built with fp64 (kernels/stage.cl). */
enum { TC_K_KEYS, TC_K_SCAN, TC_K_ADD, TC_K_SCATTER, TC_K_NEIGH, TC_K_ALLPAIRS, TC_K_STAGE,
       TC_K_STAGE_KEYS, TC_K_SCATTER_U, TC_K_SLOT_CELLS,
       TC_K_RUN_DROP, TC_K_RSORT_COUNT, TC_K_RSORT_MOVE, TC_K_COUNT };
/* Where a profiled command's time goes (tc_opencl_info: t_keys ... t_read, t_runs). */
enum { TC_P_KEYS, TC_P_SORT, TC_P_PAIRS, TC_P_WRITE, TC_P_READ, TC_P_RUNS };
extern const char *const tc_ocl_kernel_names[TC_K_COUNT];

/* One set of sub-batch inputs; two let the next transfer overlap this compute. With
 * device staging, ux/uy/uz receive the block's unit vectors and cell/pos are filled on
 * the device (the cell search keeps no pos: its sorted copy makes the offsets from
 * ux/uy/uz); else cell/pos are written from hcell/hpos. */
typedef struct {
  cl_mem cell, pos, slot, boff;
  cl_mem ux, uy, uz;
  size_t ucap;          /* positions ux/uy/uz hold */
  cl_mem vid;           /* vessel indices, when runs are dropped on the device */
  size_t vcap;
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
  int zero_copy;          /* a CPU device: it reads the block's unit vectors where they lie
                             (CL_MEM_USE_HOST_PTR), none written (TRAJCORR_CL_ZERO_COPY=0: off) */
  int slot_cells;         /* the cell search by grid time (tc_slot_cells, cl_slots.c): CPU
                             devices that stage; TRAJCORR_CL_SLOT_CELLS=0/1 forbids / forces */
  int drop_runs;          /* drop runs too short to report (tc_backend_config.drop_short_runs) */
  int64_t slot, merge_gap, min_duration; /* seconds, for drop_runs */
  struct tc_ocl_runs *runs; /* cl_runs.c: the open-run table and the linking's buffers */
  int runs_shared;        /* one device of several: its sub-batches are not the whole stream */
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
  cl_mem key, rank, scell, spos, sidx, start, occ, tests, pp, pq, count;
  size_t work_cap, start_cap, occ_cap, tests_cap, pair_cap; /* occ: uints */
  cl_mem sort_hist;       /* cl_sort.c: the radix sort's digit counts */
  size_t sort_hist_cap;
  cl_mem lvl[TC_OCL_MAX_LEVELS];
  size_t lvl_cap[TC_OCL_MAX_LEVELS];
  cl_uint *htests; /* low and high word of each group's tests */
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

/* cl_exec.c: the low-level steps of a sub-batch. */
#define A(x) sizeof(x), (const void *)&(x)
#define L(bytes) (size_t)(bytes), (const void *)NULL
tc_status tc_ocl_args(cl_kernel k, const char *name, tc_err *err, int n, ...);
tc_status tc_ocl_launch(tc_ocl *s, int k, size_t n, const cl_event *wait, int kind, tc_err *err);
/* Zeroes bytes of m, its time counted under profile slot `kind`. */
tc_status tc_ocl_fill_zero(tc_ocl *s, cl_mem m, size_t bytes, int kind, tc_err *err);
/* cl_exec.c: exclusive prefix scan of n uints in place (start with level 0). */
tc_status tc_ocl_scan(tc_ocl *s, cl_mem m, size_t n, int level, int kind, tc_err *err);
/* cl_sort.c: sorts the m (key, value) pairs of key[0] / val[0] (ulong keys, uint2 values)
 * by the key's low `bits` bits, stably (a radix sort, TC_OCL_SORT_BITS a pass); the result
 * is in key[*out] / val[*out], the other pair of buffers used as scratch. Kernel time
 * counted under `kind`. */
#define TC_OCL_SORT_BITS 8 /* TC_RSORT_BITS of kernels/sort.cl */
tc_status tc_ocl_sort(tc_ocl *s, cl_mem key[2], cl_mem val[2], size_t m, int bits, int kind, int *out,
                      tc_err *err);
size_t tc_ocl_sort_hist(const tc_ocl *s, size_t m); /* digit counts (uints) it needs for m */
tc_status tc_ocl_ensure(tc_ocl *s, cl_mem *m, size_t *cap, size_t need, size_t elem, const char *what,
                        tc_err *err);
tc_status tc_ocl_wait(tc_ocl *s, tc_err *err); /* clFinish of the compute queue, timed */
/* The event slot for a profiled command of kind TC_P_* (NULL when not profiling);
 * tc_ocl_prof_collect adds the completed ones' times to s->info. */
cl_event *tc_ocl_prof_slot(tc_ocl *s, int kind);
void tc_ocl_prof_collect(tc_ocl *s);

/* cl_runs.c: after the m pairs of sub-batch [s0, s1) of blk (input set `set`) are in
 * pp/pq and decided, and s->drop_runs: the device holds them and, at the block's last
 * sub-batch, links the block's close pairs into runs against the open runs it keeps
 * (kernels/runs.cl), appends the pairs of the runs the host needs to out (with stats'
 * and info's counts, the runs too short to report counted as dropped) and sets *m = 0.
 * *m stays when the pairs are left in pp/pq for the caller to read: linking is off, or
 * they do not fit the budget. Sub-batches must come in grid-time order. */
typedef struct tc_ocl_runs tc_ocl_runs;
tc_status tc_ocl_drop_runs(tc_ocl *s, const tc_grid_block *blk, size_t s0, size_t s1, int set, size_t *m,
                           tc_pairbuf *out, tc_backend_stats *stats, tc_err *err);
void tc_ocl_runs_free(tc_ocl *s); /* NULL safe */

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
