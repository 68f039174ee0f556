#include "host/report/network.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/grow.h"
#include "host/report/mid.h"
#include "host/report/textout.h"
#include "io/timefmt.h"

typedef struct {
  uint32_t a, b;
  int64_t start, end;
  int dark, in_port;
} link;

static int cmp_link_pair(const void *pa, const void *pb) {
  const link *x = pa, *y = pb;
  if (x->a != y->a)
    return x->a < y->a ? -1 : 1;
  if (x->b != y->b)
    return x->b < y->b ? -1 : 1;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->dark - y->dark;
}

/* One vessel's view of a link: for the chain search, links by (vessel, start). */
typedef struct {
  uint32_t self, other;
  int64_t start, end;
  int in_port;
} vlink;

static int cmp_vlink(const void *pa, const void *pb) {
  const vlink *x = pa, *y = pb;
  if (x->self != y->self)
    return x->self < y->self ? -1 : 1;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->other < y->other ? -1 : x->other > y->other;
}

static int cmp_chain(const void *pa, const void *pb) {
  const tc_net_chain *x = pa, *y = pb;
  if (x->in_port != y->in_port)
    return x->in_port - y->in_port;
  int64_t gx = x->t2 - x->t1, gy = y->t2 - y->t1;
  if (gx != gy)
    return gx < gy ? -1 : 1;
  if (x->t1 != y->t1)
    return x->t1 < y->t1 ? -1 : 1;
  if (x->b != y->b)
    return x->b < y->b ? -1 : 1;
  if (x->a != y->a)
    return x->a < y->a ? -1 : 1;
  return x->c < y->c ? -1 : x->c > y->c;
}

static int at_place(const tc_places *pl, double radius_m, double lat, double lon) {
  double d;
  return pl && tc_places_nearest(pl, lat, lon, radius_m, &d) != NULL;
}

void tc_network_free(tc_network *n) {
  if (!n)
    return;
  free(n->edges);
  free(n->nodes);
  free(n->chains);
  memset(n, 0, sizeof *n);
}

