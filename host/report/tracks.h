/* Fixes of one vessel over a time span, from the store or from memory: what the
 * writers draw (--tracks), the report plots, and gap detection reads. */
#ifndef TC_TRACKS_H
#define TC_TRACKS_H

#include <stdint.h>

#include "io/status.h"
#include "io/columns.h"

typedef struct {
  void *ctx;
  /* Replaces out with the fixes of mmsi with t0 <= t <= t1, in time order. */
  tc_status (*read)(void *ctx, uint32_t mmsi, int64_t t0, int64_t t1, tc_columns *out, tc_err *err);
  int64_t t_min, t_max; /* the data's time span: a gap is not told from its edge */
  /* Fraction of the whole hours in [t0, t1) with a fix of any vessel (NaN unknown);
   * NULL when the source cannot tell. */
  double (*coverage)(void *ctx, int64_t t0, int64_t t1);
} tc_track_source;

/* Over columns sorted by (mmsi, t) that outlive the source. */
tc_track_source tc_track_source_memory(const tc_columns *sorted);

/* AIS gaps next to an encounter (spec events §2, §4): pairs of consecutive fixes at
 * least min_gap apart, one end of which lies within window of [start, end]. *before
 * gets the longest that ends by start (dark, then the meeting), *after the longest that
 * begins at or after end (the meeting, then dark); 0 when none. Fixes are read from
 * start - window - min_gap to end + window + min_gap; a track that begins or ends
 * inside that span counts as a gap when the data runs on past it. A gap during which
 * fewer than half the hours have a fix of any vessel is the receiver's, not the
 * vessel's (spec events §3: an outage silences everyone), and is not counted. */
typedef struct {
  int64_t before_s, after_s;
} tc_gaps;
tc_status tc_track_gaps(const tc_track_source *src, uint32_t mmsi, int64_t start, int64_t end,
                        int64_t min_gap, int64_t window, tc_columns *scratch, tc_gaps *out, tc_err *err);

#endif
