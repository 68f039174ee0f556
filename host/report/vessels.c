#include "host/report/vessels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct tc_vessel_index {
  tc_vessel_static *v;
  size_t n;
};

static int cmp_rec(const void *pa, const void *pb) {
  const tc_vessel_static *a = pa, *b = pb;
  if (a->mmsi != b->mmsi)
    return a->mmsi < b->mmsi ? -1 : 1;
  if (a->t != b->t)
    return a->t < b->t ? -1 : 1;
  return 0;
}

tc_status tc_vessel_index_create(const tc_vessel_static *recs, size_t n, tc_vessel_index **out,
                                 tc_err *err) {
  *out = NULL;
  tc_vessel_index *ix = calloc(1, sizeof *ix);
  if (!ix)
    return tc_fail(err, TC_ERR_NOMEM, "vessel index: out of memory");
  if (n) {
    ix->v = malloc(n * sizeof *ix->v);
    if (!ix->v) {
      free(ix);
      return tc_fail(err, TC_ERR_NOMEM, "vessel index: out of memory for %zu records", n);
    }
    memcpy(ix->v, recs, n * sizeof *ix->v);
    /* qsort is not stable: records of equal (mmsi, t) keep an arbitrary order, and the
     * merge below takes the non-empty field of either, which is order-free enough. */
    qsort(ix->v, n, sizeof *ix->v, cmp_rec);
  }
  ix->n = n;
  *out = ix;
  return TC_OK;
}

void tc_vessel_index_free(tc_vessel_index *ix) {
  if (!ix)
    return;
  free(ix->v);
  free(ix);
}

size_t tc_vessel_index_size(const tc_vessel_index *ix) { return ix ? ix->n : 0; }

static size_t first_of(const tc_vessel_index *ix, uint32_t mmsi) {
  size_t lo = 0, hi = ix->n;
  while (lo < hi) {
    size_t m = lo + (hi - lo) / 2;
    if (ix->v[m].mmsi < mmsi)
      lo = m + 1;
    else
      hi = m;
  }
  return lo;
}

static void merge(tc_vessel_static *o, const tc_vessel_static *r) {
  o->t = r->t;
  if (r->imo)
    o->imo = r->imo;
  if (r->name[0])
    memcpy(o->name, r->name, sizeof o->name);
  if (r->callsign[0])
    memcpy(o->callsign, r->callsign, sizeof o->callsign);
  if (r->ship_type)
    o->ship_type = r->ship_type;
  if (isfinite(r->length_m) && r->length_m > 0)
    o->length_m = r->length_m;
  if (isfinite(r->width_m) && r->width_m > 0)
    o->width_m = r->width_m;
  if (isfinite(r->draught_m) && r->draught_m > 0)
    o->draught_m = r->draught_m;
  if (r->destination[0])
    memcpy(o->destination, r->destination, sizeof o->destination);
}

static void blank(tc_vessel_static *o, uint32_t mmsi) {
  memset(o, 0, sizeof *o);
  o->mmsi = mmsi;
  o->length_m = o->width_m = o->draught_m = NAN;
}

int tc_vessel_at(const tc_vessel_index *ix, uint32_t mmsi, int64_t t, tc_vessel_static *out) {
  blank(out, mmsi);
  if (!ix)
    return 0;
  size_t i = first_of(ix, mmsi);
  if (i >= ix->n || ix->v[i].mmsi != mmsi)
    return 0;
  if (ix->v[i].t > t) { /* nothing known yet: the earliest record stands in */
    merge(out, &ix->v[i]);
    out->name[sizeof out->name - 1] = out->callsign[sizeof out->callsign - 1] = '\0';
    out->destination[sizeof out->destination - 1] = '\0';
    return 1;
  }
  for (; i < ix->n && ix->v[i].mmsi == mmsi && ix->v[i].t <= t; i++)
    merge(out, &ix->v[i]);
  out->name[sizeof out->name - 1] = out->callsign[sizeof out->callsign - 1] = '\0';
  out->destination[sizeof out->destination - 1] = '\0';
  return 1;
}

int tc_vessel_has_imo(const tc_vessel_index *ix, uint32_t mmsi, uint32_t imo) {
  if (!ix || !imo)
    return 0;
  for (size_t i = first_of(ix, mmsi); i < ix->n && ix->v[i].mmsi == mmsi; i++)
    if (ix->v[i].imo == imo)
      return 1;
  return 0;
}

const char *tc_ship_type_name(int32_t type) {
  if (type <= 0 || type > 99)
    return "";
  if (type == 30) return "fishing";
  if (type == 31 || type == 32) return "towing";
  if (type == 33) return "dredging";
  if (type == 34) return "diving";
  if (type == 35) return "military";
  if (type == 36) return "sailing";
  if (type == 37) return "pleasure craft";
  if (type == 50) return "pilot";
  if (type == 51) return "search and rescue";
  if (type == 52) return "tug";
  if (type == 53) return "port tender";
  if (type == 55) return "law enforcement";
  if (type == 58) return "medical";
  if (type >= 20 && type <= 29) return "wing in ground";
  if (type >= 40 && type <= 49) return "high-speed craft";
  if (type >= 60 && type <= 69) return "passenger";
  if (type >= 70 && type <= 79) return "cargo";
  if (type >= 80 && type <= 89) return "tanker";
  if (type >= 90 && type <= 99) return "other";
  return "special craft";
}
