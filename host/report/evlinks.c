#include "host/report/evlinks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/report/textout.h"
#include "kernels/geo.h"

struct tc_evlink_index {
  const tc_event_lists *l;
  uint32_t *gap, *loit, *dark; /* indices sorted by (mmsi, start) or (pair, overlap start) */
};

static const tc_event_lists *sort_l;
static int cmp_gap(const void *x, const void *y) {
  const tc_gap *a = &sort_l->gaps[*(const uint32_t *)x], *b = &sort_l->gaps[*(const uint32_t *)y];
  if (a->mmsi != b->mmsi)
    return a->mmsi < b->mmsi ? -1 : 1;
  if (a->t0 != b->t0)
    return a->t0 < b->t0 ? -1 : 1;
  return *(const uint32_t *)x < *(const uint32_t *)y ? -1 : 1;
}
static int cmp_loit(const void *x, const void *y) {
  const tc_loiter *a = &sort_l->loiter[*(const uint32_t *)x], *b = &sort_l->loiter[*(const uint32_t *)y];
  if (a->mmsi != b->mmsi)
    return a->mmsi < b->mmsi ? -1 : 1;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return *(const uint32_t *)x < *(const uint32_t *)y ? -1 : 1;
}
static int64_t o0(const tc_dark *d) { return d->a0 > d->b0 ? d->a0 : d->b0; }
static int64_t o1(const tc_dark *d) { return d->a1 < d->b1 ? d->a1 : d->b1; }
static int cmp_dark(const void *x, const void *y) {
  const tc_dark *a = &sort_l->dark[*(const uint32_t *)x], *b = &sort_l->dark[*(const uint32_t *)y];
  if (a->mmsi_a != b->mmsi_a)
    return a->mmsi_a < b->mmsi_a ? -1 : 1;
  if (a->mmsi_b != b->mmsi_b)
    return a->mmsi_b < b->mmsi_b ? -1 : 1;
  if (o0(a) != o0(b))
    return o0(a) < o0(b) ? -1 : 1;
  return *(const uint32_t *)x < *(const uint32_t *)y ? -1 : 1;
}

static uint32_t *iota(size_t n) {
  uint32_t *v = malloc((n ? n : 1) * sizeof *v);
  for (size_t i = 0; v && i < n; i++)
    v[i] = (uint32_t)i;
  return v;
}

tc_status tc_evlink_index_create(const tc_event_lists *l, tc_evlink_index **out, tc_err *err) {
  *out = NULL;
  tc_evlink_index *ix = calloc(1, sizeof *ix);
  if (!ix || !(ix->gap = iota(l->n_gaps)) || !(ix->loit = iota(l->n_loiter)) || !(ix->dark = iota(l->n_dark))) {
    tc_evlink_index_free(ix);
    return tc_fail(err, TC_ERR_NOMEM, "events: out of memory indexing the events by vessel");
  }
  ix->l = l;
  sort_l = l; /* qsort has no context; the index is built on one thread */
  if (l->n_gaps)
    qsort(ix->gap, l->n_gaps, sizeof *ix->gap, cmp_gap);
  if (l->n_loiter)
    qsort(ix->loit, l->n_loiter, sizeof *ix->loit, cmp_loit);
  if (l->n_dark)
    qsort(ix->dark, l->n_dark, sizeof *ix->dark, cmp_dark);
  sort_l = NULL;
  *out = ix;
  return TC_OK;
}

void tc_evlink_index_free(tc_evlink_index *ix) {
  if (!ix)
    return;
  free(ix->gap);
  free(ix->loit);
  free(ix->dark);
  free(ix);
}

/* First position in ix[0..n) whose event's vessel (or pair) is not below key. */
static size_t lower(const uint32_t *ix, size_t n, uint64_t key, uint64_t (*of)(const tc_event_lists *, uint32_t),
                    const tc_event_lists *l) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (of(l, ix[mid]) < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}
static uint64_t gap_key(const tc_event_lists *l, uint32_t i) { return l->gaps[i].mmsi; }
static uint64_t loit_key(const tc_event_lists *l, uint32_t i) { return l->loiter[i].mmsi; }
static uint64_t dark_key(const tc_event_lists *l, uint32_t i) {
  return (uint64_t)l->dark[i].mmsi_a << 32 | l->dark[i].mmsi_b;
}

static void link(tc_candidate *k, int kind, char v, uint32_t i) {
  if (k->n_links < TC_EVLINKS_MAX)
    k->links[k->n_links++] = (tc_evlink){(unsigned char)kind, v, i};
}

