/* The network of who meets whom: edges, degrees, chains and repeated pairs by hand,
 * and the files read back by NetworkX (shared/data/real-tracks, skipped when absent). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host/report/network.h"
#include "support/lead_run.h"

#define DAY 86400

static tc_encounter enc(uint32_t a, uint32_t b, int64_t start, int64_t end) {
  tc_encounter e;
  memset(&e, 0, sizeof e);
  e.mmsi_a = a;
  e.mmsi_b = b;
  e.start = start;
  e.end = end;
  e.mean_lat = 10.0;
  e.mean_lon = 20.0;
  return e;
}

Test(network, edges_chains_and_pairs) {
  tc_encounter_list l;
  tc_encounter_list_init(&l);
  tc_encounter v[] = {enc(1, 2, 0, 7200), enc(1, 2, 10 * DAY, 10 * DAY + 9000), /* a pair meeting twice */
                      enc(2, 3, 5 * DAY, 5 * DAY + 7200),                    /* 2 then meets 3 */
                      enc(3, 4, 40 * DAY, 40 * DAY + 7200)};                 /* 35 d later: no chain */
  for (size_t i = 0; i < 4; i++)
    cr_assert_eq(tc_encounter_list_push(&l, &v[i]), TC_OK);
  tc_network n;
  tc_err err = {0};
  cr_assert_eq(tc_network_build(&l, NULL, INT64_MIN, INT64_MAX, NULL, 0, 30 * DAY, 100, &n, &err), TC_OK);
  cr_assert_eq(n.n_edges, 3);
  cr_assert_eq(n.edges[0].a, 1);
  cr_assert_eq(n.edges[0].b, 2);
  cr_assert_eq(n.edges[0].encounters, 2);
  cr_assert_eq(n.edges[0].together_s, 7200 + 9000);
  cr_assert_eq(n.edges[0].first, 0);
  cr_assert_eq(n.edges[0].last, 10 * DAY + 9000);
  cr_assert_eq(n.n_nodes, 4);
  cr_assert_eq(n.nodes[1].mmsi, 2);
  cr_assert_eq(n.nodes[1].degree, 2, "vessel 2 met 1 and 3");
  cr_assert_eq(n.nodes[1].links, 3);
  /* chains: 1-2 (ends 7200) then 2-3 (5 d); 3-2 (ends 5 d + 2 h) then 2-1 (10 d);
   * 2-3 then 3-4 is 35 days: too late */
  cr_assert_eq(n.n_chains, 2);
  cr_assert_eq(n.chains[0].a, 1);
  cr_assert_eq(n.chains[0].b, 2);
  cr_assert_eq(n.chains[0].c, 3);
  cr_assert_eq(n.chains[0].t2 - n.chains[0].t1, 5 * DAY - 7200, "the shorter hand-over first");
  cr_assert_eq(n.chains[1].a, 3);
  cr_assert_eq(n.chains[1].c, 1);
  tc_network_free(&n);
  /* a window: only links starting in [5 d, 41 d) */
  cr_assert_eq(tc_network_build(&l, NULL, 5 * DAY, 41 * DAY, NULL, 0, 30 * DAY, 100, &n, &err), TC_OK);
  cr_assert_eq(n.n_edges, 3);
  cr_assert_eq(n.edges[0].encounters, 1);
  cr_assert_eq(n.n_chains, 1, "3-2 then 2-1 (10 d)");
  tc_network_free(&n);
  tc_encounter_list_free(&l);
}

#define RT TC_SHARED_DATA "/real-tracks"

Test(network, networkx_reads_the_files, .timeout = 300) {
  const char *in = RT "/suez_evergiven_2021_03_derived_sog.csv.gz";
  if (access(in, R_OK) != 0)
    cr_skip_test("%s is not here (shared data absent)", in);
  if (tr_sh("/usr/bin/python3 -c 'import networkx' 2>/dev/null") != 0)
    cr_skip_test("python3 has no networkx");
  char dir[512];
  tr_scratch("network", dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' import --quiet '%s/s.h5' '%s' >'%s/import.log' 2>&1", TC_BINARY, dir, in, dir), 0);
  const char *ext[] = {"graphml", "gexf", "csv"};
  for (int i = 0; i < 3; i++)
    cr_assert_eq(tr_sh("'%s' network --quiet '%s/s.h5' -o '%s/n.%s' 2>'%s/n.log'", TC_BINARY, dir, dir, ext[i], dir), 0,
                 "network -o n.%s failed (%s/n.log)", ext[i], dir);
  /* the spec's lists for this sample hold 30 encounters and 1 956 dark rendezvous: every
   * one is a link, and GraphML, GEXF and the edge list are the same graph */
  cr_assert_eq(tr_sh("/usr/bin/python3 -c \"import csv, sys, networkx as nx; "
                     "g = nx.read_graphml('%s/n.graphml'); x = nx.read_gexf('%s/n.gexf'); "
                     "r = list(csv.DictReader(open('%s/n.csv'))); "
                     "links = sum(d['encounters'] + d['dark_rendezvous'] for _, _, d in g.edges(data=True)); "
                     "sys.exit(not (links == 30 + 1956 and g.number_of_edges() == x.number_of_edges() == len(r) "
                     "and set(g.nodes) == set(x.nodes) and all(g.has_edge(e['mmsi_a'], e['mmsi_b']) for e in r)))\"",
                     dir, dir, dir), 0, "NetworkX does not read the same graph (%s)", dir);
  tr_sh("rm -rf '%s'", dir);
}