tc_status tc_network_build(const tc_encounter_list *enc, const tc_event_lists *ev, int64_t from,
                           int64_t to, const tc_places *places, double radius_m,
                           int64_t chain_window, size_t max_chains, tc_network *out, tc_err *err) {
  memset(out, 0, sizeof *out);
  size_t nl = 0, cap = (enc ? enc->n : 0) + (ev ? ev->n_dark : 0) + 1;
  link *l = malloc(cap * sizeof *l);
  vlink *vl = malloc(2 * cap * sizeof *vl);
  tc_status s = TC_ERR_NOMEM;
  if (!l || !vl)
    goto cleanup;
  for (size_t i = 0; enc && i < enc->n; i++) {
    const tc_encounter *e = &enc->v[i];
    if (e->start >= from && e->start < to)
      l[nl++] = (link){e->mmsi_a, e->mmsi_b, e->start, e->end, 0,
                       at_place(places, radius_m, e->mean_lat, e->mean_lon)};
  }
  for (size_t i = 0; ev && i < ev->n_dark; i++) {
    const tc_dark *d = &ev->dark[i];
    int64_t w0 = llround(d->w_start), w1 = llround(d->w_end);
    if (w0 >= from && w0 < to)
      l[nl++] = (link){d->mmsi_a, d->mmsi_b, w0, w1, 1, at_place(places, radius_m, d->lat, d->lon)};
  }
  if (nl) /* the C library wants a non-NULL base even for none */
    qsort(l, nl, sizeof *l, cmp_link_pair);
  /* edges: runs of one pair */
  out->edges = malloc((nl + 1) * sizeof *out->edges);
  if (!out->edges)
    goto cleanup;
  for (size_t i = 0; i < nl; i++) {
    tc_net_edge *e = out->n_edges ? &out->edges[out->n_edges - 1] : NULL;
    if (!e || e->a != l[i].a || e->b != l[i].b) {
      e = &out->edges[out->n_edges++];
      *e = (tc_net_edge){l[i].a, l[i].b, 0, 0, l[i].start, l[i].end, 0, 0};
    }
    if (l[i].dark)
      e->dark++;
    else {
      e->encounters++;
      e->together_s += l[i].end - l[i].start;
    }
    if (l[i].start < e->first)
      e->first = l[i].start;
    if (l[i].end > e->last)
      e->last = l[i].end;
    e->in_port += (uint32_t)l[i].in_port;
  }
  /* nodes: every vessel of an edge, with its degree and links */
  for (size_t i = 0; i < nl; i++) {
    vl[2 * i] = (vlink){l[i].a, l[i].b, l[i].start, l[i].end, l[i].in_port};
    vl[2 * i + 1] = (vlink){l[i].b, l[i].a, l[i].start, l[i].end, l[i].in_port};
  }
  if (nl) /* the C library wants a non-NULL base even for none */
    qsort(vl, 2 * nl, sizeof *vl, cmp_vlink);
  out->nodes = malloc((2 * nl + 1) * sizeof *out->nodes);
  if (!out->nodes)
    goto cleanup;
  for (size_t i = 0; i < 2 * nl; i++) {
    if (!out->n_nodes || out->nodes[out->n_nodes - 1].mmsi != vl[i].self)
      out->nodes[out->n_nodes++] = (tc_net_node){vl[i].self, 0, 0};
    out->nodes[out->n_nodes - 1].links++;
  }
  for (size_t i = 0; i < out->n_edges; i++) {
    uint32_t ends[2] = {out->edges[i].a, out->edges[i].b};
    for (int k = 0; k < 2; k++) {
      size_t lo = 0, hi = out->n_nodes;
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (out->nodes[mid].mmsi < ends[k])
          lo = mid + 1;
        else
          hi = mid;
      }
      out->nodes[lo].degree++;
    }
  }
  /* chains: for each vessel B, a link with A ending at t1, then a later-starting link
   * with C (not A) starting within the window */
  size_t capc = 0;
  for (size_t i = 0; i < 2 * nl;) {
    size_t j = i;
    while (j < 2 * nl && vl[j].self == vl[i].self)
      j++;
    for (size_t x = i; x < j; x++)
      for (size_t y = i; y < j; y++) {
        if (vl[y].start < vl[x].end || vl[y].start - vl[x].end > chain_window ||
            vl[y].other == vl[x].other)
          continue;
        out->chains_found++;
        tc_net_chain *c = tc_grow(out->chains, &capc, out->n_chains + 1, sizeof *c, 256);
        if (!c)
          goto cleanup;
        out->chains = c;
        c[out->n_chains++] = (tc_net_chain){vl[x].other, vl[x].self, vl[y].other, vl[x].end, vl[y].start,
                                            vl[x].in_port || vl[y].in_port};
        if (out->n_chains >= 2 * max_chains + 1024) { /* keep memory bounded: trim to the best */
          if (out->n_chains) /* the C library wants a non-NULL base even for none */
            qsort(out->chains, out->n_chains, sizeof *out->chains, cmp_chain);
          out->n_chains = max_chains;
        }
      }
    i = j;
  }
  if (out->n_chains) /* the C library wants a non-NULL base even for none */
    qsort(out->chains, out->n_chains, sizeof *out->chains, cmp_chain);
  if (out->n_chains > max_chains)
    out->n_chains = max_chains;
  s = TC_OK;
cleanup:
  free(l);
  free(vl);
  if (s != TC_OK) {
    tc_network_free(out);
    return tc_fail(err, s, "out of memory building the network");
  }
  return TC_OK;
}

static void iso(int64_t t, char *b) { tc_time_format_iso(t, b); }

static void node_static(const tc_vessel_index *vx, uint32_t mmsi, tc_vessel_static *v) {
  memset(v, 0, sizeof *v);
  if (vx)
    tc_vessel_at(vx, mmsi, INT64_MAX, v);
}

static const char *flag_of(uint32_t mmsi) {
  const tc_mid_entry *m = tc_mmsi_flag(mmsi);
  return m ? m->iso2 : "";
}

