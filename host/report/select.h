/* Selection of candidates by what analysts ask for (docs/outputs.md, "Selecting
 * candidates"): the flag state of a vessel (from its MMSI's MID), its AIS ship type (as
 * of the encounter's start), and a longitude/latitude box around the mean position.
 *
 * A vessel matches when its flag is among the flags given (if any) and its type among
 * the types given (if any). A candidate is kept when either of its vessels matches, or,
 * with both set, when both do; and when its mean position lies in the box (if given).
 * The selection is applied after every candidate has been annotated (the crowd count
 * is over the whole list), so a kept candidate has the score and reasons it has
 * without it. */
#ifndef TC_SELECT_H
#define TC_SELECT_H

#include <stdint.h>

#include "host/report/candidates.h"
#include "io/status.h"

typedef struct tc_select tc_select;

tc_status tc_select_create(tc_select **out);
void tc_select_free(tc_select *s);

/* Adds flags from a comma-separated list, each an ISO 3166 alpha-2 code of a state or
 * territory with a MID ("PA"), a MID 201-775 ("538": that MID only), the ITU's name of
 * one ("Panama", "Portugal" for every MID of PT), or "unknown" (MMSIs with no allocated
 * MID). what names the source in messages ("--flag"). */
tc_status tc_select_add_flags(tc_select *s, const char *list, const char *what, tc_err *err);
/* Adds ship types from a comma-separated list, each an ITU-R M.1371 code 0-255 ("30"),
 * a range ("80-89"), a name as tc_ship_type_name gives it or its first word ("tanker",
 * "pleasure craft", "pleasure"; '-' and '_' read as spaces), or "unknown" (code 0: no
 * static data, or none with a type). */
tc_status tc_select_add_types(tc_select *s, const char *list, const char *what, tc_err *err);
/* "minlon,minlat,maxlon,maxlat" in degrees (RFC 7946 bbox order); minlon > maxlon is a
 * box across the antimeridian. */
tc_status tc_select_set_bbox(tc_select *s, const char *text, const char *what, tc_err *err);
/* Both vessels must match (else either). */
void tc_select_set_both(tc_select *s, int both);

/* The selection of the command-line options --flag and --ship-type (lists, each item
 * comma-separated too), --bbox (NULL: none) and --match both: *out NULL when none is
 * given; --match both without --flag or --ship-type is refused (it would change
 * nothing). Errors name the option. */
tc_status tc_select_from_options(const char *const *flags, size_t nflags, const char *const *types, size_t ntypes,
                                 const char *bbox, int both, tc_select **out, tc_err *err);

/* Whether any criterion was set. */
int tc_select_active(const tc_select *s);
/* Whether a vessel matches the flag and type criteria (1 when none is set). */
int tc_select_vessel(const tc_select *s, uint32_t mmsi, int32_t ship_type);
/* Whether (lat, lon) lies in the box, edges included (1 when no box). */
int tc_select_in_bbox(const tc_select *s, double lat, double lon);
/* Whether a pair is kept: its vessels (MMSI, ship type) and its position. */
int tc_select_pair(const tc_select *s, uint32_t mmsi_a, int32_t type_a, uint32_t mmsi_b, int32_t type_b, double lat,
                   double lon);
/* Whether the candidate is kept: its vessels (mmsi, static data va/vb as of the start)
 * and its mean position. NULL s keeps everything. */
int tc_select_keep(const tc_select *s, const tc_candidate *k);

#endif
