#include "host/report/sidecar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/json.h"
#include "io/timefmt.h"

#define I(v) json_integer((json_int_t)(v))

json_t *tc_sidecar_head(int argc, char **argv, int *bad) {
  json_t *o = json_object(), *cmd = json_array();
  if (!o || !cmd) {
    json_decref(o);
    json_decref(cmd);
    return NULL;
  }
  tc_json_set(o, "program", json_string("trajcorr"), bad);
  tc_json_set(o, "version", json_string(TRAJCORR_VERSION), bad);
  tc_json_set(o, "build", json_string(TRAJCORR_BUILD_TYPE), bad);
  for (int i = 0; i < argc; i++)
    tc_json_push(cmd, tc_json_string(argv[i]), bad);
  tc_json_set(o, "command", cmd, bad);
  return o;
}

void tc_sidecar_engine_params(json_t *o, const tc_params *p, int *bad) {
  tc_json_set(o, "slot", I(p->slot), bad);
  tc_json_set(o, "max_gap", I(p->max_gap), bad);
  tc_json_set(o, "max_implied_speed_kn", tc_json_real(p->max_implied_speed_kn), bad);
  tc_json_set(o, "dist_m", tc_json_real(p->dist_m), bad);
  tc_json_set(o, "merge_gap", I(p->merge_gap), bad);
  tc_json_set(o, "min_duration", I(p->min_duration), bad);
  tc_json_set(o, "max_speed_kn", tc_json_real(p->max_speed_kn), bad);
}

tc_status tc_sidecar_dump(json_t *o, int bad, const char *what, char **text, size_t *len, tc_err *err) {
  /* 15 digits: a parameter given as 0.1 reads back as 0.1, not 0.10000000000000001;
   * tc_json_fixed values (seconds) keep their decimals */
  char *t = bad || !o ? NULL : json_dumps(o, JSON_INDENT(2) | TC_JSON_FIXED_PRECISION);
  json_decref(o);
  if (!t)
    return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", what);
  size_t n = strlen(t);
  char *nl = realloc(t, n + 2); /* a text file ends with a newline */
  if (!nl) {
    free(t);
    return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", what);
  }
  memcpy(nl + n, "\n", 2);
  *text = nl;
  *len = n + 1;
  return TC_OK;
}

static json_t *store_json(const char *store_path, const tc_store_info *info, long long bytes, int *bad) {
  char a[TC_ISO_LEN], b[TC_ISO_LEN];
  tc_time_format_iso(info->t_min, a);
  tc_time_format_iso(info->t_max, b);
  json_t *o = json_object();
  if (!o)
    return NULL;
  tc_json_set(o, "path", tc_json_string(store_path), bad);
  tc_json_set(o, "store_bytes", I(bytes), bad);
  tc_json_set(o, "format_version", I(info->format_version), bad);
  tc_json_set(o, "rows", I(info->rows), bad);
  tc_json_set(o, "vessels", I(info->vessels), bad);
  tc_json_set(o, "buckets", I(info->nbuckets), bad);
  tc_json_set(o, "bucket_s", I(info->bucket_s), bad);
  tc_json_set(o, "t_min", json_string(a), bad);
  tc_json_set(o, "t_max", json_string(b), bad);
  tc_json_set(o, "sources", I(info->nsources), bad);
  return o;
}

/* The whole timeline's totals, then each store in time order. */
json_t *tc_sidecar_input(const char *const *paths, const tc_store_info *const *infos, size_t n, int *bad) {
  json_t *o = json_object(), *list = json_array();
  if (!o || !list) {
    json_decref(o);
    json_decref(list);
    return NULL;
  }
  long long bytes = 0;
  uint64_t rows = 0, buckets = 0;
  int64_t t_min = 0, t_max = 0;
  int any = 0;
  for (size_t i = 0; i < n; i++) {
    struct stat sb;
    long long b = stat(paths[i], &sb) == 0 ? (long long)sb.st_size : -1;
    bytes = bytes < 0 || b < 0 ? -1 : bytes + b;
    rows += infos[i]->rows;
    buckets += infos[i]->nbuckets;
    if (infos[i]->rows) { /* an empty store's (0, 0) is no time */
      t_min = any && t_min < infos[i]->t_min ? t_min : infos[i]->t_min;
      t_max = any && t_max > infos[i]->t_max ? t_max : infos[i]->t_max;
      any = 1;
    }
    tc_json_push(list, store_json(paths[i], infos[i], b, bad), bad);
  }
  char a[TC_ISO_LEN], b[TC_ISO_LEN];
  tc_time_format_iso(t_min, a);
  tc_time_format_iso(t_max, b);
  tc_json_set(o, "store_bytes", I(bytes), bad);
  tc_json_set(o, "rows", I(rows), bad);
  tc_json_set(o, "buckets", I(buckets), bad);
  tc_json_set(o, "t_min", json_string(a), bad);
  tc_json_set(o, "t_max", json_string(b), bad);
  tc_json_set(o, "stores", list, bad);
  return o;
}

static json_t *params_json(const tc_params *p, int *bad) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  tc_sidecar_engine_params(o, p, bad);
  tc_json_set(o, "from", I(p->from == INT64_MIN ? -1 : p->from), bad);
  tc_json_set(o, "to", I(p->to == INT64_MAX ? -1 : p->to), bad);
  tc_json_set(o, "mmsi_filter", I(p->n_mmsi_filter), bad);
  return o;
}

static json_t *counts_json(const tc_engine_stats *st, int *bad) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  tc_json_set(o, "reads", I(st->reads), bad);
  tc_json_set(o, "fixes_read", I(st->fixes_read), bad);
  tc_json_set(o, "teleport_dropped", I(st->teleport_dropped), bad);
  tc_json_set(o, "grid_times", I(st->grid_times), bad);
  tc_json_set(o, "grid_positions", I(st->grid_positions), bad);
  tc_json_set(o, "distance_tests", I(st->distance_tests), bad);
  tc_json_set(o, "candidate_pairs", I(st->candidate_pairs), bad);
  tc_json_set(o, "close_pairs", I(st->close_pairs), bad);
  tc_json_set(o, "candidates", I(st->candidates), bad);
  tc_json_set(o, "encounters", I(st->encounters), bad);
  return o;
}

tc_status tc_sidecar_text(int argc, char **argv, const char *const *store_paths,
                          const tc_store_info *const *infos, size_t nstores, const tc_params *p, const char *backend, const tc_engine_stats *st,
                          char **text, size_t *len, tc_err *err) {
  *text = NULL;
  *len = 0;
  int bad = 0;
  json_t *o = tc_sidecar_head(argc, argv, &bad);
  if (!o)
    return tc_fail(err, TC_ERR_NOMEM, "sidecar: out of memory");
  tc_json_set(o, "input", tc_sidecar_input(store_paths, infos, nstores, &bad), &bad);
  tc_json_set(o, "parameters", params_json(p, &bad), &bad);
  tc_json_set(o, "backend", tc_json_string(backend), &bad);
  tc_json_set(o, "precision", json_string(st->precision ? st->precision : "double"), &bad);
  tc_json_set(o, "counts", counts_json(st, &bad), &bad);
  return tc_sidecar_dump(o, bad, "sidecar", text, len, err);
}
