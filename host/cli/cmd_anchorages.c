/* trajcorr anchorages STORE [-o OUT]: places where many distinct vessels stay
 * stationary (host/report/anchorage.h), as a CSV that --ports reads back. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/report/anchorage_store.h"
#include "io/store.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: trajcorr anchorages STORE [-o OUT] [options]\n"
          "Finds anchorages: grid cells where at least N distinct vessels were stationary,\n"
          "touching cells merged. Writes name,lat,lon,vessels,radius_m (use with --ports).\n\n"
          "  -o, --output FILE     CSV to write ('-' = standard output, the default)\n"
          "      --ports FILE      port list (name,lat,lon CSV) to name anchorages after\n"
          "      --cell M          grid cell size in metres [1000]\n"
          "      --min-vessels N   distinct stationary vessels for an anchorage cell [5]\n"
          "      --max-speed KN    stationary below this speed [0.5]\n"
          "  -q, --quiet           no summary on stderr\n");
}

enum { O_PORTS = 256, O_CELL, O_MINV, O_MAXSPEED };

static const struct option longopts[] = {
    {"output", required_argument, 0, 'o'}, {"ports", required_argument, 0, O_PORTS},
    {"cell", required_argument, 0, O_CELL}, {"min-vessels", required_argument, 0, O_MINV},
    {"max-speed", required_argument, 0, O_MAXSPEED}, {"quiet", no_argument, 0, 'q'},
    {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};

int cmd_anchorages(int argc, char **argv) {
  double t_start = tc_cli_now();
  tc_anchorage_params p;
  tc_anchorage_defaults(&p);
  const char *out = "-", *ports_path = NULL;
  int quiet = 0, c;
  long l;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
    switch (c) {
    case 'o': out = optarg; break;
    case O_PORTS: ports_path = optarg; break;
    case O_CELL:
      if (!tc_arg_double(optarg, &p.cell_m)) {
        fprintf(stderr, "trajcorr anchorages: invalid --cell '%s'\n", optarg);
        return 2;
      }
      break;
    case O_MINV:
      if (!tc_arg_long(optarg, 1, 1000000, &l)) {
        fprintf(stderr, "trajcorr anchorages: invalid --min-vessels '%s'\n", optarg);
        return 2;
      }
      p.min_vessels = (int)l;
      break;
    case O_MAXSPEED:
      if (!tc_arg_double(optarg, &p.max_speed_kn)) {
        fprintf(stderr, "trajcorr anchorages: invalid --max-speed '%s'\n", optarg);
        return 2;
      }
      break;
    case 'q': quiet = 1; break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return 2;
    }
  }
  if (optind != argc - 1) {
    usage(stderr);
    return 2;
  }
  int rc = 1;
  tc_err err = {0};
  tc_store *store = NULL;
  tc_anchorage_finder *finder = NULL;
  tc_places *ports = NULL, *found = NULL;
  tc_status s = tc_anchorage_create(&p, &finder, &err);
  if (s != TC_OK) {
    fprintf(stderr, "trajcorr anchorages: %s\n", err.msg);
    return 2;
  }
  if ((s = tc_places_create(&ports)) != TC_OK || (s = tc_places_create(&found)) != TC_OK)
    goto fail;
  if (ports_path && (s = tc_places_load(ports, ports_path, &err)) != TC_OK)
    goto fail;
  if ((s = tc_store_open(argv[optind], &store, &err)) != TC_OK)
    goto fail;
  const tc_store_info *info = tc_store_get_info(store);
  if ((s = tc_anchorage_add_store(finder, store, NULL, NULL, &err)) != TC_OK)
    goto fail;
  if ((s = tc_anchorage_finish(finder, ports_path ? ports : NULL, found, &err)) != TC_OK ||
      (s = tc_places_write_csv(found, out, &err)) != TC_OK)
    goto fail;
  if (!quiet)
    fprintf(stderr, "trajcorr anchorages: %llu fixes, %zu stationary, %zu anchorages (>= %d vessels in %.0f m cells)%s%s\n",
            (unsigned long long)info->rows, tc_anchorage_stationary(finder), tc_places_count(found),
            p.min_vessels, p.cell_m, strcmp(out, "-") ? " -> " : "", strcmp(out, "-") ? out : "");
  rc = 0;
  goto done;
fail:
  fprintf(stderr, "trajcorr anchorages: %s\n", err.msg[0] ? err.msg : tc_status_name(s));
done:
  tc_places_free(ports);
  tc_places_free(found);
  tc_anchorage_free(finder);
  tc_store_close(store);
  if (!quiet)
    tc_cli_closing_line("trajcorr anchorages", t_start);
  return rc;
}
