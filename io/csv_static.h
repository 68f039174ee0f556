/* The CSV dialects that repeat static vessel data on every row (DMA, MarineCadastre)
 * emit a TC_REC_STATIC record only when a vessel's static fields change: this keeps
 * a fingerprint of the last one seen per MMSI. */
#ifndef TC_CSV_STATIC_H
#define TC_CSV_STATIC_H

#include <stddef.h>

#include "io/status.h"
#include "io/vessel.h"

typedef struct tc_csv_static_cache tc_csv_static_cache;

tc_status tc_csv_static_cache_create(tc_csv_static_cache **out);
void tc_csv_static_cache_free(tc_csv_static_cache *c); /* NULL safe */

/* A length, width or draught field: metres, or NaN when empty, not a number, or <= 0
 * (AIS sends 0 for "not available"). */
float tc_csv_parse_dim(const char *p, size_t n);

/* 1 when every static field of st is unknown (such rows change nothing). */
int tc_vessel_static_empty(const tc_vessel_static *st);

/* *changed = 1 when st (t ignored) differs from what was last seen for st->mmsi, and
 * remembers it. TC_ERR_NOMEM when the table cannot grow. */
tc_status tc_csv_static_changed(tc_csv_static_cache *c, const tc_vessel_static *st, int *changed);

#endif
