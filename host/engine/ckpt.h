/* Checkpoints and the nightly update (docs/checkpoints.md): the engine's state at a
 * bucket edge, written to a file so that a killed run goes on from there (--checkpoint,
 * --resume) and a later run over stores that have grown reads only the new buckets
 * (--save-state, --since), the list identical to a full run's either way.
 *
 * The state at an edge is everything a later bucket depends on: each vessel's last kept
 * fix (the teleport test and the interpolation into the next bucket measure from it)
 * and its grid positions not yet processed or needed as a slot speed's neighbour, the
 * open runs of every pair (close times with positions and speeds, merged across any
 * gap up to merge_gap), the encounters judged so far, the grid times done and the
 * counters; with it the source's place (buckets read whole) and the identity of what
 * was read. Nothing earlier is read again. */
#ifndef TC_CKPT_H
#define TC_CKPT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "host/engine/engine.h"
#include "host/engine/source_multi.h"
#include "io/status.h"
#include "io/store.h"

typedef struct {
  const char *checkpoint; /* --checkpoint FILE, or NULL */
  double every_s;         /* --checkpoint-every: at most one per this many seconds; 0: every bucket */
  int resume;             /* --resume: go on from checkpoint when it exists */
  const char *since;      /* --since FILE: an update from a saved state, or NULL */
  const char *save_state; /* --save-state FILE, or NULL */
  /* Set (by a signal handler) to stop: at the next bucket edge with a checkpoint written,
   * else at once. May be NULL. */
  const volatile sig_atomic_t *stop;
} tc_ckpt_opts;

typedef struct tc_ckpt tc_ckpt;

/* For a run over stores[0..n) (in time order, tc_stores_order) with parameters p, whose
 * source is src (not read yet): loads the checkpoint (--resume, when the file exists) or
 * the saved state (--since), checks it against the stores and parameters (TC_ERR_ARG
 * naming what differs; TC_ERR_FORMAT naming the file when it is damaged) and skips src
 * past what it covers. */
tc_status tc_ckpt_create(const tc_ckpt_opts *o, tc_store *const *stores, size_t n, const tc_params *p,
                         tc_multi_source *src, tc_ckpt **out, tc_err *err);
void tc_ckpt_free(tc_ckpt *c); /* NULL safe */

/* The source the engine reads: inner (src itself, or a source reading it synchronously)
 * with the place of each slice recorded; and the hooks that restore the state and write
 * checkpoints. */
tc_bucket_source tc_ckpt_source(tc_ckpt *c, const tc_bucket_source *inner);
const tc_engine_hooks *tc_ckpt_hooks(tc_ckpt *c);

/* Buckets the loaded checkpoint or state covered (0: a run from the start). */
uint64_t tc_ckpt_skipped(const tc_ckpt *c);
/* Buckets in the stores. */
uint64_t tc_ckpt_buckets(const tc_ckpt *c);
/* 1 when the run stopped (o->stop) with a checkpoint written at a bucket edge. */
int tc_ckpt_stopped_at_edge(const tc_ckpt *c);

/* After a complete run whose list is written: writes the saved state (--save-state) and
 * removes the checkpoint, which nothing needs any more. */
tc_status tc_ckpt_finish(tc_ckpt *c, tc_err *err);

/* The file itself (ckpt_file.c). A buffer of bytes; a file holds a header, the payload
 * and the payload's SHA-256 (docs/checkpoints.md, "File format"). */
typedef struct {
  unsigned char *v;
  size_t n, cap;
} tc_ckbuf;
tc_status tc_ckbuf_put(void *buf, const void *p, size_t n); /* a tc_put_fn */
void tc_ckbuf_free(tc_ckbuf *b);
/* Writes the payload parts[0..nparts) (one after the other) under path atomically: a
 * temporary name beside it, fsync, rename, fsync of the folder. On failure the
 * temporary is removed and path is untouched. */
tc_status tc_ckpt_write_file(const char *path, const tc_ckbuf *parts, size_t nparts, tc_err *err);
/* Reads path's payload into b; TC_ERR_NOT_FOUND when path does not exist; TC_ERR_FORMAT
 * naming path when it is not a checkpoint, is truncated or its checksum is wrong. */
tc_status tc_ckpt_read_file(const char *path, tc_ckbuf *b, tc_err *err);

#endif
