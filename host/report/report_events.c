/* The report's events and neighbourhoods (issue 17): the store's gaps, loitering and
 * dark rendezvous for the map (those linked to a candidate, then a few hundred of the
 * others: the first dark rendezvous in their rank, the first gaps and loitering in time), and for every vessel of a candidate the vessels it met
 * in the network `trajcorr network` draws (host/report/network.h: the encounters
 * listed and the dark rendezvous as edges). */
#include <stdlib.h>
#include <string.h>

#include "host/report/evlinks.h"
#include "host/report/network.h"
#include "host/report/report.h"

/* Adds up to max events of one kind: the marked (linked) ones, then at most
 * TC_REPORT_EVENTS_UNLINKED others in order (ord, or list order when NULL). */
static void kind(json_t *arr, const tc_event_lists *l, const tc_event_places *evp, int k, size_t n,
                 const unsigned char *mark, const size_t *ord, size_t max, int *bad) {
  size_t done = 0, others = 0;
  for (int pass = 0; pass < 2 && !*bad; pass++)
    for (size_t r = 0; r < n && done < max && !*bad; r++) {
      size_t i = ord ? ord[r] : r;
      if (mark[i] != (pass == 0))
        continue;
      if (pass == 1 && others++ >= TC_REPORT_EVENTS_UNLINKED)
        break;
      tc_evlink x = {(unsigned char)k, 0, (uint32_t)i};
      tc_json_push(arr, tc_event_json(l, evp, &x), bad);
      done++;
    }
}

