/* The backend ops table: how candidate close pairs are found.
 *
 *   fixes --grid.c--> grid block --candidates--> candidate pairs --exact--> close pairs
 *
 * Grid positions are the engine's (host/engine/grid.c, on the CPU as fixes stream in).
 * `candidates` screens pairs with the chord test of kernels/geo.h and a safety margin, so its output
 * is a superset of the close pairs; the exact test (host/engine/exact.c, spec §3
 * haversine in double) is shared by every backend, which is what makes every backend
 * give the same list. */
#ifndef TC_BACKEND_H
#define TC_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"

/* Each vessel's fixes in time order, vessels sorted by mmsi. */
typedef struct {
  size_t nv;
  const uint32_t *mmsi;   /* [nv] ascending */
  const size_t *off;      /* [nv+1] into t/lat/lon */
  const int64_t *t;
  const double *lat, *lon;
  int64_t max_gap;
} tc_track_window;

/* Grid positions for grid times s0, s0+slot, ..., slot-major; within a grid time,
 * positions are ordered by vessel index (so by mmsi). */
typedef struct {
  int64_t s0, slot;
  size_t nslots;
  size_t n, cap;          /* positions held / allocated */
  size_t *off;            /* [nslots+1] */
  uint32_t *vid;          /* vessel index (the engine's vessels, in mmsi order) */
  double *lat, *lon;      /* degrees */
  double *x, *y, *z;      /* unit vectors (tc_unit_vec_fast, filled by the grid; every backend reads them) */
  /* MMSI of each vessel index (nv of them; the engine sets them, NULL elsewhere): what
   * identifies a vessel pair across blocks, for a device that links runs itself */
  const uint32_t *mmsi;
  size_t nv;
  /* The caller's runs hold no close time from before the first block it hands over (none
   * restored from a checkpoint): nothing earlier can join a run of that block (the engine
   * sets it; 0 elsewhere). */
  int fresh;
} tc_grid_block;

/* Candidate pairs: indices of two positions of the same grid time, p < q.
 * decided: the backend made the exact decision of spec §3 itself (tc_backend_config.decide):
 * every pair listed is close, except those whose q carries TC_PAIR_BAND, which lie in the
 * thin band around dist the backend could not decide and get the host's exact test.
 * pair_ordered: each vessel pair's pairs come in increasing grid time, though not the list
 * (a device that linked them into runs); the host then links them without sorting. */
typedef struct {
  uint32_t *p, *q;
  size_t n, cap;
  int decided;
  int pair_ordered;
} tc_pairbuf;
#define TC_PAIR_BAND 0x80000000u /* in q of a decided list: the host decides */

#define TC_MAX_DEVICES 16

typedef struct {
  double dist_m;
  int single_precision;
  int threads;
  /* OpenCL selection (ignored by CPU backends) */
  int platform, device;   /* -1 = choose */
  /* Several devices (--device all or a list), each with its own stream of sub-blocks:
   * ndevices > 0 lists them (listing indices, or within `platform`), all_devices takes
   * every available device of the platform and type. Neither: `device` alone. */
  int devices[TC_MAX_DEVICES], ndevices, all_devices;
  int device_type;        /* 0 any, 1 gpu, 2 cpu */
  size_t device_memory;   /* bytes the device may use; 0 = auto */
  int profile;
  /* The caller accepts a decided list (tc_pairbuf.decided): a backend that can, lists
   * only the close pairs and the band's (the engine sets it; the op's own tests do not). */
  int decide;
  /* With decide: the caller links close pairs into runs by spec §4 with these grid, merge
   * and duration seconds and needs no close pair of a run that is shorter than
   * min_duration and that no other close time can join; a device may drop those pairs,
   * counting them (tc_backend_stats.dropped_*). 0: every close pair comes back. */
  int drop_short_runs;
  int64_t slot, merge_gap, min_duration;
} tc_backend_config;

