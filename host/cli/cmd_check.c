/* trajcorr check STORE...: verifies every bucket of each store (order, index, counts,
 * checksums, bucket table, sources) and says what is wrong where. Exit 0 only when
 * every store is sound. */
#include <inttypes.h>
#include <stdio.h>

#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/specs.h"
#include "io/store_check.h"

static void print_problem(void *ctx, const char *msg) {
  (void)ctx;
  printf("  %s\n", msg);
}

int cmd_check(int argc, char **argv) {
  double t_start = tc_cli_now();
  tc_check_args a;
  int rc = tc_cli_parse(&tc_cli_check, argc, argv, &a);
  if (rc != TC_CLI_RUN)
    return rc;
  int quiet = a.quiet;
  rc = 0;
  for (size_t i = 0; i < a.stores.n; i++) {
    const char *path = a.stores.v[i];
    tc_store_check_report r;
    tc_err err;
    tc_err_clear(&err);
    tc_status st = tc_store_check(path, quiet ? NULL : print_problem, NULL, &r, &err);
    if (st != TC_OK) {
      fprintf(stderr, "trajcorr check: %s\n", err.msg[0] ? err.msg : tc_status_name(st));
      rc = 1;
      continue;
    }
    if (r.problems) {
      printf("%s: DAMAGED: %zu problem%s (%zu bucket%s, %" PRIu64 " rows checked)\n", path, r.problems,
             r.problems == 1 ? "" : "s", r.buckets, r.buckets == 1 ? "" : "s", r.rows);
      rc = 1;
      continue;
    }
    printf("%s: sound: %zu bucket%s, %" PRIu64 " rows", path, r.buckets, r.buckets == 1 ? "" : "s", r.rows);
    if (r.unchecksummed == 0 && r.metadata_checksums)
      printf(", every dataset and the metadata checksummed\n");
    else
      printf("; %zu of %zu datasets without checksums%s (written by an older trajcorr): damage "
             "there may go unseen; re-import into a new store to add them\n",
             r.unchecksummed, r.datasets, r.metadata_checksums ? "" : ", metadata without checksums");
  }
  fflush(stdout);
  if (!quiet)
    tc_cli_closing_line("trajcorr check", t_start);
  tc_cli_free(&tc_cli_check, &a);
  return rc;
}
