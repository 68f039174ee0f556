/* Tracks and static data from an open track store (io/store.h). */
#ifndef TC_TRACKS_STORE_H
#define TC_TRACKS_STORE_H

#include "host/report/tracks.h"
#include "host/report/vessels.h"
#include "io/store.h"

/* Reads one vessel's fixes bucket by bucket. Buckets of up to TC_TRACK_CACHE_ROWS
 * rows are read whole and kept (the last TC_TRACK_CACHE of them), since a report
 * asks for hundreds of vessels in the same few buckets and reading one vessel
 * decompresses whole chunks anyway; larger buckets are read one vessel at a time
 * through their vessel index. Coverage (tracks.h) comes from hourly histograms of the
 * buckets read whole; for larger buckets it is unknown. The store must outlive the source; ctx is owned by the
 * caller (the source points to it). */
#define TC_TRACK_CACHE 4
#define TC_TRACK_CACHE_ROWS 12000000 /* ~460 MB a slot: reports want whole days */
typedef struct {
  tc_store *store;
  tc_columns tmp;
  tc_columns cache[TC_TRACK_CACHE];
  size_t cache_k[TC_TRACK_CACHE];
  uint64_t cache_used[TC_TRACK_CACHE], clock;
  unsigned char **hours; /* per bucket, lazily: 1 where an hour has a fix (coverage) */
  size_t nhours;
} tc_store_tracks;
tc_track_source tc_track_source_store(tc_store_tracks *ctx, tc_store *store);
void tc_store_tracks_free(tc_store_tracks *ctx);

/* The store's vessel table as an as-of index (NULL index and TC_OK when empty). */
tc_status tc_vessel_index_from_store(tc_store *store, tc_vessel_index **out, tc_err *err);

#endif