typedef struct {
  uint64_t candidates;    /* pairs screened in */
  uint64_t tests;         /* distance tests made by the screen */
  uint64_t band;          /* pairs of a decided list left to the host's exact test */
  /* close pairs a device did not send back, and the runs they made: runs too short to
   * report that no other close time can join (tc_backend_config.drop_short_runs) */
  uint64_t dropped_pairs, dropped_runs;
  double t_cand, t_transfer; /* seconds, for --profile */
} tc_backend_stats;

/* What a device backend reports for --profile at the end of a run (the `profile` op):
 * start-up, host and device time by step, bytes moved each way, how blocks were cut. */
typedef struct {
  double t_context, t_program;  /* seconds: context creation, program build or load */
  const char *program_from;     /* "disk cache", "built" or "process" */
  int cache_written;            /* a build was stored in the disk cache */
  double t_stage, t_wait;       /* host: staging sub-batches, waiting on the device */
  double t_keys, t_sort, t_pairs, t_write, t_read, t_runs; /* device, from profiling events */
  uint64_t bytes_up, bytes_down; /* host to device, device to host */
  int decided;                  /* the device made the exact decision (close pairs + band) */
  int device_stage;             /* positions staged on the device (unit vectors up) */
  uint64_t listed, band;        /* pairs read back; of them, the band's left to the host */
  uint64_t dropped_pairs, dropped_runs; /* not read back: runs too short to report */
  int devices;                  /* devices used (--device all or a list) */
  uint64_t blocks, batches, split_blocks, retries, splits;
  uint64_t slot_batches;        /* sub-batches searched by grid time (a CPU device) */
  uint64_t max_alloc, budget;   /* largest buffer allowed; device bytes allowed */
  int max_alloc_forced;         /* max_alloc lowered by TRAJCORR_CL_MAX_ALLOC */
} tc_device_profile;

typedef struct {
  const char *name;
  tc_status (*create)(const tc_backend_config *cfg, void **state, tc_err *err);
  void (*destroy)(void *state);
  tc_status (*candidates)(void *state, const tc_grid_block *blk, tc_pairbuf *out,
                          tc_backend_stats *st, tc_err *err);
  /* Written into output metadata ("double", "single+exact recheck"). */
  const char *(*precision)(void *state);
  /* Grid positions the backend wants per block; NULL = the engine's default (small
   * blocks that stay in the CPU's cache; a GPU wants millions per launch). */
  size_t (*block_positions)(void *state);
  /* Fills *p for --profile; NULL for backends with nothing beyond tc_backend_stats. */
  void (*profile)(void *state, tc_device_profile *p);
  /* create loads a driver (OpenCL: tens of ms on PoCL): the engine reads the first slice
   * on its reader thread meanwhile. */
  int slow_create;
  /* Grid times a block should hold at least, whatever block_positions says (a device that
   * links runs can drop only those ending merge_gap before its block's end); NULL or 0:
   * the engine's default. */
  size_t (*block_min_slots)(void *state);
  /* Nonzero: `candidates` mostly waits on a device, so the engine calls it for block k+1
   * on a thread of its own while it computes the next block's positions and links block
   * k's close pairs (one call at a time, blocks in order). NULL or 0: called in line. */
  int (*overlap)(void *state);
} tc_backend_ops;

/* Known backends: "openmp", "allpairs", "opencl", "opencl-allpairs". NULL if unknown
 * or not built. */
const tc_backend_ops *tc_backend_find(const char *name);

/* to += from, every count and time (one op call's, or one device's share). */
void tc_backend_stats_add(tc_backend_stats *to, const tc_backend_stats *from);

tc_status tc_pairbuf_reserve(tc_pairbuf *b, size_t cap);
void tc_pairbuf_free(tc_pairbuf *b);
tc_status tc_grid_block_reserve(tc_grid_block *b, size_t nslots, size_t npos);
/* Grid time index (0 .. nslots-1) of position p: the last j with off[j] <= p. */
size_t tc_grid_block_slot_of(const tc_grid_block *b, size_t p);
void tc_grid_block_free(tc_grid_block *b);

#endif
