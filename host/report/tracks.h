/* Fixes of one vessel over a time span, from the store or from memory: what the
 * writers draw (--tracks), the report plots, and gap detection reads. */
#ifndef TC_TRACKS_H
#define TC_TRACKS_H

#include <stdint.h>

#include "io/status.h"
#include "io/columns.h"

typedef struct tc_gap_scan tc_gap_scan;

/* One read of a batch: the fixes of mmsi with t0 <= t <= t1, in time order, appended
 * to out and/or fed to gap (either may be NULL). */
typedef struct {
  uint32_t mmsi;
  int64_t t0, t1;
  tc_columns *out;
  tc_gap_scan *gap;
} tc_track_req;

/* Told how a long read goes: what is done (a few words), done of total units (rows or
 * requests). */
typedef void (*tc_track_progress)(void *user, const char *what, uint64_t done, uint64_t total);

typedef struct {
  void *ctx;
  /* Replaces out with the fixes of mmsi with t0 <= t <= t1, in time order. */
  tc_status (*read)(void *ctx, uint32_t mmsi, int64_t t0, int64_t t1, tc_columns *out, tc_err *err);
  int64_t t_min, t_max; /* the data's time span: a gap is not told from its edge */
  /* Fraction of the whole hours in [t0, t1) with a fix of any vessel (NaN unknown);
   * NULL when the source cannot tell. */
  double (*coverage)(void *ctx, int64_t t0, int64_t t1);
  /* Serves every request of reqs together (NULL: one read per request, through
   * tc_track_gather's fallback). A store reads each bucket the requests touch once. */
  tc_status (*gather)(void *ctx, tc_track_req *reqs, size_t n, tc_track_progress progress, void *user,
                      tc_err *err);
} tc_track_source;

/* Over columns sorted by (mmsi, t) that outlive the source. */
tc_track_source tc_track_source_memory(const tc_columns *sorted);

/* Serves reqs through src->gather, or one src->read per request. */
tc_status tc_track_gather(const tc_track_source *src, tc_track_req *reqs, size_t n, tc_track_progress progress,
                          void *user, tc_err *err);

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

/* tc_track_gaps as a stream, so that a batch can find the gaps of many encounters in
 * one pass over the data without keeping their fixes: set up a scan, read the window
 * tc_gap_scan_window gives into it (tc_track_req.gap), then finish it. The scan keeps
 * only the gaps long enough and placed right; finishing weighs them against coverage
 * exactly as tc_track_gaps does. */
struct tc_gap_scan {
  int64_t start, end, min_gap, window;
  int64_t first, last; /* fixes fed (n of them) */
  size_t n;
  int64_t *span; /* candidate gaps (a, b) */
  size_t nspan, cap;
  int nomem;
};
void tc_gap_scan_init(tc_gap_scan *g, int64_t start, int64_t end, int64_t min_gap, int64_t window);
void tc_gap_scan_window(const tc_gap_scan *g, int64_t *t0, int64_t *t1);
void tc_gap_scan_fix(tc_gap_scan *g, int64_t t); /* in time order */
tc_status tc_gap_scan_finish(tc_gap_scan *g, const tc_track_source *src, tc_gaps *out, tc_err *err);
void tc_gap_scan_free(tc_gap_scan *g);

#endif
