/* trajcorr network STORE -o FILE.graphml|.gexf|.csv: who meets whom (issue 17).
 * Options: host/cli/specs.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/backend.h"
#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/specs.h"
#include "host/engine/engine.h"
#include "host/events/events.h"
#include "host/report/encounters_csv.h"
#include "host/report/events_places.h"
#include "host/report/network.h"
#include "host/report/select_links.h"
#include "host/report/tracks_store.h"
#include "io/outpath.h"
#include "io/store.h"

/* The graph's name picks its writer: 0 GraphML, 1 GEXF, 2 CSV edge list; -1 none. */
static int writer_of(const char *out) {
  const char *dot = strrchr(out, '.');
  return !dot ? -1 : !strcmp(dot, ".graphml") ? 0 : !strcmp(dot, ".gexf") ? 1 : !strcmp(dot, ".csv") ? 2 : -1;
}

/* STEM.chains.csv and STEM.pairs.csv beside the graph OUT (STEM: OUT less its extension). */
static void side_paths(const char *out, char *chains, char *pairs, size_t cap) {
  int stem = (int)(strrchr(out, '.') - out);
  snprintf(chains, cap, "%.*s.chains.csv", stem, out);
  snprintf(pairs, cap, "%.*s.pairs.csv", stem, out);
}

static int usage_error(const char *msg) {
  fprintf(stderr, "trajcorr network: %s\n", msg);
  tc_cli_usage_line(&tc_cli_network, stderr);
  return 2;
}

/* What the table cannot check: -o given with a known extension, --from before --to,
 * the parameters together, and no output onto an input. -1 to go on, else the exit
 * status. */