static json_t *events(const tc_candidates *c, const tc_event_lists *l, const tc_event_places *evp) {
  size_t nmax = l->n_gaps > l->n_loiter ? l->n_gaps : l->n_loiter;
  nmax = nmax > l->n_dark ? nmax : l->n_dark;
  unsigned char *mark[3];
  size_t *ord = NULL;
  int bad = 0;
  json_t *o = json_object(), *a[3] = {json_array(), json_array(), json_array()};
  const size_t cnt[3] = {l->n_gaps, l->n_loiter, l->n_dark};
  for (int k = 0; k < 3; k++)
    mark[k] = calloc(nmax + 1, 1);
  if (!o || !a[0] || !a[1] || !a[2] || !mark[0] || !mark[1] || !mark[2])
    bad = 1;
  for (size_t i = 0; i < c->n && !bad; i++)
    for (unsigned j = 0; j < c->v[i].n_links; j++)
      mark[c->v[i].links[j].kind - 1][c->v[i].links[j].index] = 1;
  if (!bad && evp && evp->dark_rank && l->n_dark) { /* dark rendezvous in their rank order */
    if (!(ord = malloc(l->n_dark * sizeof *ord)))
      bad = 1;
    for (size_t i = 0; ord && i < l->n_dark; i++)
      ord[evp->dark_rank[i] - 1] = i;
  }
  for (int k = 0; k < 3 && !bad; k++)
    kind(a[k], l, evp, k + 1, cnt[k], mark[k], k == 2 ? ord : NULL, TC_REPORT_EVENTS_MAX, &bad);
  tc_json_set(o, "gap", a[0], &bad);
  tc_json_set(o, "loitering", a[1], &bad);
  tc_json_set(o, "dark", a[2], &bad);
  tc_json_set(o, "total", json_pack("{s:I,s:I,s:I}", "gap", (json_int_t)cnt[0], "loitering", (json_int_t)cnt[1],
                                    "dark", (json_int_t)cnt[2]), &bad);
  for (int k = 0; k < 3; k++)
    free(mark[k]);
  free(ord);
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static int cmp_u32(const void *x, const void *y) {
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return a < b ? -1 : a > b;
}

typedef struct {
  uint32_t v;     /* the candidate's vessel */
  const tc_net_edge *e;
} nb;

static int cmp_nb(const void *x, const void *y) {
  const nb *a = x, *b = y;
  if (a->v != b->v)
    return a->v < b->v ? -1 : 1;
  uint32_t la = a->e->encounters + a->e->dark, lb = b->e->encounters + b->e->dark;
  if (la != lb)
    return la > lb ? -1 : 1;
  return a->e < b->e ? -1 : a->e > b->e;
}

/* {"MMSI": {"met": N, "links": N, "v": [[other, encounters, dark, first, last], ...]}}
 * for every vessel of a candidate, at most TC_REPORT_NEIGHBOURS neighbours each (most
 * links first). */
static json_t *neighbourhoods(const tc_candidates *c, const tc_event_lists *l, tc_err *err) {
  tc_encounter_list el;
  tc_encounter_list_init(&el);
  tc_network net;
  memset(&net, 0, sizeof net);
  uint32_t *vs = malloc(2 * (c->n + 1) * sizeof *vs);
  nb *nbs = NULL;
  json_t *o = json_object();
  int bad = !vs || !o;
  for (size_t i = 0; i < c->n && !bad; i++)
    bad = tc_encounter_list_push(&el, &c->v[i].e) != TC_OK;
  if (!bad && tc_network_build(&el, l, INT64_MIN, INT64_MAX, NULL, 0, -1, 0, &net, err) != TC_OK)
    bad = 1;
  size_t nv = 0, nn = 0;
  for (size_t i = 0; i < c->n && !bad; i++) {
    vs[nv++] = c->v[i].e.mmsi_a;
    vs[nv++] = c->v[i].e.mmsi_b;
  }
  if (!bad && nv) {
    qsort(vs, nv, sizeof *vs, cmp_u32);
    size_t w = 0;
    for (size_t i = 0; i < nv; i++)
      if (!w || vs[i] != vs[w - 1])
        vs[w++] = vs[i];
    nv = w;
  }
  if (!bad && !(nbs = malloc((2 * net.n_edges + 1) * sizeof *nbs)))
    bad = 1;
  for (size_t i = 0; i < net.n_edges && !bad; i++) {
    const tc_net_edge *e = &net.edges[i];
    if (bsearch(&e->a, vs, nv, sizeof *vs, cmp_u32))
      nbs[nn++] = (nb){e->a, e};
    if (bsearch(&e->b, vs, nv, sizeof *vs, cmp_u32))
      nbs[nn++] = (nb){e->b, e};
  }
  if (!bad && nn)
    qsort(nbs, nn, sizeof *nbs, cmp_nb);
  for (size_t i = 0; i < nn && !bad;) {
    size_t j = i;
    uint32_t links = 0;
    json_t *arr = json_array();
    bad = !arr;
    while (j < nn && nbs[j].v == nbs[i].v) {
      const tc_net_edge *e = nbs[j].e;
      links += e->encounters + e->dark;
      if (j - i < TC_REPORT_NEIGHBOURS && !bad)
        tc_json_push(arr, json_pack("[I,I,I,I,I]", (json_int_t)(e->a == nbs[i].v ? e->b : e->a),
                                    (json_int_t)e->encounters, (json_int_t)e->dark, (json_int_t)e->first,
                                    (json_int_t)e->last), &bad);
      j++;
    }
    char key[16];
    snprintf(key, sizeof key, "%u", nbs[i].v);
    tc_json_set(o, key, json_pack("{s:I,s:I,s:o}", "met", (json_int_t)(j - i), "links", (json_int_t)links, "v", arr),
                &bad);
    i = j;
  }
  free(vs);
  free(nbs);
  tc_network_free(&net);
  tc_encounter_list_free(&el);
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

tc_status tc_report_events_data(json_t *doc, const tc_candidates *c, tc_err *err) {
  const tc_event_lists *l = c->n ? c->v[0].ev : NULL;
  if (!l)
    return TC_OK; /* no events computed: the page shows none and says so */
  int bad = 0;
  tc_json_set(doc, "events", events(c, l, c->v[0].evp), &bad);
  tc_json_set(doc, "net", neighbourhoods(c, l, err), &bad);
  return bad ? tc_fail(err, TC_ERR_NOMEM, "report: out of memory for the events") : TC_OK;
}