void tc_evlinks_find(const tc_evlink_index *ix, const tc_event_places *evp, tc_candidate *k) {
  const tc_event_lists *l = ix->l;
  const tc_encounter *e = &k->e;
  k->ev = l;
  k->evp = evp;
  k->n_gaps = k->n_loiter = k->n_dark = 0;
  k->n_links = 0;
  for (int v = 0; v < 2; v++) {
    uint32_t m = v ? e->mmsi_b : e->mmsi_a;
    int64_t w0 = e->start - TC_LINK_GAP_WINDOW_S, w1 = e->end + TC_LINK_GAP_WINDOW_S;
    for (size_t p = lower(ix->gap, l->n_gaps, m, gap_key, l); p < l->n_gaps && l->gaps[ix->gap[p]].mmsi == m; p++) {
      const tc_gap *g = &l->gaps[ix->gap[p]];
      if ((g->t1 >= w0 && g->t1 <= w1) || (g->t0 >= w0 && g->t0 <= w1)) {
        k->n_gaps++;
        link(k, TC_EVL_GAP, v ? 'b' : 'a', ix->gap[p]);
      }
    }
  }
  for (int v = 0; v < 2; v++) {
    uint32_t m = v ? e->mmsi_b : e->mmsi_a;
    int64_t w0 = e->start - TC_LINK_LOITER_WINDOW_S, w1 = e->end + TC_LINK_LOITER_WINDOW_S;
    for (size_t p = lower(ix->loit, l->n_loiter, m, loit_key, l); p < l->n_loiter && l->loiter[ix->loit[p]].mmsi == m;
         p++) {
      const tc_loiter *r = &l->loiter[ix->loit[p]];
      if (r->end >= w0 && r->start <= w1 &&
          tc_haversine_m(r->mean_lat, r->mean_lon, e->mean_lat, e->mean_lon) <= TC_LINK_LOITER_RADIUS_M) {
        k->n_loiter++;
        link(k, TC_EVL_LOITER, v ? 'b' : 'a', ix->loit[p]);
      }
    }
  }
  uint32_t pa = e->mmsi_a < e->mmsi_b ? e->mmsi_a : e->mmsi_b, pb = e->mmsi_a < e->mmsi_b ? e->mmsi_b : e->mmsi_a;
  uint64_t key = (uint64_t)pa << 32 | pb;
  int64_t w0 = e->start - TC_LINK_DARK_WINDOW_S, w1 = e->end + TC_LINK_DARK_WINDOW_S;
  for (size_t p = lower(ix->dark, l->n_dark, key, dark_key, l); p < l->n_dark && dark_key(l, ix->dark[p]) == key; p++) {
    const tc_dark *d = &l->dark[ix->dark[p]];
    if (o1(d) >= w0 && o0(d) <= w1) {
      k->n_dark++;
      link(k, TC_EVL_DARK, 0, ix->dark[p]);
    }
  }
}

static const char *place_name(const tc_event_places *p, int i) {
  return p && p->places && i >= 0 ? tc_places_get(p->places, (size_t)i)->name : NULL;
}

const char *tc_evlink_place(const tc_candidate *k, const tc_evlink *x) {
  const tc_event_places *p = k->evp;
  if (!p || !p->places)
    return NULL;
  switch (x->kind) {
  case TC_EVL_GAP: {
    const char *n = place_name(p, p->gap1[x->index]);
    return n ? n : place_name(p, p->gap0[x->index]);
  }
  case TC_EVL_LOITER:
    return place_name(p, p->loiter[x->index]);
  case TC_EVL_DARK:
    return place_name(p, p->dark[x->index]);
  }
  return NULL;
}

void tc_evlink_ref(const tc_candidate *k, const tc_evlink *x, char *buf, size_t cap) {
  char t[TC_ISO_LEN];
  const tc_event_lists *l = k->ev;
  if (x->kind == TC_EVL_GAP) {
    tc_fmt_iso(l->gaps[x->index].t0, t);
    snprintf(buf, cap, "gap %s%u@%s", x->vessel == 'a' ? "a " : x->vessel == 'b' ? "b " : "", l->gaps[x->index].mmsi, t);
  } else if (x->kind == TC_EVL_LOITER) {
    tc_fmt_iso(l->loiter[x->index].start, t);
    snprintf(buf, cap, "loitering %s%u@%s", x->vessel == 'a' ? "a " : x->vessel == 'b' ? "b " : "",
             l->loiter[x->index].mmsi, t);
  } else {
    const tc_dark *d = &l->dark[x->index];
    tc_fmt_iso(o0(d), t);
    snprintf(buf, cap, "dark %u+%u@%s", d->mmsi_a, d->mmsi_b, t);
  }
}

void tc_evlinks_refs(const tc_candidate *k, char *buf, size_t cap) {
  size_t used = 0;
  if (cap)
    buf[0] = '\0';
  for (unsigned i = 0; i < k->n_links && used + 1 < cap; i++) {
    char r[128];
    tc_evlink_ref(k, &k->links[i], r, sizeof r);
    int n = snprintf(buf + used, cap - used, "%s%s", i ? "; " : "", r);
    if (n < 0)
      return;
    used += (size_t)n < cap - used ? (size_t)n : cap - 1 - used;
  }
  unsigned total = k->n_gaps + k->n_loiter + k->n_dark;
  if (total > k->n_links && used + 1 < cap)
    snprintf(buf + used, cap - used, "; +%u more", total - k->n_links);
}

static json_t *iso(int64_t t) {
  char s[TC_ISO_LEN];
  tc_fmt_iso(t, s);
  return json_string(s);
}

