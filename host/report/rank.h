/* The score of a candidate and the reasons that make it (docs/ranking.md): evidence
 * that a meeting is a transfer at sea rather than ships sharing an anchorage. */
#ifndef TC_RANK_H
#define TC_RANK_H

#include "host/report/candidates.h"

typedef struct {
  double port_radius_m; /* a place this close (to its edge) marks the encounter near_port */
  int have_vessels;     /* static data exists, so its absence for a vessel means something */
  int have_gaps;        /* the gap fields were filled */
} tc_rank_ctx;

/* Weights (points), documented in docs/ranking.md. */
#define TC_W_DURATION_PER_H 0.5  /* per hour beyond 2 h … */
#define TC_W_DURATION_MAX 4.0    /* … up to this, */
#define TC_W_DURATION_DAY 1.0    /* but this when over a day (ships moored or anchored together) */
#define TC_W_CROWD -1.0          /* per other encounter at the same place and time … */
#define TC_W_CROWD_MAX -4.0      /* … down to this */
#define TC_CROWD_RADIUS_M 3000.0 /* "same place": mean positions this close */
#define TC_W_NEAR_SHORE -2.0     /* mean position within 2 km of shore */
#define TC_W_TERRITORIAL 3.0     /* beyond 12 nm from shore */
#define TC_W_HIGH_SEAS 2.0       /* and beyond 200 nm, on top */
#define TC_W_AT_PORT -6.0        /* within the port radius of a port or anchorage */
#define TC_W_NEAR_PORT -2.0      /* within twice the port radius */
#define TC_W_BOTH_SLOW 1.0       /* both median speeds below 1 kn */
#define TC_W_TANKER_TANKER 3.0
#define TC_W_FISH_CARRIER 3.0    /* fishing vessel with a cargo ship or reefer */
#define TC_W_FISH_TANKER 2.0     /* fishing vessel with a tanker (bunkering) */
#define TC_W_CARGO_CARGO 1.0
#define TC_W_SERVICE -3.0        /* tug, pilot, tender, SAR, law enforcement, passenger, leisure */
#define TC_W_NO_STATIC 0.5       /* per vessel that never sent static data */
#define TC_W_WATCHLIST 5.0       /* per listed vessel */
#define TC_W_GAP 3.0             /* per vessel dark just before or after the meeting */
/* With the events (spec events §4, host/report/evlinks.h): */
#define TC_W_GAP_AT_PLACE 1.0    /* that gap, but an end of it at a port or anchorage */
#define TC_W_LOITER 1.0          /* per vessel loitering at the meeting's place before or after it */
#define TC_W_DARK_PAIR 4.0       /* the pair had a dark rendezvous within 30 days … */
#define TC_W_DARK_PAIR_AT_PLACE 1.0 /* … but only at a port or anchorage */
/* The most the gap reasons add (they come last, once the fixes are read). */
#define TC_W_GAPS_MAX (2 * TC_W_GAP)

/* Sets k->score and k->reasons from the candidate's fields. */
void tc_rank(tc_candidate *k, const tc_rank_ctx *r);

#endif
