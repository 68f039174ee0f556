/* The JSON sidecar of an encounters list: the program and version, the command, the
 * input stores' identities, every parameter, the backend and the engine's counts, so a
 * list can be traced to what produced it. */
#ifndef TC_SIDECAR_H
#define TC_SIDECAR_H

#include <stddef.h>

#include "host/engine/engine.h"
#include "io/status.h"
#include "io/store.h"

/* The sidecar as text (malloc'd, NUL-terminated, *len bytes); the caller frees it.
 * Members in this order: program, version, build, command, input, parameters,
 * backend, precision, counts. input: the totals over the nstores stores (bytes, rows,
 * buckets, first and last fix time) and "stores", each store's path and identity in
 * the order given (time order). */
tc_status tc_sidecar_text(int argc, char **argv, const char *const *store_paths,
                          const tc_store_info *const *infos, size_t nstores, const tc_params *p, const char *backend, const tc_engine_stats *st,
                          char **text, size_t *len, tc_err *err);

#endif
