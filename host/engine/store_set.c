#include "host/engine/store_set.h"

#include <stdlib.h>
#include <string.h>

#include "host/engine/source_multi.h"

void tc_store_set_close(tc_store_set *set) {
  if (!set)
    return;
  for (size_t i = 0; set->stores && i < set->n; i++)
    tc_store_close(set->stores[i]);
  free(set->stores);
  free(set->paths);
  free(set->infos);
  memset(set, 0, sizeof *set);
}

tc_status tc_store_set_open(tc_store_set *set, const char *const *paths, size_t n, tc_err *err) {
  memset(set, 0, sizeof *set);
  if (!n)
    return tc_fail(err, TC_ERR_ARG, "no store given");
  set->n = n;
  set->stores = calloc(n, sizeof *set->stores);
  set->paths = calloc(n, sizeof *set->paths);
  set->infos = calloc(n, sizeof *set->infos);
  tc_status s = set->stores && set->paths && set->infos
                    ? TC_OK
                    : tc_fail(err, TC_ERR_NOMEM, "out of memory opening %zu stores", n);
  for (size_t i = 0; s == TC_OK && i < n; i++)
    s = tc_store_open(paths[i], &set->stores[i], err);
  if (s == TC_OK)
    s = tc_stores_order(set->stores, n, err);
  if (s != TC_OK) {
    tc_store_set_close(set);
    return s;
  }
  for (size_t i = 0; i < n; i++) {
    set->paths[i] = tc_store_path(set->stores[i]);
    set->infos[i] = tc_store_get_info(set->stores[i]);
  }
  return TC_OK;
}
