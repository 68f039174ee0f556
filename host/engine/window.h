/* The engine's sliding window of fixes: each vessel's fixes still needed (the carry
 * from earlier buckets) followed by the current bucket's fixes that pass the
 * teleport filter (spec §1 rule 3). Memory stays bounded by one bucket plus the
 * carry, which holds at most max_gap + 2 slots of each vessel's history. */
#ifndef TC_WINDOW_H
#define TC_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "host/backend.h"
#include "host/engine/params.h"
#include "host/status.h"
#include "io/columns.h"

typedef struct {
  size_t nv, cap_v;
  uint32_t *mmsi; /* [nv] ascending */
  size_t *off;    /* [nv+1] */
  size_t n, cap;
  int64_t *t;
  double *lat, *lon;
} tc_window;

void tc_window_init(tc_window *w);
void tc_window_free(tc_window *w);

/* dst = carry ∪ bucket: bucket rows sorted by (mmsi, t), all later than the carry's.
 * New fixes are teleport-filtered against each vessel's last kept fix. With an empty
 * carry, dst takes the bucket's t/lat/lon arrays (the bucket's contents are spent). */
tc_status tc_window_merge(tc_window *dst, const tc_window *carry, tc_columns *bucket,
                          const tc_params *p, uint64_t *teleport_dropped);

/* dst = what later grid times s >= keep_from still need of src: per vessel, the fixes
 * from the last one at or before keep_from onwards; vessels with no fix at or after
 * keep_from are dropped (nothing later can interpolate from them, and a fix more than
 * max_gap after its predecessor passes the teleport filter unconditionally). */
tc_status tc_window_trim(tc_window *dst, const tc_window *src, int64_t keep_from);

void tc_window_view(const tc_window *w, int64_t max_gap, tc_track_window *out);

#endif
