/* The anchorages of a whole track store (host/report/anchorage.h with its defaults),
 * found once and cached beside the store, so that every command that ranks (report,
 * encounters with any analyst output) flags the same encounters at anchor and gives
 * the same scores. */
#ifndef TC_ANCHORAGE_STORE_H
#define TC_ANCHORAGE_STORE_H

#include "host/report/anchorage.h"
#include "host/report/places.h"
#include "host/report/tracks.h"
#include "io/store.h"

/* STORE.anchorages.csv: the anchorages command's CSV under a first line
 * "# trajcorr anchorages key HEX", HEX the SHA-256 of the store's content identity
 * (its sources' SHA-256s and record counts, rows, vessels, buckets, time span) and of the
 * finder's parameters. A cache whose key differs (the store changed) or that does not
 * read is found again and rewritten; a directory that cannot be written leaves it
 * uncached. Places found fresh are rounded as the CSV holds them, so a cached run and a
 * fresh one rank alike. *cached: 1 when read from the cache. progress may be NULL. */
tc_status tc_anchorages_for_store(tc_store *store, tc_places **out, int *cached, tc_track_progress progress,
                                  void *user, tc_err *err);

/* The same for several stores read as one timeline (in time order, host/engine/
 * source_multi.h): the anchorages of all their fixes together, as one store holding
 * them would give, cached for the set as FIRST.set-anchorages.csv beside the first
 * store (its key names every store in order, so another set or a changed store finds
 * them again). One store is tc_anchorages_for_store. */
tc_status tc_anchorages_for_stores(tc_store *const *stores, size_t n, tc_places **out, int *cached,
                                   tc_track_progress progress, void *user, tc_err *err);

/* Feeds every fix of the store to a, bucket by bucket (the finder's batches) in the
 * memory of one slice of whole chunks, whatever the bucket's size. */
tc_status tc_anchorage_add_store(tc_anchorage_finder *a, tc_store *store, tc_track_progress progress, void *user,
                                 tc_err *err);

/* The anchorages of stores read as one timeline, found from the slices of a read that
 * happens anyway (the events' first pass) rather than by reading them again: slices in
 * source order (host/engine/source.h) carrying sog (TC_COL_SOG). A fix's neighbours are
 * its vessel's fixes of the same store bucket, as tc_anchorage_add_store's batches
 * give them, so the anchorages equal tc_store_anchorages'. */
typedef struct tc_anchorage_feed tc_anchorage_feed;
tc_status tc_anchorage_feed_create(tc_store *const *stores, size_t n, tc_anchorage_feed **out, tc_err *err);
void tc_anchorage_feed_free(tc_anchorage_feed *f); /* NULL safe */
tc_status tc_anchorage_feed_slice(tc_anchorage_feed *f, const tc_columns *slice, tc_err *err);
/* Appends the anchorages to out (as tc_anchorage_finish). *complete = 0 (and nothing
 * appended) when the slices did not hold every row of the stores (a resumed run skips
 * buckets): the caller then reads the stores. */
tc_status tc_anchorage_feed_finish(tc_anchorage_feed *f, const tc_places *ports, tc_places *out, int *complete,
                                   tc_err *err);

/* The cache's path for a store path, and for a set by its first store's path (cap
 * bytes; 0 when too long). */
int tc_anchorages_cache_path(const char *store_path, char *buf, size_t cap);
int tc_anchorages_set_cache_path(const char *first_path, char *buf, size_t cap);

#endif
