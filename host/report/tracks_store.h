/* Tracks and static data from an open track store (io/store.h). */
#ifndef TC_TRACKS_STORE_H
#define TC_TRACKS_STORE_H

#include "host/report/tracks.h"
#include "host/report/vessels.h"
#include "io/store.h"

/* A batch (tc_track_gather) reads every bucket its requests touch once, in time order,
 * a slice of whole chunks at a time, and hands each slice's rows to the requests of
 * their vessels: the cost is one pass over those buckets whatever the number of
 * requests, and memory is one slice plus what the requests keep (a track's fixes, a
 * gap scan's few gaps). Only the MMSI and time columns are inflated for buckets that
 * no track request (tc_track_req.out) touches. The same pass records which hours of
 * each bucket have a fix of any vessel (the coverage, tracks.h); a coverage question
 * about a bucket no batch read reads its time column then. A single read (the
 * source's read) takes the vessel's rows through each bucket's vessel index.
 *
 * TC_TRACK_SLICE_ROWS (environment, for tests): rows per slice, not rounded to
 * chunks, so that small stores split vessels across slices as large ones do.
 * The store must outlive the source; ctx is owned by the caller (the source points to
 * it). */
#define TC_TRACK_SLICE_ROWS (1u << 22)
typedef struct {
  tc_store *store;
  tc_columns tmp;
  uint64_t slice_rows; /* 0: whole chunks, about TC_TRACK_SLICE_ROWS */
  unsigned char **hours; /* per bucket, lazily: 1 where an hour has a fix (coverage) */
  size_t nhours;
} tc_store_tracks;
tc_track_source tc_track_source_store(tc_store_tracks *ctx, tc_store *store);
void tc_store_tracks_free(tc_store_tracks *ctx);

/* The store's vessel table as an as-of index (NULL index and TC_OK when empty). */
tc_status tc_vessel_index_from_store(tc_store *store, tc_vessel_index **out, tc_err *err);

#endif
