#include "io/columns.h"
#include "io/hugepages.h"

#include <stdlib.h>
#include <string.h>

void tc_columns_init(tc_columns *c) { memset(c, 0, sizeof *c); }

void tc_columns_free(tc_columns *c) {
  if (!c)
    return;
  if (c->view) {
    tc_columns_init(c);
    return;
  }
  if (c->one) {
    free(c->one);
    tc_columns_init(c);
    return;
  }
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

/* Bytes of a column of cap values of `size` bytes, rounded to a cache line, 0 on overflow. */
static size_t span(size_t cap, size_t size) {
  return cap > (SIZE_MAX - 63) / size / 8 ? 0 : (cap * size + 63) & ~(size_t)63;
}

/* The first reservation: all seven columns in one allocation, in row-size order. */
static tc_status reserve_one(tc_columns *c, size_t cap) {
  const size_t sz[7] = {sizeof *c->mmsi, sizeof *c->t, sizeof *c->lat, sizeof *c->lon,
                        sizeof *c->sog, sizeof *c->cog, sizeof *c->heading};
  size_t off[8] = {0};
  for (int i = 0; i < 7; i++) {
    size_t b = span(cap, sz[i]);
    if (!b)
      return TC_ERR_NOMEM;
    off[i + 1] = off[i] + b;
  }
  unsigned char *p = tc_realloc_huge(NULL, off[7]);
  if (!p)
    return TC_ERR_NOMEM;
  c->one = p;
  c->mmsi = (uint32_t *)(void *)(p + off[0]);
  c->t = (int64_t *)(void *)(p + off[1]);
  c->lat = (double *)(void *)(p + off[2]);
  c->lon = (double *)(void *)(p + off[3]);
  c->sog = (float *)(void *)(p + off[4]);
  c->cog = (float *)(void *)(p + off[5]);
  c->heading = (uint16_t *)(void *)(p + off[6]);
  c->cap = cap;
  return TC_OK;
}

/* Each column its own allocation, grown in place (realloc moves huge pages, it does not
 * copy them). */
static tc_status reserve_apart(tc_columns *c, size_t cap) {
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

tc_status tc_columns_take(tc_columns *c, tc_columns *to) {
  if (c->view || to->n || to->cap || to->one || to->mmsi)
    return TC_ERR_ARG;
  *to = *c;
  c->view = 1;
  c->one = NULL;
  c->cap = 0; /* no room of its own: whatever writes reserves first, and leaves *to's rows */
  return TC_OK;
}

/* A view's rows copied into storage of its own of cap rows or more. */
static tc_status own_view(tc_columns *c, size_t cap) {
  tc_columns v = *c;
  tc_columns_init(c);
  tc_status s = reserve_one(c, cap > v.n ? cap : v.n ? v.n : 1);
  if (s != TC_OK) {
    *c = v;
    return s;
  }
  if (v.n) {
    memcpy(c->mmsi, v.mmsi, v.n * sizeof *c->mmsi);
    memcpy(c->t, v.t, v.n * sizeof *c->t);
    memcpy(c->lat, v.lat, v.n * sizeof *c->lat);
    memcpy(c->lon, v.lon, v.n * sizeof *c->lon);
    memcpy(c->sog, v.sog, v.n * sizeof *c->sog);
    memcpy(c->cog, v.cog, v.n * sizeof *c->cog);
    memcpy(c->heading, v.heading, v.n * sizeof *c->heading);
  }
  c->n = v.n;
  return TC_OK;
}

tc_status tc_columns_reserve(tc_columns *c, size_t cap) {
  if (c->view)
    return own_view(c, cap);
  if (cap <= c->cap)
    return TC_OK;
  if (!c->cap && !c->one && !c->mmsi)
    return reserve_one(c, cap);
  if (c->one) { /* growing: each column on its own from now on, contents copied */
    tc_columns sep;
    tc_columns_init(&sep);
    tc_status s = reserve_apart(&sep, cap);
    if (s != TC_OK)
      return s;
    memcpy(sep.mmsi, c->mmsi, c->n * sizeof *c->mmsi);
    memcpy(sep.t, c->t, c->n * sizeof *c->t);
    memcpy(sep.lat, c->lat, c->n * sizeof *c->lat);
    memcpy(sep.lon, c->lon, c->n * sizeof *c->lon);
    memcpy(sep.sog, c->sog, c->n * sizeof *c->sog);
    memcpy(sep.cog, c->cog, c->n * sizeof *c->cog);
    memcpy(sep.heading, c->heading, c->n * sizeof *c->heading);
    sep.n = c->n;
    free(c->one);
    *c = sep;
    return TC_OK;
  }
  return reserve_apart(c, cap);
}

tc_status tc_columns_push(tc_columns *c, const tc_fix *f) {
  if (c->view || c->n == c->cap) {
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
