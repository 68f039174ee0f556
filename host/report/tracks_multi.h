/* Tracks and static data from several track stores read as one timeline (in time
 * order, no two sharing a fix time: host/engine/source_multi.h). One store gives
 * exactly tc_track_source_store's source and tc_vessel_index_from_store's index. */
#ifndef TC_TRACKS_MULTI_H
#define TC_TRACKS_MULTI_H

#include <stddef.h>

#include "host/report/tracks.h"
#include "host/report/vessels.h"
#include "io/store.h"

typedef struct tc_stores_tracks tc_stores_tracks;
/* The stores must outlive it. */
tc_status tc_stores_tracks_create(tc_store *const *stores, size_t n, tc_stores_tracks **out, tc_err *err);
void tc_stores_tracks_free(tc_stores_tracks *m); /* NULL safe */
/* A vessel's fixes: each store's in turn (time order, since the stores are); a batch
 * (tc_track_gather): each store's batch in turn over the requests that reach into its
 * span, so each bucket of each store is read once for all requests together; coverage:
 * an hour counts when any store has a fix in it. Valid while m lives. */
tc_track_source tc_stores_tracks_source(tc_stores_tracks *m);

/* Every store's vessel table in one as-of index (NULL index and TC_OK when empty). */
tc_status tc_vessel_index_from_stores(tc_store *const *stores, size_t n, tc_vessel_index **out, tc_err *err);

#endif
