/* A watchlist of vessels by MMSI or IMO. File: one vessel a line, '#' comments, an
 * optional label after a comma ("636012345,sanctioned tanker"). "IMO1234567" or
 * "imo:1234567" is an IMO, "mmsi:…" an MMSI; a header line "mmsi…" or "imo…" makes
 * bare numbers of that kind; otherwise a bare 7-digit number with a valid IMO check
 * digit is an IMO and any other number an MMSI. */
#ifndef TC_WATCHLIST_H
#define TC_WATCHLIST_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"

typedef struct tc_watchlist tc_watchlist;

tc_status tc_watchlist_load(const char *path, tc_watchlist **out, tc_err *err);
tc_status tc_watchlist_create(tc_watchlist **out);
tc_status tc_watchlist_add(tc_watchlist *w, int is_imo, uint32_t id, const char *label);
void tc_watchlist_free(tc_watchlist *w);
size_t tc_watchlist_size(const tc_watchlist *w);
int tc_watchlist_has_imos(const tc_watchlist *w);

/* The entry's label ("" when none) when listed, else NULL. */
const char *tc_watchlist_mmsi(const tc_watchlist *w, uint32_t mmsi);
const char *tc_watchlist_imo(const tc_watchlist *w, uint32_t imo);

/* IMO numbers end in a check digit: sum of the first six digits times 7…2, mod 10. */
int tc_imo_valid(uint32_t imo);

#endif
