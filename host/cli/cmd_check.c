/* trajcorr check STORE...: verifies every bucket of each store (order, index, counts,
 * checksums, bucket table, sources) and says what is wrong where. Exit 0 only when
 * every store is sound. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "host/cli/commands.h"
#include "io/store_check.h"

static const struct option longopts[] = {{"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};

static void print_problem(void *ctx, const char *msg) {
  (void)ctx;
  printf("  %s\n", msg);
}

static void usage(FILE *f) {
  fprintf(f, "usage: trajcorr check STORE... [-q]\n"
             "Reads every bucket of each track store and verifies it: rows sorted by (mmsi, t)\n"
             "and inside their bucket, positions in range, the vessel index, counts against the\n"
             "bucket table, every chunk's Fletcher-32 checksum, datatypes, the vessel and source\n"
             "tables. Prints each problem with where it is.\n\n"
             "  -q, --quiet   only the verdict line of each store\n\n"
             "Exit status: 0 every store sound, 1 a store damaged or unreadable, 2 bad usage.\n");
}

int cmd_check(int argc, char **argv) {
  int quiet = 0, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
    switch (c) {
    case 'q': quiet = 1; break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return 2;
    }
  }
  if (optind >= argc) {
    usage(stderr);
    return 2;
  }
  int rc = 0;
  for (int i = optind; i < argc; i++) {
    const char *path = argv[i];
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
  return rc;
}
