/* trajcorr network STORE -o FILE.graphml|.gexf|.csv: who meets whom (issue 17). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/backend.h"
#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/engine/engine.h"
#include "host/events/events.h"
#include "host/report/encounters_csv.h"
#include "host/report/events_places.h"
#include "host/report/network.h"
#include "host/report/tracks_store.h"
#include "io/store.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: trajcorr network STORE -o FILE.graphml|FILE.gexf|FILE.csv [options]\n"
          "Vessels as nodes (MMSI, flag, name and ship type where known), encounters and dark\n"
          "rendezvous (spec defaults) as edges: counts, first and last time, total time together,\n"
          "links at a port or anchorage. Also FILE's stem .chains.csv (A meets B, then B meets C\n"
          "within --chain-window; away from ports first, shortest hand-over first) and\n"
          ".pairs.csv (pairs linked twice or more, most links first).\n\n"
          "  -o, --output FILE        .graphml, .gexf or .csv (edge list), by the name\n"
          "      --from T, --to T     links starting from <= t < to (ISO 8601 UTC or Unix s)\n"
          "      --chain-window D     longest hand-over of a chain [30d]\n"
          "      --max-chains N       chains listed, best ranked [10000]\n"
          "      --no-dark            encounters only\n"
          "      --ports FILE, --port-radius M [4000], --no-anchorages   places (as events)\n"
          "      --threads N          CPU threads\n"
          "  -q, --quiet              no summary on stderr\n");
}

typedef struct {
  const char *out, *store, *ports;
  int64_t from, to, chain_window;
  long max_chains;
  int dark, anchorages, quiet;
  double port_radius;
  tc_params p;
} opts;

static int parse_options(int argc, char **argv, opts *o) {
  enum { O_FROM = 256, O_TO, O_CHAIN, O_MAXCH, O_NODARK, O_PORTS, O_PRADIUS, O_NOANCH, O_THREADS };
  static const struct option lo[] = {
      {"output", required_argument, 0, 'o'}, {"from", required_argument, 0, O_FROM},
      {"to", required_argument, 0, O_TO}, {"chain-window", required_argument, 0, O_CHAIN},
      {"max-chains", required_argument, 0, O_MAXCH}, {"no-dark", no_argument, 0, O_NODARK},
      {"ports", required_argument, 0, O_PORTS}, {"port-radius", required_argument, 0, O_PRADIUS},
      {"no-anchorages", no_argument, 0, O_NOANCH}, {"threads", required_argument, 0, O_THREADS},
      {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  memset(o, 0, sizeof *o);
  tc_params_default(&o->p);
  o->from = INT64_MIN;
  o->to = INT64_MAX;
  o->chain_window = 30 * 86400;
  o->max_chains = 10000;
  o->dark = o->anchorages = 1;
  o->port_radius = 4000.0;
  optind = 1;
  int c, ok = 1, li = -1;
  long l;
  while (ok && (c = getopt_long(argc, argv, "o:qh", lo, &li)) != -1) {
    switch (c) {
    case 'o': o->out = optarg; break;
    case O_FROM: ok = tc_arg_time(optarg, &o->from); break;
    case O_TO: ok = tc_arg_time(optarg, &o->to); break;
    case O_CHAIN: ok = tc_arg_duration(optarg, &o->chain_window) && o->chain_window >= 0; break;
    case O_MAXCH: ok = tc_arg_long(optarg, 0, 100000000, &o->max_chains); break;
    case O_NODARK: o->dark = 0; break;
    case O_PORTS: o->ports = optarg; break;
    case O_PRADIUS: ok = tc_arg_double(optarg, &o->port_radius) && o->port_radius >= 0; break;
    case O_NOANCH: o->anchorages = 0; break;
    case O_THREADS: ok = tc_arg_long(optarg, 1, 4096, &l); o->p.threads = (int)l; break;
    case 'q': o->quiet = 1; break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return 2;
    }
    if (!ok) {
      fprintf(stderr, "trajcorr network: invalid value for --%s: '%s'\n", li >= 0 ? lo[li].name : "?", optarg);
      return 2;
    }
  }
  if (optind != argc - 1 || !o->out) {
    usage(stderr);
    return 2;
  }
  o->store = argv[optind];
  const char *dot = strrchr(o->out, '.');
  if (!dot || (strcmp(dot, ".graphml") && strcmp(dot, ".gexf") && strcmp(dot, ".csv"))) {
    fprintf(stderr, "trajcorr network: -o %s: the name must end in .graphml, .gexf or .csv\n", o->out);
    return 2;
  }
  if (o->from >= o->to) {
    fprintf(stderr, "trajcorr network: --from must be before --to\n");
    return 2;
  }
  return -1;
}

/* The text of one writer, for tc_write_file_atomic. */
static tc_status render(int which, const tc_network *n, const tc_vessel_index *vx, char **text, size_t *len) {
  FILE *m = open_memstream(text, len);
  if (!m)
    return TC_ERR_NOMEM;
  tc_status s = which == 0 ? tc_network_graphml(m, n, vx)
                : which == 1 ? tc_network_gexf(m, n, vx)
                : which == 2 ? tc_network_edges_csv(m, n)
                : which == 3 ? tc_network_chains_csv(m, n)
                             : tc_network_pairs_csv(m, n);
  if (fclose(m) != 0 && s == TC_OK)
    s = TC_ERR_NOMEM;
  return s;
}

