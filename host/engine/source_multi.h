/* Several track stores read as one timeline (one store per month, say): the stores in
 * time order, each streamed bucket by bucket as tc_store_source does, so the engine
 * sees exactly the fixes, in the same per-vessel order, that one store holding all of
 * them would give it.
 *
 * What counts as overlap: each non-empty store holds fixes in [t_min, t_max] (its
 * first and last fix time, both included). Two stores overlap when those closed
 * ranges share an instant. Stores that do not overlap may differ in bucket length and
 * may even share a bucket's span (one ends at 11:59:59, the next starts at 12:00:00
 * inside the same hour): the engine needs only that each vessel's fixes come in time
 * order and that no fix earlier than a reported t_end comes later, which time order
 * of disjoint stores gives. A fix time in two stores is refused even where the
 * vessels differ: one store would have deduplicated a repeated (mmsi, t), and the
 * rule stays simple to state. Empty stores hold nothing and are skipped. */
#ifndef TC_SOURCE_MULTI_H
#define TC_SOURCE_MULTI_H

#include <stddef.h>

#include "host/engine/source.h"

/* Sorts stores[0..n) into time order (by first fix time; empty stores first) and
 * checks that no two overlap. TC_ERR_ARG on overlap, with a message naming both
 * stores' paths and the overlapping span. */
tc_status tc_stores_order(tc_store **stores, size_t n, tc_err *err);

/* The stores (already in time order, tc_stores_order) as one bucket source. The
 * stores must outlive it. threads: for decompression, as tc_store_source_ctx. */
typedef struct tc_multi_source tc_multi_source;
tc_status tc_multi_source_create(tc_store *const *stores, size_t n, int threads, tc_multi_source **out,
                                 tc_err *err);
void tc_multi_source_free(tc_multi_source *m); /* NULL safe */
tc_bucket_source tc_multi_source_get(tc_multi_source *m);
/* Also read these columns (TC_COL_*) besides the positions, for a tee's consumer. */
void tc_multi_source_also_read(tc_multi_source *m, unsigned cols);
/* Before the first read: start at the bucket that holds time t (skipping whole stores
 * and buckets that end at or before it), so a later part of the timeline is read
 * without the fixes before it. */
void tc_multi_source_seek(tc_multi_source *m, int64_t t);


/* Checkpoints (host/engine/ckpt.h). Where the source is: *buckets = buckets read whole
 * so far, over all stores in order; *at_edge = 1 when no bucket is part read; *t_done:
 * the latest t_end reported. Only between calls of next. */
void tc_multi_source_position(const tc_multi_source *m, uint64_t *buckets, int *at_edge, int64_t *t_done);
/* Before the first read: skips the first `buckets` buckets, as if read, with t_done
 * the t_end reported after them. TC_ERR_ARG when the stores hold fewer. */
tc_status tc_multi_source_skip(tc_multi_source *m, uint64_t buckets, int64_t t_done, tc_err *err);

#endif
