/* trajcorr anchorages STORE [-o OUT]: places where many distinct vessels stay
 * stationary (host/report/anchorage.h), as a CSV that --ports reads back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/specs.h"
#include "host/report/anchorage.h"
#include "io/outpath.h"
#include "io/store.h"

int cmd_anchorages(int argc, char **argv) {
  double t_start = tc_cli_now();
  tc_anchorages_args a;
  int rc = tc_cli_parse(&tc_cli_anchorages, argc, argv, &a);
  if (rc != TC_CLI_RUN)
    return rc;
  tc_anchorage_params p = a.p;
  const char *out = a.out, *ports_path = a.ports;
  int quiet = a.quiet;
  rc = 1;
  tc_err err = {0};
  const char *outs[] = {out}, *ins[] = {argv[optind], ports_path};
  if (tc_outpath_check(outs, 1, ins, 2, &err) != TC_OK) { /* -o onto the store replaces it */
    fprintf(stderr, "trajcorr anchorages: %s\n", err.msg);
    return 2;
  }
  tc_store *store = NULL;
  tc_anchorage_finder *finder = NULL;
  tc_places *ports = NULL, *found = NULL;
  tc_columns cols;
  tc_columns_init(&cols);
  tc_status s = tc_anchorage_create(&p, &finder, &err);
  if (s != TC_OK) {
    fprintf(stderr, "trajcorr anchorages: %s\n", err.msg);
    return 2;
  }
  if ((s = tc_places_create(&ports)) != TC_OK || (s = tc_places_create(&found)) != TC_OK)
    goto fail;
  if (ports_path && (s = tc_places_load(ports, ports_path, &err)) != TC_OK)
    goto fail;
  if ((s = tc_store_open(a.store, &store, &err)) != TC_OK)
    goto fail;
  const tc_store_info *info = tc_store_get_info(store);
  for (size_t k = 0; k < info->nbuckets; k++) {
    if ((s = tc_store_read_bucket(store, k, &cols, &err)) != TC_OK ||
        (s = tc_anchorage_add(finder, &cols, &err)) != TC_OK)
      goto fail;
  }
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
  tc_columns_free(&cols);
  tc_places_free(ports);
  tc_places_free(found);
  tc_anchorage_free(finder);
  tc_store_close(store);
  if (!quiet)
    tc_cli_closing_line("trajcorr anchorages", t_start);
  return rc;
}
