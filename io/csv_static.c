#include "io/csv_static.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv_fields.h"

/* Open addressing, linear probing, MMSI -> 64-bit fingerprint of the static fields. */
typedef struct {
  uint32_t mmsi;
  uint32_t used;
  uint64_t fp;
} slot;

struct tc_csv_static_cache {
  slot *s;
  size_t cap, n; /* cap is a power of two */
};

tc_status tc_csv_static_cache_create(tc_csv_static_cache **out) {
  tc_csv_static_cache *c = calloc(1, sizeof *c);
  *out = NULL;
  if (!c)
    return TC_ERR_NOMEM;
  c->cap = 1024;
  if (!(c->s = calloc(c->cap, sizeof *c->s))) {
    free(c);
    return TC_ERR_NOMEM;
  }
  *out = c;
  return TC_OK;
}

void tc_csv_static_cache_free(tc_csv_static_cache *c) {
  if (!c)
    return;
  free(c->s);
  free(c);
}

float tc_csv_parse_dim(const char *p, size_t n) {
  double d;
  if (!tc_csv_parse_double(p, n, &d) || !(d > 0))
    return NAN;
  return (float)d;
}

int tc_vessel_static_empty(const tc_vessel_static *st) {
  return !st->imo && !st->name[0] && !st->callsign[0] && !st->ship_type && isnan(st->length_m) &&
         isnan(st->width_m) && isnan(st->draught_m) && !st->destination[0];
}

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * UINT64_C(0x100000001b3);
  return h;
}

static uint64_t fnv_float(uint64_t h, float f) {
  uint32_t bits = 0x7fc00000u; /* every NaN alike */
  if (!isnan(f))
    memcpy(&bits, &f, sizeof bits);
  return fnv(h, &bits, sizeof bits);
}

static uint64_t fingerprint(const tc_vessel_static *st) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  h = fnv(h, &st->imo, sizeof st->imo);
  h = fnv(h, st->name, strlen(st->name) + 1);
  h = fnv(h, st->callsign, strlen(st->callsign) + 1);
  h = fnv(h, &st->ship_type, sizeof st->ship_type);
  h = fnv_float(h, st->length_m);
  h = fnv_float(h, st->width_m);
  h = fnv_float(h, st->draught_m);
  return fnv(h, st->destination, strlen(st->destination) + 1);
}

static slot *probe(slot *s, size_t cap, uint32_t mmsi) {
  size_t i = (mmsi * UINT64_C(0x9E3779B97F4A7C15)) >> 20 & (cap - 1);
  while (s[i].used && s[i].mmsi != mmsi)
    i = (i + 1) & (cap - 1);
  return &s[i];
}

static tc_status grow(tc_csv_static_cache *c) {
  size_t cap = c->cap * 2;
  slot *s = calloc(cap, sizeof *s);
  if (!s)
    return TC_ERR_NOMEM;
  for (size_t i = 0; i < c->cap; i++)
    if (c->s[i].used)
      *probe(s, cap, c->s[i].mmsi) = c->s[i];
  free(c->s);
  c->s = s;
  c->cap = cap;
  return TC_OK;
}

tc_status tc_csv_static_changed(tc_csv_static_cache *c, const tc_vessel_static *st, int *changed) {
  uint64_t fp = fingerprint(st);
  slot *e = probe(c->s, c->cap, st->mmsi);
  *changed = 0;
  if (e->used) {
    if (e->fp != fp) {
      e->fp = fp;
      *changed = 1;
    }
    return TC_OK;
  }
  if ((c->n + 1) * 2 > c->cap) {
    TC_TRY(grow(c));
    e = probe(c->s, c->cap, st->mmsi);
  }
  *e = (slot){st->mmsi, 1, fp};
  c->n++;
  *changed = 1;
  return TC_OK;
}