static int check_args(const tc_network_args *a) {
  if (!a->out)
    return usage_error("give -o FILE.graphml, FILE.gexf or FILE.csv");
  if (writer_of(a->out) < 0) {
    fprintf(stderr, "trajcorr network: -o %s: the name must end in .graphml, .gexf or .csv\n", a->out);
    tc_cli_usage_line(&tc_cli_network, stderr);
    return 2;
  }
  if (a->from >= a->to)
    return usage_error("--from must be before --to");
  tc_err err = {0};
  tc_select *sel = NULL;
  if (tc_params_check(&a->p, &err) != TC_OK || tc_event_params_check(&a->e, &err) != TC_OK ||
      tc_select_from_options(a->flags.v, a->flags.n, a->ship_types.v, a->ship_types.n, a->bbox, a->match_both,
                             &sel, &err) != TC_OK) {
    fprintf(stderr, "trajcorr network: %s\n", err.msg);
    return 2;
  }
  tc_select_free(sel); /* checked here; run builds it again */
  char chains[4096], pairs[4096];
  side_paths(a->out, chains, pairs, sizeof chains);
  const char *outs[] = {a->out, chains, pairs};
  const char **ins = malloc((2 + a->ports.n) * sizeof *ins);
  if (!ins) {
    fprintf(stderr, "trajcorr network: out of memory\n");
    return 1;
  }
  size_t nin = 0;
  ins[nin++] = a->store;
  if (a->watchlist)
    ins[nin++] = a->watchlist;
  if (a->ports.n)
    memcpy(ins + nin, a->ports.v, a->ports.n * sizeof *ins);
  tc_status s = tc_outpath_check(outs, 3, ins, nin + a->ports.n, &err);
  free(ins);
  if (s != TC_OK) {
    fprintf(stderr, "trajcorr network: %s\n", err.msg);
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

static int run(const tc_network_args *a) {
  double t_start = tc_cli_now();
  int rc = check_args(a);
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
  tc_places *places = NULL;
  tc_vessel_index *vx = NULL;
  tc_network net;
  memset(&net, 0, sizeof net);
  char *text[3] = {NULL, NULL, NULL};
  size_t len[3] = {0, 0, 0};
  tc_select *sel = NULL;
  tc_watchlist *watch = NULL;
  size_t dropped = 0;
  /* the selection and the watchlist before the work: a bad one stops it at once */
  tc_status s = tc_select_from_options(a->flags.v, a->flags.n, a->ship_types.v, a->ship_types.n, a->bbox,
                                       a->match_both, &sel, &err);
  if (s == TC_OK && a->watchlist)
    s = tc_watchlist_load(a->watchlist, &watch, &err);
  if (s == TC_OK)
    s = tc_store_open(a->store, &store, &err);
  if (s != TC_OK)
    goto fail;
  tc_store_source_ctx c1, c2;
  tc_bucket_source s1 = tc_store_source(&c1, store), s2 = tc_store_source(&c2, store);
  c1.threads = c2.threads = tc_params_threads(&a->p);
  if ((s = tc_events_create(&a->p, &a->e, &ev, &err)) != TC_OK)
    goto fail;
  tc_events_tee_ctx tctx;
  tc_bucket_source tee = tc_events_tee(&tctx, &s1, ev);
  tc_backend_config cfg = {0};
  cfg.platform = cfg.device = -1;
  tc_engine_stats est;
  tc_event_stats st;
  if ((s = tc_encounters_run(a->no_dark ? &s1 : &tee, &a->p, tc_backend_find("openmp"), &cfg, &enc, &est, &err)) !=
      TC_OK)
    goto fail;
  if (!a->no_dark && (s = tc_events_finish(ev, &s2, &enc, &l, &st, &err)) != TC_OK)
    goto fail;
  if ((s = tc_event_places_load(&store, 1, a->ports.v, a->ports.n, !a->no_anchorages, &places, &err)) != TC_OK)
    goto fail;
  if ((s = tc_vessel_index_from_store(store, &vx, &err)) != TC_OK)
    goto fail;
  /* links chosen after the dark rule has seen every encounter (a pair seen together is
   * not dark, whatever the selection) */
  tc_link_filter lf = {sel, watch, vx};
  if (tc_link_filter_active(&lf))
    dropped = tc_link_filter_encounters(&lf, &enc) + tc_link_filter_dark(&lf, &l);
  if ((s = tc_network_build(&enc, &l, a->from, a->to, places, a->port_radius, a->chain_window, a->max_chains,
                            &net, &err)) != TC_OK)
    goto fail;
  int which = writer_of(a->out);
  char chains[4096], pairs[4096];
  side_paths(a->out, chains, pairs, sizeof chains);
  if ((s = render(which, &net, vx, &text[0], &len[0])) != TC_OK || (s = render(3, &net, vx, &text[1], &len[1])) != TC_OK ||
      (s = render(4, &net, vx, &text[2], &len[2])) != TC_OK) {
    tc_fail(&err, s, "out of memory writing the network");
    goto fail;
  }
  if ((s = tc_write_file_atomic(a->out, text[0], len[0], &err)) != TC_OK ||
      (s = tc_write_file_atomic(chains, text[1], len[1], &err)) != TC_OK ||
      (s = tc_write_file_atomic(pairs, text[2], len[2], &err)) != TC_OK)
    goto fail;
  if (!a->quiet)
    fprintf(stderr,
            "trajcorr network: %zu encounters, %zu dark rendezvous: %zu vessels, %zu edges, %zu chains listed "
            "(of %zu)%s -> %s, %s, %s\n",
            enc.n, l.n_dark, net.n_nodes, net.n_edges, net.n_chains, net.chains_found,
            dropped ? "; links of other vessels left out" : "", a->out, chains, pairs);
  rc = 0;
  goto done;
fail:
  fprintf(stderr, "trajcorr network: %s\n", err.msg[0] ? err.msg : tc_status_name(s));
done:
  for (int i = 0; i < 3; i++)
    free(text[i]);
  tc_network_free(&net);
  tc_select_free(sel);
  tc_watchlist_free(watch);
  tc_vessel_index_free(vx);
  tc_places_free(places);
  tc_event_lists_free(&l);
  tc_encounter_list_free(&enc);
  tc_events_free(ev);
  tc_store_close(store);
  if (!a->quiet)
    tc_cli_closing_line("trajcorr network", t_start);
  return rc;
}

int cmd_network(int argc, char **argv) {
  tc_network_args a;
  int rc = tc_cli_parse(&tc_cli_network, argc, argv, &a);
  if (rc != TC_CLI_RUN)
    return rc;
  rc = run(&a);
  tc_cli_free(&tc_cli_network, &a);
  return rc;
}
