#include "host/report/candidates.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/grow.h"

static const char *const tag_names[TC_TAG_COUNT] = {
    "watch_a", "watch_b", "near_port", "gap_before_a", "gap_after_a", "gap_before_b", "gap_after_b",
    "in_area"};

const char *tc_tag_name(unsigned i) { return i < TC_TAG_COUNT ? tag_names[i] : ""; }

void tc_tags_str(unsigned tags, char *buf, size_t cap) {
  size_t used = 0;
  if (cap)
    buf[0] = '\0';
  for (unsigned i = 0; i < TC_TAG_COUNT; i++) {
    if (!(tags & (1u << i)))
      continue;
    int n = snprintf(buf + used, cap - used, "%s%s", used ? ";" : "", tag_names[i]);
    if (n < 0 || (size_t)n >= cap - used)
      return;
    used += (size_t)n;
  }
}

unsigned tc_tags_parse(const char *s) {
  unsigned tags = 0;
  while (s && *s) {
    size_t n = strcspn(s, ";");
    for (unsigned i = 0; i < TC_TAG_COUNT; i++)
      if (strlen(tag_names[i]) == n && !strncmp(s, tag_names[i], n))
        tags |= 1u << i;
    s += n;
    if (*s == ';')
      s++;
  }
  return tags;
}

void tc_candidates_init(tc_candidates *c) { memset(c, 0, sizeof *c); }

static void free_tracks(tc_candidates *c) {
  for (size_t i = 0; c->track_a && i < c->n; i++) {
    tc_columns_free(&c->track_a[i]);
    tc_columns_free(&c->track_b[i]);
  }
  free(c->track_a);
  free(c->track_b);
  c->track_a = c->track_b = NULL;
}

void tc_candidates_free(tc_candidates *c) {
  if (!c)
    return;
  free_tracks(c);
  free(c->v);
  tc_candidates_init(c);
}

static void blank_vessel(tc_vessel_static *v, uint32_t mmsi) {
  memset(v, 0, sizeof *v);
  v->mmsi = mmsi;
  v->length_m = v->width_m = v->draught_m = NAN;
}

tc_status tc_candidates_push(tc_candidates *c, const tc_encounter *e) {
  if (c->track_a)
    return TC_ERR_INTERNAL; /* tracks are allocated once the list is complete */
  tc_candidate *v = tc_grow(c->v, &c->cap, c->n + 1, sizeof *v, 64);
  if (!v)
    return TC_ERR_NOMEM;
  c->v = v;
  tc_candidate *k = &c->v[c->n++];
  memset(k, 0, sizeof *k);
  k->e = *e;
  tc_encounter_id(e->mmsi_a, e->mmsi_b, e->start, k->id);
  blank_vessel(&k->va, e->mmsi_a);
  blank_vessel(&k->vb, e->mmsi_b);
  k->shore_m = k->port_m = NAN;
  k->gap_before_a = k->gap_after_a = k->gap_before_b = k->gap_after_b = -1;
  k->crowd = -1;
  return TC_OK;
}

tc_status tc_candidates_from_list(tc_candidates *c, const tc_encounter_list *l) {
  /* one allocation of the list's size (about 1 KB a candidate, 100 MB on a month's
   * 106 k): doubling would leave up to as much again unused, and copy it on the way */
  if (!c->cap && l->n && !c->track_a) {
    tc_candidate *v = tc_grow(c->v, &c->cap, l->n, sizeof *v, l->n);
    if (!v)
      return TC_ERR_NOMEM;
    c->v = v;
  }
  for (size_t i = 0; i < l->n; i++)
    TC_TRY(tc_candidates_push(c, &l->v[i]));
  return TC_OK;
}

static int cmp_spec(const tc_candidate *a, const tc_candidate *b) {
  if (a->e.start != b->e.start)
    return a->e.start < b->e.start ? -1 : 1;
  if (a->e.mmsi_a != b->e.mmsi_a)
    return a->e.mmsi_a < b->e.mmsi_a ? -1 : 1;
  if (a->e.mmsi_b != b->e.mmsi_b)
    return a->e.mmsi_b < b->e.mmsi_b ? -1 : 1;
  return 0;
}

static int cmp_idx(const void *pa, const void *pb, void *ctx) {
  const tc_candidates *c = ((const void **)ctx)[0];
  int by_score = *(const int *)((const void **)ctx)[1];
  const tc_candidate *a = &c->v[*(const size_t *)pa], *b = &c->v[*(const size_t *)pb];
  if (by_score && a->score != b->score)
    return a->score > b->score ? -1 : 1;
  return cmp_spec(a, b);
}

void tc_candidates_sort(tc_candidates *c, int by_score) {
  if (c->n < 2)
    return;
  /* Sort a permutation, then apply it in place, cycle by cycle, to the candidates and
   * their tracks alike: no second copy of a list of about 1 KB a candidate. */
  size_t *ix = malloc(c->n * sizeof *ix);
  if (!ix)
    return; /* out of memory: the order stays as it was */
  for (size_t i = 0; i < c->n; i++)
    ix[i] = i;
  const void *ctx[2] = {c, &by_score};
  qsort_r(ix, c->n, sizeof *ix, cmp_idx, (void *)ctx);
  /* new[i] = old[ix[i]]; a place is done once ix[place] == place */
  for (size_t i = 0; i < c->n; i++) {
    if (ix[i] == i)
      continue;
    tc_candidate t = c->v[i];
    tc_columns ta = c->track_a ? c->track_a[i] : (tc_columns){0};
    tc_columns tb = c->track_a ? c->track_b[i] : (tc_columns){0};
    size_t j = i;
    while (ix[j] != i) {
      size_t k = ix[j];
      c->v[j] = c->v[k];
      if (c->track_a) {
        c->track_a[j] = c->track_a[k];
        c->track_b[j] = c->track_b[k];
      }
      ix[j] = j;
      j = k;
    }
    c->v[j] = t;
    if (c->track_a) {
      c->track_a[j] = ta;
      c->track_b[j] = tb;
    }
    ix[j] = j;
  }
  free(ix);
}

void tc_candidates_keep(tc_candidates *c, const unsigned char *keep) {
  size_t o = 0;
  for (size_t i = 0; i < c->n; i++) {
    if (!keep[i]) {
      if (c->track_a) {
        tc_columns_free(&c->track_a[i]);
        tc_columns_free(&c->track_b[i]);
      }
      continue;
    }
    c->v[o] = c->v[i];
    if (c->track_a) {
      c->track_a[o] = c->track_a[i];
      c->track_b[o] = c->track_b[i];
    }
    o++;
  }
  c->n = o;
}

tc_status tc_candidates_alloc_tracks(tc_candidates *c) {
  if (c->track_a)
    return TC_OK;
  size_t n = c->n ? c->n : 1;
  c->track_a = calloc(n, sizeof *c->track_a);
  c->track_b = calloc(n, sizeof *c->track_b);
  if (!c->track_a || !c->track_b) {
    free(c->track_a);
    free(c->track_b);
    c->track_a = c->track_b = NULL;
    return TC_ERR_NOMEM;
  }
  for (size_t i = 0; i < c->n; i++) {
    tc_columns_init(&c->track_a[i]);
    tc_columns_init(&c->track_b[i]);
  }
  return TC_OK;
}
