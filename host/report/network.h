/* The network of who meets whom (issue 17): vessels as nodes, encounters and dark
 * rendezvous as edges (count of each, first and last time, total time seen together,
 * how many at a port or anchorage), chains (A meets B, then B meets C within a window)
 * and the pairs that meet repeatedly. Written as GraphML, GEXF 1.2 or a CSV edge list
 * (Gephi, Cytoscape, NetworkX). */
#ifndef TC_NETWORK_H
#define TC_NETWORK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "host/engine/encounter.h"
#include "host/events/events.h"
#include "host/report/places.h"
#include "host/report/vessels.h"
#include "io/status.h"

typedef struct {
  uint32_t a, b;          /* a < b */
  uint32_t encounters, dark;
  int64_t first, last;    /* earliest start and latest end of its links */
  int64_t together_s;     /* sum of its encounters' durations (dark ones are only possible) */
  uint32_t in_port;       /* links at a port or anchorage */
} tc_net_edge;

typedef struct {
  uint32_t mmsi;
  uint32_t degree;        /* distinct vessels met */
  uint32_t links;         /* encounters and dark rendezvous */
} tc_net_node;

/* A meets B (a link ending at t1), then B meets C (a link starting at t2 >= t1, within
 * the chain window), C neither A nor B. */
typedef struct {
  uint32_t a, b, c;
  int64_t t1, t2;
  int in_port;            /* either link at a port or anchorage */
} tc_net_chain;

typedef struct {
  tc_net_edge *edges;     /* sorted by (a, b) */
  size_t n_edges;
  tc_net_node *nodes;     /* sorted by mmsi */
  size_t n_nodes;
  tc_net_chain *chains;   /* ranked: away from ports first, then the shortest hand-over */
  size_t n_chains;
  size_t chains_found;    /* before the cap */
} tc_network;

/* Links whose time (encounter start, dark window start) lies in [from, to). places may
 * be NULL; a link is at one within radius_m (encounter: mean position; dark: X*).
 * At most max_chains chains are kept (the best ranked). */
tc_status tc_network_build(const tc_encounter_list *enc, const tc_event_lists *ev, int64_t from,
                           int64_t to, const tc_places *places, double radius_m,
                           int64_t chain_window, size_t max_chains, tc_network *out, tc_err *err);
void tc_network_free(tc_network *n);

/* Writers; vessels (may be NULL) names nodes and gives their ship type. */
tc_status tc_network_graphml(FILE *f, const tc_network *n, const tc_vessel_index *vessels);
tc_status tc_network_gexf(FILE *f, const tc_network *n, const tc_vessel_index *vessels);
tc_status tc_network_edges_csv(FILE *f, const tc_network *n);
tc_status tc_network_chains_csv(FILE *f, const tc_network *n);
/* Pairs with at least two links, most links first. */
tc_status tc_network_pairs_csv(FILE *f, const tc_network *n);

#endif