tc_status tc_network_graphml(FILE *f, const tc_network *n, const tc_vessel_index *vx) {
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
        "<key id=\"mmsi\" for=\"node\" attr.name=\"mmsi\" attr.type=\"long\"/>\n"
        "<key id=\"flag\" for=\"node\" attr.name=\"flag\" attr.type=\"string\"/>\n"
        "<key id=\"name\" for=\"node\" attr.name=\"name\" attr.type=\"string\"/>\n"
        "<key id=\"ship_type\" for=\"node\" attr.name=\"ship_type\" attr.type=\"string\"/>\n"
        "<key id=\"degree\" for=\"node\" attr.name=\"vessels_met\" attr.type=\"int\"/>\n"
        "<key id=\"links\" for=\"node\" attr.name=\"links\" attr.type=\"int\"/>\n"
        "<key id=\"encounters\" for=\"edge\" attr.name=\"encounters\" attr.type=\"int\"/>\n"
        "<key id=\"dark\" for=\"edge\" attr.name=\"dark_rendezvous\" attr.type=\"int\"/>\n"
        "<key id=\"first\" for=\"edge\" attr.name=\"first\" attr.type=\"string\"/>\n"
        "<key id=\"last\" for=\"edge\" attr.name=\"last\" attr.type=\"string\"/>\n"
        "<key id=\"together\" for=\"edge\" attr.name=\"together_s\" attr.type=\"long\"/>\n"
        "<key id=\"in_port\" for=\"edge\" attr.name=\"in_port\" attr.type=\"int\"/>\n"
        "<key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"int\"/>\n"
        "<graph id=\"trajcorr\" edgedefault=\"undirected\">\n", f);
  for (size_t i = 0; i < n->n_nodes; i++) {
    const tc_net_node *x = &n->nodes[i];
    tc_vessel_static v;
    node_static(vx, x->mmsi, &v);
    fprintf(f, "<node id=\"%u\"><data key=\"mmsi\">%u</data><data key=\"flag\">%s</data><data key=\"name\">",
            x->mmsi, x->mmsi, flag_of(x->mmsi));
    tc_put_xml(f, v.name);
    fprintf(f, "</data><data key=\"ship_type\">%s</data><data key=\"degree\">%u</data>"
               "<data key=\"links\">%u</data></node>\n",
            v.ship_type ? tc_ship_type_name(v.ship_type) : "", x->degree, x->links);
  }
  for (size_t i = 0; i < n->n_edges; i++) {
    const tc_net_edge *e = &n->edges[i];
    char a[TC_ISO_LEN], b[TC_ISO_LEN];
    iso(e->first, a);
    iso(e->last, b);
    fprintf(f, "<edge source=\"%u\" target=\"%u\"><data key=\"encounters\">%u</data><data key=\"dark\">%u</data>"
               "<data key=\"first\">%s</data><data key=\"last\">%s</data><data key=\"together\">%lld</data>"
               "<data key=\"in_port\">%u</data><data key=\"weight\">%u</data></edge>\n",
            e->a, e->b, e->encounters, e->dark, a, b, (long long)e->together_s, e->in_port,
            e->encounters + e->dark);
  }
  fputs("</graph>\n</graphml>\n", f);
  return ferror(f) ? TC_ERR_IO : TC_OK;
}

tc_status tc_network_gexf(FILE *f, const tc_network *n, const tc_vessel_index *vx) {
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<gexf xmlns=\"http://www.gexf.net/1.2draft\" version=\"1.2\">\n"
        "<graph mode=\"static\" defaultedgetype=\"undirected\">\n"
        "<attributes class=\"node\">"
        "<attribute id=\"0\" title=\"flag\" type=\"string\"/><attribute id=\"1\" title=\"ship_type\" type=\"string\"/>"
        "<attribute id=\"2\" title=\"vessels_met\" type=\"integer\"/><attribute id=\"3\" title=\"links\" type=\"integer\"/>"
        "</attributes>\n<attributes class=\"edge\">"
        "<attribute id=\"0\" title=\"encounters\" type=\"integer\"/><attribute id=\"1\" title=\"dark_rendezvous\" type=\"integer\"/>"
        "<attribute id=\"2\" title=\"first\" type=\"string\"/><attribute id=\"3\" title=\"last\" type=\"string\"/>"
        "<attribute id=\"4\" title=\"together_s\" type=\"long\"/><attribute id=\"5\" title=\"in_port\" type=\"integer\"/>"
        "</attributes>\n<nodes>\n", f);
  for (size_t i = 0; i < n->n_nodes; i++) {
    const tc_net_node *x = &n->nodes[i];
    tc_vessel_static v;
    node_static(vx, x->mmsi, &v);
    fprintf(f, "<node id=\"%u\" label=\"", x->mmsi);
    if (v.name[0])
      tc_put_xml(f, v.name);
    else
      fprintf(f, "%u", x->mmsi);
    fprintf(f, "\"><attvalues><attvalue for=\"0\" value=\"%s\"/><attvalue for=\"1\" value=\"%s\"/>"
               "<attvalue for=\"2\" value=\"%u\"/><attvalue for=\"3\" value=\"%u\"/></attvalues></node>\n",
            flag_of(x->mmsi), v.ship_type ? tc_ship_type_name(v.ship_type) : "", x->degree, x->links);
  }
  fputs("</nodes>\n<edges>\n", f);
  for (size_t i = 0; i < n->n_edges; i++) {
    const tc_net_edge *e = &n->edges[i];
    char a[TC_ISO_LEN], b[TC_ISO_LEN];
    iso(e->first, a);
    iso(e->last, b);
    fprintf(f, "<edge id=\"%zu\" source=\"%u\" target=\"%u\" weight=\"%u\"><attvalues>"
               "<attvalue for=\"0\" value=\"%u\"/><attvalue for=\"1\" value=\"%u\"/><attvalue for=\"2\" value=\"%s\"/>"
               "<attvalue for=\"3\" value=\"%s\"/><attvalue for=\"4\" value=\"%lld\"/><attvalue for=\"5\" value=\"%u\"/>"
               "</attvalues></edge>\n",
            i, e->a, e->b, e->encounters + e->dark, e->encounters, e->dark, a, b, (long long)e->together_s,
            e->in_port);
  }
  fputs("</edges>\n</graph>\n</gexf>\n", f);
  return ferror(f) ? TC_ERR_IO : TC_OK;
}

