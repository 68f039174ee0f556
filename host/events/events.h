/* Behaviour events (spec/events.md): loitering, AIS gaps and dark rendezvous, from
 * the same bucket source, cleaning and grid as the encounter engine. */
#ifndef TC_EVENTS_H
#define TC_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "host/engine/encounter.h"
#include "host/engine/params.h"
#include "host/engine/source.h"
#include "io/status.h"

enum { TC_EV_LOITER = 1, TC_EV_GAPS = 2, TC_EV_DARK = 4, TC_EV_ALL = 7 };

/* Where L* is maximised: run(ctx, in, n, out, err) fills out[TC_DARK_OUT * i ...] from
 * in[TC_DARK_IN * i ...] for n pairs (kernels/geo.h's rows), as tc_dark_maximise does;
 * an OpenCL device (host/opencl/cl_dark.h) for one. */
typedef struct {
  tc_status (*run)(void *ctx, const double *in, size_t n, double *out, tc_err *err);
  void *ctx;
} tc_dark_maximiser;

typedef struct {
  double loiter_speed_kn;     /* slot speed below which a vessel loiters */
  int64_t min_loiter;         /* shortest loitering event, s */
  int64_t min_gap;            /* shortest gap reported, s */
  int64_t dark_min_gap;       /* shortest gap that may hide a rendezvous, s */
  int64_t dark_min_overlap;   /* both dark together at least this long, s */
  double dark_max_speed_kn;   /* fastest a dark vessel moves */
  int64_t dark_dwell;         /* how long a hidden meeting must be able to last, s */
  double coverage_radius_m;   /* other vessels' fixes this close count as reception */
  int64_t coverage_window;    /* window of the coverage fraction, s */
  double dark_min_coverage;   /* least coverage of each vessel (0 disables) */
  unsigned kinds;             /* TC_EV_* */
  const tc_dark_maximiser *dark_device; /* NULL: OpenMP on the host */
  /* Pass 1 keeps the fixes it is fed for pass 2 (a copy of time, position and vessel, 28
   * bytes a row; a slice taken whole, tc_events_feed_take, counts 32 with its speeds)
   * while they take at most this many bytes, so that pass 2 reads no store; beyond it
   * they are dropped and pass 2 reads its source. Default TC_EV_KEEP_BYTES. */
  size_t keep_bytes;
  /* Polled by pass 2 at every slice and every 16 384 rows screened, and before the dark
   * stage: non-zero (a signal came, say) stops it with TC_ERR_CANCELLED, before anything
   * is written. NULL: never. */
  int (*stop)(void *ctx);
  void *stop_ctx;
  size_t dark_budget;         /* bytes of L* rows held at once (0: TRAJCORR_DARK_BUDGET, else
                               * TC_DARK_BUDGET_DEFAULT): the pairs go to the maximiser in chunks */
} tc_event_params;

#define TC_EV_KEEP_BYTES ((size_t)256 << 20)
#define TC_DARK_BUDGET_DEFAULT ((size_t)64 << 20)

void tc_event_params_default(tc_event_params *e);
tc_status tc_event_params_check(const tc_event_params *e, tc_err *err);

typedef struct {
  uint32_t mmsi;
  int64_t start, end;
  int64_t slots;              /* grid times in the run */
  double mean_lat, mean_lon;
  double median_speed_kn;
} tc_loiter;

typedef struct {
  uint32_t mmsi;
  int64_t t0, t1;             /* the two consecutive cleaned fixes */
  double lat0, lon0, lat1, lon1;
  double dist_m;
  uint32_t others_seen;       /* distinct other vessels heard near either end */
  double coverage;            /* over [t0, t1) */
} tc_gap;

typedef struct {
  uint32_t mmsi_a, mmsi_b;
  int64_t a0, a1, b0, b1;     /* the two gaps */
  double l_star;              /* L(X*), s */
  double lat, lon;            /* X* */
  double w_start, w_end;      /* start(X*), end(X*) */
  double dist_dark_m, dist_reappear_m;
  double coverage_a, coverage_b;
} tc_dark;

typedef struct {
  tc_loiter *loiter;
  size_t n_loiter, cap_loiter;
  tc_gap *gaps;               /* those of at least min_gap */
  size_t n_gaps, cap_gaps;
  tc_dark *dark;
  size_t n_dark, cap_dark;
} tc_event_lists;

void tc_event_lists_init(tc_event_lists *l);
void tc_event_lists_free(tc_event_lists *l);

