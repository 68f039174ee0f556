/* The stores a command reads as one timeline (host/engine/source_multi.h), opened and
 * put in time order in one step, so that every command taking STORE... (encounters,
 * events) opens, orders and refuses overlapping stores alike. */
#ifndef TC_STORE_SET_H
#define TC_STORE_SET_H

#include <stddef.h>

#include "io/status.h"
#include "io/store.h"

typedef struct {
  tc_store **stores;        /* [n], in time order */
  const char **paths;       /* [n] their paths, in the same order */
  const tc_store_info **infos;
  size_t n;
} tc_store_set;

/* Opens paths[0..n) (n >= 1) and orders them (tc_stores_order). TC_ERR_ARG when two
 * overlap in time (the message names both and the overlap); the open stores are
 * closed again on any failure. */
tc_status tc_store_set_open(tc_store_set *set, const char *const *paths, size_t n, tc_err *err);
void tc_store_set_close(tc_store_set *set); /* a zeroed or failed set is safe */

#endif
