/* The JSON sidecar of an encounters list: the program and version, the command, the
 * input stores' identities, every parameter, the backend and the engine's counts, so a
 * list can be traced to what produced it. */
#ifndef TC_SIDECAR_H
#define TC_SIDECAR_H

#include <stddef.h>

#include "host/engine/engine.h"
#include "io/json.h"
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

/* The parts every sidecar shares (the events sidecar too). A new object with program,
 * version, build and command (argv[0] = the command); NULL when out of memory. */
json_t *tc_sidecar_head(int argc, char **argv, int *bad);
/* The engine parameters both sidecars record, added to o in a fixed order. */
void tc_sidecar_engine_params(json_t *o, const tc_params *p, int *bad);
/* The input member both sidecars record: the totals over the n stores (bytes, rows,
 * buckets, first and last fix time) and "stores", each store's path and identity in
 * time order. NULL when out of memory. */
json_t *tc_sidecar_input(const char *const *paths, const tc_store_info *const *infos, size_t n, int *bad);
/* o as indented text ending in a newline (malloc'd, *len bytes); takes o (NULL allowed)
 * and fails with "WHAT: out of memory" when bad is set or memory runs out. */
tc_status tc_sidecar_dump(json_t *o, int bad, const char *what, char **text, size_t *len, tc_err *err);

#endif