typedef struct {
  uint64_t reads, fixes_read, teleport_dropped;
  uint64_t grid_positions;
  uint64_t dark_gaps;         /* gaps of at least dark_min_gap */
  uint64_t dark_overlaps;     /* pairs of them overlapping by dark_min_overlap */
  uint64_t dark_boxes;        /* of those, reach boxes intersecting */
  uint64_t dark_covered;      /* of those, both coverages high enough */
  uint64_t dark_maximised;    /* of those, L(X) maximised: the L* bound may reach dark_dwell */
  uint64_t dark_encounters;   /* rendezvous left out: the pair has an encounter then */
  double t_pass1, t_pass2, t_dark;
} tc_event_stats;

/* Runs both passes over the fixes: pass1 and pass2 must deliver the same rows (two
 * sources over one store). The first finds loitering and gaps vessel by vessel; the
 * second counts the other vessels heard near each gap's ends (coverage), which needs
 * the gaps first. p gives slot, max_gap and the teleport filter; its threads the
 * dark maximisation's. enc (NULL: none): the encounters of the same fixes and p; a
 * pair with one whose span [start, end] meets the gaps' overlap is an encounter, not
 * a dark rendezvous (spec §3). Lists come out sorted as docs/events.md says. */
tc_status tc_events_run(const tc_bucket_source *pass1, const tc_bucket_source *pass2,
                        const tc_params *p, const tc_event_params *e,
                        const tc_encounter_list *enc, tc_event_lists *out,
                        tc_event_stats *stats, tc_err *err);

/* The same in steps, so that pass 1 can ride along another reader of the store (the
 * encounter engine's, through tc_events_tee): create; feed every slice of the first
 * read in source order (buckets in time order, rows by (mmsi, t)); finish with a
 * second source over the same rows for the coverage evidence. */
typedef struct tc_events tc_events;
tc_status tc_events_create(const tc_params *p, const tc_event_params *e, tc_events **out, tc_err *err);
void tc_events_free(tc_events *ev); /* NULL safe */
tc_status tc_events_feed(tc_events *ev, const tc_columns *slice, tc_err *err);
/* The same, keeping the slice itself for the second pass instead of a copy: its storage
 * moves into ev and slice is left a view of it (tc_columns_take), valid until ev is
 * finished or freed; the caller's next read into slice starts new storage. */
tc_status tc_events_feed_take(tc_events *ev, tc_columns *slice, tc_err *err);
tc_status tc_events_finish(tc_events *ev, const tc_bucket_source *pass2, const tc_encounter_list *enc,
                           tc_event_lists *out, tc_event_stats *stats, tc_err *err);

/* Pass 1 done elsewhere (a run split into time parts, host/events/parts_events.h): ev,
 * just created and not fed, takes the loitering events, the gaps pass 1 keeps (at least
 * min_gap, or dark_min_gap when dark is wanted) and pass 1's counts, as if it had been
 * fed; finish's second source then only needs the kept fixes that may be evidence. */
tc_status tc_events_adopt(tc_events *ev, const tc_loiter *loiter, size_t n_loiter, const tc_gap *gaps,
                          size_t n_gaps, const tc_event_stats *st, tc_err *err);

/* Every slice fed to ev (tc_events_feed, the tee) goes to fn(ctx, slice, err) first:
 * another consumer of the same read (the anchorages, host/report/anchorage_store.h). */
typedef tc_status (*tc_events_slice_fn)(void *ctx, const tc_columns *slice, tc_err *err);
void tc_events_also(tc_events *ev, tc_events_slice_fn fn, void *ctx);

/* A source that delivers inner's slices and feeds each to ev first (on whatever thread
 * reads it: the engine's reader thread, which it joins before returning). */
typedef struct {
  const tc_bucket_source *inner;
  tc_events *ev;
} tc_events_tee_ctx;
tc_bucket_source tc_events_tee(tc_events_tee_ctx *ctx, const tc_bucket_source *inner, tc_events *ev);

/* The dark rendezvous' maximisation of rows [0, n) (kernels/geo.h's layout, as
 * tc_dark_maximiser's run takes them) on the host, threads OpenMP threads (0: OpenMP's
 * choice): what the events do without a device, for the rows a rank is given when the
 * ranks share the maximisation (host/mpi/dark_ranks.h). Each row's result depends on
 * that row alone, so any split of the rows gives the same bytes. */
void tc_dark_rows(const double *in, size_t n, double *out, int threads);

#endif