int cmd_network(int argc, char **argv) {
  double t_start = tc_cli_now();
  opts o;
  int rc = parse_options(argc, argv, &o);
  if (rc >= 0)
    return rc;
  rc = 1;
  tc_err err = {0};
  tc_store *store = NULL;
  tc_events *ev = NULL;
  tc_encounter_list enc;
  tc_encounter_list_init(&enc);
  tc_event_lists l;
  tc_event_lists_init(&l);
  tc_places *places = NULL, *ports = NULL;
  tc_vessel_index *vx = NULL;
  tc_network net;
  memset(&net, 0, sizeof net);
  char *text[3] = {NULL, NULL, NULL};
  size_t len[3] = {0, 0, 0};
  tc_status s = tc_store_open(o.store, &store, &err);
  if (s != TC_OK)
    goto fail;
  tc_event_params e;
  tc_event_params_default(&e);
  e.kinds = TC_EV_DARK;
  tc_store_source_ctx c1, c2;
  tc_bucket_source s1 = tc_store_source(&c1, store), s2 = tc_store_source(&c2, store);
  if ((s = tc_events_create(&o.p, &e, &ev, &err)) != TC_OK)
    goto fail;
  tc_events_tee_ctx tctx;
  tc_bucket_source tee = tc_events_tee(&tctx, &s1, ev);
  tc_backend_config cfg = {0};
  cfg.platform = cfg.device = -1;
  tc_engine_stats est;
  tc_event_stats st;
  if ((s = tc_encounters_run(o.dark ? &tee : &s1, &o.p, tc_backend_find("openmp"), &cfg, &enc, &est, &err)) != TC_OK)
    goto fail;
  if (o.dark && (s = tc_events_finish(ev, &s2, &enc, &l, &st, &err)) != TC_OK)
    goto fail;
  if (o.ports || o.anchorages) {
    if ((s = tc_places_create(&places)) != TC_OK)
      goto fail;
    if (o.ports && ((s = tc_places_create(&ports)) != TC_OK || (s = tc_places_load(ports, o.ports, &err)) != TC_OK))
      goto fail;
    for (size_t i = 0; ports && i < tc_places_count(ports); i++)
      if ((s = tc_places_add(places, tc_places_get(ports, i))) != TC_OK)
        goto fail;
    if (o.anchorages && (s = tc_store_anchorages(store, ports, places, &err)) != TC_OK)
      goto fail;
  }
  if ((s = tc_vessel_index_from_store(store, &vx, &err)) != TC_OK ||
      (s = tc_network_build(&enc, &l, o.from, o.to, places, o.port_radius, o.chain_window, (size_t)o.max_chains,
                            &net, &err)) != TC_OK)
    goto fail;
  const char *dot = strrchr(o.out, '.');
  int which = !strcmp(dot, ".graphml") ? 0 : !strcmp(dot, ".gexf") ? 1 : 2;
  char chains[4096], pairs[4096];
  int stem = (int)(dot - o.out);
  snprintf(chains, sizeof chains, "%.*s.chains.csv", stem, o.out);
  snprintf(pairs, sizeof pairs, "%.*s.pairs.csv", stem, o.out);
  if ((s = render(which, &net, vx, &text[0], &len[0])) != TC_OK || (s = render(3, &net, vx, &text[1], &len[1])) != TC_OK ||
      (s = render(4, &net, vx, &text[2], &len[2])) != TC_OK) {
    tc_fail(&err, s, "out of memory writing the network");
    goto fail;
  }
  if ((s = tc_write_file_atomic(o.out, text[0], len[0], &err)) != TC_OK ||
      (s = tc_write_file_atomic(chains, text[1], len[1], &err)) != TC_OK ||
      (s = tc_write_file_atomic(pairs, text[2], len[2], &err)) != TC_OK)
    goto fail;
  if (!o.quiet)
    fprintf(stderr,
            "trajcorr network: %zu encounters, %zu dark rendezvous: %zu vessels, %zu edges, %zu chains listed "
            "(of %zu) -> %s, %s, %s\n",
            enc.n, l.n_dark, net.n_nodes, net.n_edges, net.n_chains, net.chains_found, o.out, chains, pairs);
  rc = 0;
  goto done;
fail:
  fprintf(stderr, "trajcorr network: %s\n", err.msg[0] ? err.msg : tc_status_name(s));
done:
  for (int i = 0; i < 3; i++)
    free(text[i]);
  tc_network_free(&net);
  tc_vessel_index_free(vx);
  tc_places_free(places);
  tc_places_free(ports);
  tc_event_lists_free(&l);
  tc_encounter_list_free(&enc);
  tc_events_free(ev);
  tc_store_close(store);
  if (!o.quiet)
    tc_cli_closing_line("trajcorr network", t_start);
  return rc;
}