json_t *tc_event_json(const tc_event_lists *l, const tc_event_places *evp, const tc_evlink *x) {
  tc_candidate k = {0}; /* only the event fields are read */
  k.ev = l;
  k.evp = evp;
  int bad = 0;
  json_t *o = json_object();
  if (!o)
    return NULL;
  const char *pl = tc_evlink_place(&k, x);
  char ref[128];
  tc_evlink_ref(&k, x, ref, sizeof ref);
  tc_json_set(o, "ref", json_string(ref), &bad);
  if (x->kind == TC_EVL_GAP) {
    const tc_gap *g = &l->gaps[x->index];
    tc_json_set(o, "kind", json_string("gap"), &bad);
    if (x->vessel)
      tc_json_set(o, "vessel", json_stringn(&x->vessel, 1), &bad);
    tc_json_set(o, "mmsi", json_integer(g->mmsi), &bad);
    tc_json_set(o, "start", iso(g->t0), &bad);
    tc_json_set(o, "end", iso(g->t1), &bad);
    tc_json_set(o, "start_unix", json_integer(g->t0), &bad);
    tc_json_set(o, "end_unix", json_integer(g->t1), &bad);
    tc_json_set(o, "lat0", tc_json_fixed(g->lat0, 6), &bad);
    tc_json_set(o, "lon0", tc_json_fixed(g->lon0, 6), &bad);
    tc_json_set(o, "lat1", tc_json_fixed(g->lat1, 6), &bad);
    tc_json_set(o, "lon1", tc_json_fixed(g->lon1, 6), &bad);
    tc_json_set(o, "dist_m", tc_json_fixed(g->dist_m, 1), &bad);
    tc_json_set(o, "others_seen", json_integer(g->others_seen), &bad);
    tc_json_set(o, "coverage", tc_json_fixed(g->coverage, 4), &bad);
  } else if (x->kind == TC_EVL_LOITER) {
    const tc_loiter *r = &l->loiter[x->index];
    tc_json_set(o, "kind", json_string("loitering"), &bad);
    if (x->vessel)
      tc_json_set(o, "vessel", json_stringn(&x->vessel, 1), &bad);
    tc_json_set(o, "mmsi", json_integer(r->mmsi), &bad);
    tc_json_set(o, "start", iso(r->start), &bad);
    tc_json_set(o, "end", iso(r->end), &bad);
    tc_json_set(o, "start_unix", json_integer(r->start), &bad);
    tc_json_set(o, "end_unix", json_integer(r->end), &bad);
    tc_json_set(o, "lat", tc_json_fixed(r->mean_lat, 6), &bad);
    tc_json_set(o, "lon", tc_json_fixed(r->mean_lon, 6), &bad);
    tc_json_set(o, "median_speed_kn", tc_json_fixed(r->median_speed_kn, 4), &bad);
  } else {
    const tc_dark *d = &l->dark[x->index];
    tc_json_set(o, "kind", json_string("dark"), &bad);
    tc_json_set(o, "mmsi_a", json_integer(d->mmsi_a), &bad);
    tc_json_set(o, "mmsi_b", json_integer(d->mmsi_b), &bad);
    tc_json_set(o, "start", iso(o0(d)), &bad);
    tc_json_set(o, "end", iso(o1(d)), &bad);
    tc_json_set(o, "start_unix", json_integer(o0(d)), &bad);
    tc_json_set(o, "end_unix", json_integer(o1(d)), &bad);
    tc_json_set(o, "lat", tc_json_fixed(d->lat, 5), &bad);
    tc_json_set(o, "lon", tc_json_fixed(d->lon, 5), &bad);
    tc_json_set(o, "window_start_unix", json_integer((json_int_t)(d->w_start + 0.5)), &bad);
    tc_json_set(o, "window_end_unix", json_integer((json_int_t)(d->w_end + 0.5)), &bad);
    tc_json_set(o, "l_star_s", json_integer((json_int_t)(d->l_star + 0.5)), &bad);
    tc_json_set(o, "dist_dark_m", tc_json_fixed(d->dist_dark_m, 0), &bad);
    tc_json_set(o, "dist_reappear_m", tc_json_fixed(d->dist_reappear_m, 0), &bad);
    tc_json_set(o, "coverage_a", tc_json_fixed(d->coverage_a, 4), &bad);
    tc_json_set(o, "coverage_b", tc_json_fixed(d->coverage_b, 4), &bad);
    if (evp && evp->dark_rank)
      tc_json_set(o, "rank", json_integer((json_int_t)evp->dark_rank[x->index]), &bad);
  }
  tc_json_set(o, "place", tc_json_string(pl), &bad);
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

json_t *tc_evlinks_json(const tc_candidate *k) {
  json_t *a = json_array();
  int bad = !a;
  for (unsigned i = 0; k->ev && i < k->n_links && !bad; i++)
    tc_json_push(a, tc_event_json(k->ev, k->evp, &k->links[i]), &bad);
  if (bad) {
    json_decref(a);
    return NULL;
  }
  return a;
}
