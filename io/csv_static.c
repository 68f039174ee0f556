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

/* The static fields packed into words (text zero-padded, every NaN alike), then mixed
 * a word at a time: this runs on every row of a MarineCadastre file. */
static uint64_t fingerprint(const tc_vessel_static *st) {
  struct {
    char name[sizeof st->name], callsign[sizeof st->callsign], dest[sizeof st->destination];
    uint32_t imo, ship_type, dims[3];
  } k;
  uint64_t w[(sizeof k + 7) / 8] = {0};
  const float d[3] = {st->length_m, st->width_m, st->draught_m};
  memset(&k, 0, sizeof k);
  memcpy(k.name, st->name, strnlen(st->name, sizeof k.name));
  memcpy(k.callsign, st->callsign, strnlen(st->callsign, sizeof k.callsign));
  memcpy(k.dest, st->destination, strnlen(st->destination, sizeof k.dest));
  k.imo = st->imo;
  k.ship_type = (uint32_t)st->ship_type;
  for (int i = 0; i < 3; i++) {
    k.dims[i] = 0x7fc00000u;
    if (!isnan(d[i]))
      memcpy(&k.dims[i], &d[i], sizeof k.dims[i]);
  }
  memcpy(w, &k, sizeof k);
  uint64_t h = UINT64_C(0x9E3779B97F4A7C15);
  for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
    h = (h ^ w[i]) * UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 31;
  }
  return h;
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