tc_status tc_network_edges_csv(FILE *f, const tc_network *n) {
  fputs("mmsi_a,mmsi_b,encounters,dark_rendezvous,first,last,together_s,in_port\n", f);
  for (size_t i = 0; i < n->n_edges; i++) {
    const tc_net_edge *e = &n->edges[i];
    char a[TC_ISO_LEN], b[TC_ISO_LEN];
    iso(e->first, a);
    iso(e->last, b);
    fprintf(f, "%u,%u,%u,%u,%s,%s,%lld,%u\n", e->a, e->b, e->encounters, e->dark, a, b,
            (long long)e->together_s, e->in_port);
  }
  return ferror(f) ? TC_ERR_IO : TC_OK;
}

tc_status tc_network_chains_csv(FILE *f, const tc_network *n) {
  fputs("rank,mmsi_a,mmsi_b,mmsi_c,ab_end,bc_start,handover_s,in_port\n", f);
  for (size_t i = 0; i < n->n_chains; i++) {
    const tc_net_chain *c = &n->chains[i];
    char a[TC_ISO_LEN], b[TC_ISO_LEN];
    iso(c->t1, a);
    iso(c->t2, b);
    fprintf(f, "%zu,%u,%u,%u,%s,%s,%lld,%d\n", i + 1, c->a, c->b, c->c, a, b, (long long)(c->t2 - c->t1),
            c->in_port);
  }
  return ferror(f) ? TC_ERR_IO : TC_OK;
}

static int cmp_pair_rank(const void *pa, const void *pb) {
  const tc_net_edge *x = *(const tc_net_edge *const *)pa, *y = *(const tc_net_edge *const *)pb;
  uint32_t cx = x->encounters + x->dark, cy = y->encounters + y->dark;
  if (cx != cy)
    return cx > cy ? -1 : 1;
  if (x->in_port != y->in_port)
    return x->in_port < y->in_port ? -1 : 1;
  if (x->a != y->a)
    return x->a < y->a ? -1 : 1;
  return x->b < y->b ? -1 : x->b > y->b;
}

tc_status tc_network_pairs_csv(FILE *f, const tc_network *n) {
  const tc_net_edge **v = malloc((n->n_edges + 1) * sizeof *v);
  if (!v)
    return TC_ERR_NOMEM;
  size_t m = 0;
  for (size_t i = 0; i < n->n_edges; i++)
    if (n->edges[i].encounters + n->edges[i].dark >= 2)
      v[m++] = &n->edges[i];
  if (m) /* the C library wants a non-NULL base even for none */
    qsort(v, m, sizeof *v, cmp_pair_rank);
  fputs("rank,mmsi_a,mmsi_b,links,encounters,dark_rendezvous,first,last,together_s,in_port\n", f);
  for (size_t i = 0; i < m; i++) {
    char a[TC_ISO_LEN], b[TC_ISO_LEN];
    iso(v[i]->first, a);
    iso(v[i]->last, b);
    fprintf(f, "%zu,%u,%u,%u,%u,%u,%s,%s,%lld,%u\n", i + 1, v[i]->a, v[i]->b, v[i]->encounters + v[i]->dark,
            v[i]->encounters, v[i]->dark, a, b, (long long)v[i]->together_s, v[i]->in_port);
  }
  free(v);
  return ferror(f) ? TC_ERR_IO : TC_OK;
}
