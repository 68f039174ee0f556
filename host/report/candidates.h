/* An encounter as analysts get it: the engine's fields (spec §4) plus identity,
 * place, evidence and a score with its reasons. Filled by host/report/annotate.h,
 * written by host/report/output.h, read back from CSV by host/report/csv_in.h. */
#ifndef TC_CANDIDATES_H
#define TC_CANDIDATES_H

#include <stddef.h>
#include <stdint.h>

#include "host/engine/encounter.h"
#include "host/events/events.h"
#include "host/report/events_places.h"
#include "host/report/encid.h"
#include "io/status.h"
#include "io/columns.h"
#include "io/vessel.h"

/* Tags: yes/no facts about an encounter (the "tags" column, ';'-separated names). */
enum {
  TC_TAG_WATCH_A = 1 << 0,   /* vessel a is on the watchlist */
  TC_TAG_WATCH_B = 1 << 1,
  TC_TAG_NEAR_PORT = 1 << 2, /* within the port radius of a port or anchorage */
  TC_TAG_GAP_BEFORE_A = 1 << 3, /* a went dark before the meeting */
  TC_TAG_GAP_AFTER_A = 1 << 4,  /* a went dark after it */
  TC_TAG_GAP_BEFORE_B = 1 << 5,
  TC_TAG_GAP_AFTER_B = 1 << 6,
  TC_TAG_IN_AREA = 1 << 7,   /* inside --area */
  TC_TAG_COUNT = 8
};
/* "watch_a", "near_port", ... */
const char *tc_tag_name(unsigned bit_index);
/* Tag names joined by ';' ("" when none); parses them back. */
void tc_tags_str(unsigned tags, char *buf, size_t cap);
unsigned tc_tags_parse(const char *s);

#define TC_REASONS_MAX 384
#define TC_EVLINKS_MAX 16 /* linked events kept per candidate (the counts stay exact) */


/* Events linked to an encounter (spec events §4, host/report/evlinks.h). */
enum { TC_EVL_GAP = 1, TC_EVL_LOITER = 2, TC_EVL_DARK = 3 };
typedef struct {
  unsigned char kind; /* TC_EVL_* */
  char vessel;        /* 'a' or 'b' (a gap or loitering of that vessel); 0 for dark */
  uint32_t index;     /* into the event lists' array of that kind */
} tc_evlink;

typedef struct {
  tc_encounter e;
  char id[TC_ENCID_LEN];
  char flag_a[3], flag_b[3];  /* ISO 3166 alpha-2 from the MID; "" when none */
  tc_vessel_static va, vb;    /* static data as of the start; blank when unknown */
  double shore_m;             /* distance from shore of the mean position; NaN unknown */
  char port[64];              /* nearest port or anchorage within the search radius */
  double port_m;              /* its distance; NaN when none */
  int64_t gap_before_a, gap_after_a, gap_before_b, gap_after_b; /* s; 0 none, -1 unknown */
  int crowd;                  /* other encounters at the same place and time (-1 unknown) */
  unsigned tags;
  double score;
  char reasons[TC_REASONS_MAX]; /* "offshore 48 km +4; tanker-tanker +3; ..." */
  /* Linked events (NULL ev: none computed): how many of each kind, the first
   * TC_EVLINKS_MAX of them, and the lists (and their places) the links point into. */
  const tc_event_lists *ev;
  const tc_event_places *evp; /* NULL: no places */
  uint32_t n_gaps, n_loiter, n_dark;
  unsigned n_links;
  tc_evlink links[TC_EVLINKS_MAX];
} tc_candidate;

typedef struct {
  tc_candidate *v;
  size_t n, cap;
  tc_columns *track_a, *track_b; /* per candidate when tracks were loaded, else NULL */
  char note[512];                /* what the annotations rest on (coastline data, ...) */
} tc_candidates;

void tc_candidates_init(tc_candidates *c);
void tc_candidates_free(tc_candidates *c);
/* A candidate with the engine's fields, the id, and every annotation unknown. */
tc_status tc_candidates_push(tc_candidates *c, const tc_encounter *e);
tc_status tc_candidates_from_list(tc_candidates *c, const tc_encounter_list *l);
/* Spec order (start, mmsi_a, mmsi_b), or score descending then spec order. */
void tc_candidates_sort(tc_candidates *c, int by_score);
/* Keeps the candidates with keep[i] != 0, tracks included, in order. */
void tc_candidates_keep(tc_candidates *c, const unsigned char *keep);
/* Allocates empty tracks for every candidate. */
tc_status tc_candidates_alloc_tracks(tc_candidates *c);

#endif
