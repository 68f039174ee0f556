/* The events lists as HDF5 (`trajcorr events --format hdf5`): PREFIX.KIND.h5 holds one
 * compound table named after the kind (/loitering, /gaps, /dark), one row per CSV row and
 * a field per CSV column (times int64 seconds since 1970 UTC, the rest as numbers; a
 * place as a fixed 64-byte string), with a FIELD_units attribute per numeric field as
 * the encounters' .h5 has (host/report/out_hdf5.c). docs/events.md. */
#ifndef TC_EVENTS_H5_H
#define TC_EVENTS_H5_H

#include <stdint.h>

#include "host/events/events.h"
#include "host/report/events_places.h"
#include "io/status.h"

/* kind: TC_EV_LOITER, TC_EV_GAPS or TC_EV_DARK; pl may be NULL (no place fields). The
 * file is built in memory and written to path whole (the caller renames it into place). */
tc_status tc_events_h5_write(const char *path, unsigned kind, const tc_event_lists *l, int64_t dwell,
                             const tc_event_places *pl, tc_err *err);

#endif
