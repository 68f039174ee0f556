#include "io/columns.h"
#include "io/hugepages.h"

#include <stdlib.h>
#include <string.h>

void tc_columns_init(tc_columns *c) { memset(c, 0, sizeof *c); }

void tc_columns_free(tc_columns *c) {
  if (!c)
    return;
  free(c->mmsi);
  free(c->t);
  free(c->lat);
  free(c->lon);
  free(c->sog);
  free(c->cog);
  free(c->heading);
  tc_columns_init(c);
}

#define GROW(field, type)                                         \
  do {                                                            \
    type *p_ = tc_realloc_huge(c->field, cap * sizeof(type));     \
    if (!p_)                                                      \
      return TC_ERR_NOMEM;                                        \
    c->field = p_;                                                \
  } while (0)

tc_status tc_columns_reserve(tc_columns *c, size_t cap) {
  if (cap <= c->cap)
    return TC_OK;
  GROW(mmsi, uint32_t);
  GROW(t, int64_t);
  GROW(lat, double);
  GROW(lon, double);
  GROW(sog, float);
  GROW(cog, float);
  GROW(heading, uint16_t);
  c->cap = cap;
  return TC_OK;
}

tc_status tc_columns_push(tc_columns *c, const tc_fix *f) {
  if (c->n == c->cap) {
    tc_status s = tc_columns_reserve(c, c->cap ? c->cap * 2 : 1024);
    if (s != TC_OK)
      return s;
  }
  size_t i = c->n++;
  c->mmsi[i] = f->mmsi;
  c->t[i] = f->t;
  c->lat[i] = f->lat;
  c->lon[i] = f->lon;
  c->sog[i] = f->sog;
  c->cog[i] = f->cog;
  c->heading[i] = f->heading;
  return TC_OK;
}

size_t tc_lower_bound_u32(const uint32_t *a, size_t n, uint32_t key) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (a[mid] < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

void tc_columns_get(const tc_columns *c, size_t i, tc_fix *f) {
  f->mmsi = c->mmsi[i];
  f->t = c->t[i];
  f->lat = c->lat[i];
  f->lon = c->lon[i];
  f->sog = c->sog[i];
  f->cog = c->cog[i];
  f->heading = c->heading[i];
}
