/* trajcorr info STORE [--json]: what a track store holds. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/specs.h"
#include "io/codec.h"
#include "io/json.h"
#include "io/printable.h"
#include "io/store.h"
#include "io/store_check.h"
#include "io/timefmt.h"

static const struct {
  const char *name;
  size_t off;
} clean_fields[] = {
    {"rows_read", offsetof(tc_clean_counts, rows_read)},
    {"parse_errors", offsetof(tc_clean_counts, parse_errors)},
    {"non_vessel", offsetof(tc_clean_counts, non_vessel)},
    {"bad_position", offsetof(tc_clean_counts, bad_position)},
    {"bad_mmsi", offsetof(tc_clean_counts, bad_mmsi)},
    {"duplicate", offsetof(tc_clean_counts, duplicate)},
    {"rows_stored", offsetof(tc_clean_counts, rows_stored)},
};
#define NCLEAN (sizeof clean_fields / sizeof clean_fields[0])

static uint64_t clean_get(const tc_clean_counts *c, size_t i) {
  return *(const uint64_t *)((const char *)c + clean_fields[i].off);
}

static void duration(int64_t s, char *buf, size_t cap) {
  if (s % 86400 == 0)
    snprintf(buf, cap, "%" PRId64 "d", s / 86400);
  else if (s % 3600 == 0)
    snprintf(buf, cap, "%" PRId64 "h", s / 3600);
  else
    snprintf(buf, cap, "%" PRId64 "s", s);
}

/* What the store's checksums cover (stores written before them have none). */
typedef struct {
  size_t datasets, bare;
  int metadata, known; /* known: 0 when a damaged object stopped the count */
  char why[TC_ERR_MSG_MAX];
} sums;

/* 0, or 1 when out of memory or standard output failed (said on standard error). */
static int print_json(const tc_store *s, const tc_store_info *in, const tc_store_srcfile *src,
                      size_t nsrc, int64_t file_bytes, const sums *cs) {
  char a[TC_ISO_LEN], b[TC_ISO_LEN];
  tc_time_format_iso(in->t_min, a);
  tc_time_format_iso(in->t_max, b);
  int bad = 0;
  json_t *o = json_object(), *clean = json_object(), *sources = json_array();
  bad = !o || !clean || !sources;
  if (!bad) {
    tc_json_set(o, "store", tc_json_string(tc_store_path(s)), &bad);
    tc_json_set(o, "format_version", json_integer(in->format_version), &bad);
    tc_json_set(o, "rows", json_integer((json_int_t)in->rows), &bad);
    tc_json_set(o, "vessels", json_integer((json_int_t)in->vessels), &bad);
    tc_json_set(o, "t_min", json_integer(in->rows ? in->t_min : 0), &bad);
    tc_json_set(o, "t_max", json_integer(in->rows ? in->t_max : 0), &bad);
    tc_json_set(o, "time_min", json_string(in->rows ? a : ""), &bad);
    tc_json_set(o, "time_max", json_string(in->rows ? b : ""), &bad);
    tc_json_set(o, "bucket_s", json_integer(in->bucket_s), &bad);
    tc_json_set(o, "buckets", json_integer((json_int_t)in->nbuckets), &bad);
    tc_json_set(o, "codec", tc_json_string(tc_store_codec(s)), &bad);
    tc_json_set(o, "deflate_level", json_integer(in->deflate_level), &bad);
    tc_json_set(o, "file_bytes", json_integer(file_bytes), &bad);
    for (size_t i = 0; i < NCLEAN; i++)
      tc_json_set(clean, clean_fields[i].name, json_integer((json_int_t)clean_get(&in->clean, i)), &bad);
    tc_json_set(o, "cleaning", clean, &bad);
    clean = NULL;
    tc_json_set(o, "checksums",
                cs->known ? json_pack("{s:I,s:I,s:b}", "datasets", (json_int_t)cs->datasets, "without_checksum",
                                      (json_int_t)cs->bare, "metadata", cs->metadata)
                          : json_null(),
                &bad);
    for (size_t i = 0; i < nsrc; i++) {
      char t[TC_ISO_LEN];
      tc_time_format_iso(src[i].imported_at, t);
      tc_json_push(sources,
                   json_pack("{s:o,s:I,s:s,s:o,s:s,s:I}", "name", tc_json_string(src[i].name), "size",
                             (json_int_t)src[i].size, "sha256", src[i].sha256, "format",
                             tc_json_string(src[i].format), "imported_at", t, "records",
                             (json_int_t)src[i].records),
                   &bad);
    }
    tc_json_set(o, "sources", sources, &bad);
    sources = NULL;
  }
  if (!bad)
    bad = json_dumpf(o, stdout, JSON_INDENT(2)) != 0 || putchar('\n') == EOF;
  json_decref(o);
  json_decref(clean);
  json_decref(sources);
  if (bad)
    fprintf(stderr, "trajcorr info: cannot write the JSON (out of memory or output error)\n");
  return bad;
}

static void print_text(const tc_store *s, const tc_store_info *in, const tc_store_srcfile *src,
                       size_t nsrc, int64_t file_bytes, const sums *cs) {
  char a[TC_ISO_LEN], b[TC_ISO_LEN], d[32];
  tc_time_format_iso(in->t_min, a);
  tc_time_format_iso(in->t_max, b);
  duration(in->bucket_s, d, sizeof d);
  printf("store: %s\n", tc_store_path(s));
  printf("format: trajcorr-store version %d, %s", in->format_version, tc_store_codec(s));
  if (in->codec == TC_CODEC_PACK) /* its columns are packed, not deflated: the level is the tables' */
    printf(" (tables at deflate level %d)", in->deflate_level);
  else if (in->deflate_level > 0)
    printf(" level %d with shuffle", in->deflate_level);
  printf(", %" PRId64 " bytes", file_bytes);
  if (in->rows)
    printf(" (%.1f bytes/row)", (double)file_bytes / (double)in->rows);
  printf("\nrows: %" PRIu64 "\nvessels: %" PRIu64 "\n", in->rows, in->vessels);
  if (in->rows)
    printf("time range: %s .. %s\n", a, b);
  else
    printf("time range: (empty)\n");
  printf("bucket length: %" PRId64 " s (%s)\nbuckets: %zu\n", in->bucket_s, d, in->nbuckets);
  if (!cs->known)
    printf("checksums: cannot tell (%s); run trajcorr check\n", cs->why);
  else if (cs->bare == 0 && cs->metadata)
    printf("checksums: Fletcher-32 on all %zu datasets, metadata checksummed\n", cs->datasets);
  else
    printf("checksums: %zu of %zu datasets without, metadata %s (an older store: damage there "
           "may go unseen)\n", cs->bare, cs->datasets, cs->metadata ? "checksummed" : "without");
  printf("cleaning (all imports):\n");
  for (size_t i = 0; i < NCLEAN; i++)
    printf("  %-13s %14" PRIu64 "\n", clean_fields[i].name, clean_get(&in->clean, i));
  printf("sources imported: %zu\n", nsrc);
  for (size_t i = 0; i < nsrc; i++) {
    char t[TC_ISO_LEN];
    tc_time_format_iso(src[i].imported_at, t);
    /* names and formats are read from the store: shown escaped (io/printable.h) */
    char name[TC_PRINTABLE_CAP(sizeof src[i].name)], fmt[TC_PRINTABLE_CAP(sizeof src[i].format)];
    char sha[TC_PRINTABLE_CAP(sizeof src[i].sha256)];
    tc_printable(name, sizeof name, src[i].name, strnlen(src[i].name, sizeof src[i].name), 0);
    tc_printable(fmt, sizeof fmt, src[i].format, strnlen(src[i].format, sizeof src[i].format), 0);
    tc_printable(sha, sizeof sha, src[i].sha256, strnlen(src[i].sha256, sizeof src[i].sha256), 0);
    printf("  %s  %" PRIu64 " bytes  %s  %s  sha256 %s  %" PRIu64 " records\n", name, src[i].size, fmt, t,
           sha, src[i].records);
  }
}

int cmd_info(int argc, char **argv) {
  double t_start = tc_cli_now();
  tc_info_args a;
  int rc = tc_cli_parse(&tc_cli_info, argc, argv, &a);
  if (rc != TC_CLI_RUN)
    return rc;
  const char *path = a.store;
  int json = a.json;
  tc_err err;
  tc_err_clear(&err);
  tc_store *s = NULL;
  const tc_store_srcfile *src = NULL;
  size_t nsrc = 0;
  tc_status st = tc_store_open(path, &s, &err);
  if (st == TC_OK)
    st = tc_store_sources(s, &src, &nsrc, &err);
  sums cs = {0, 0, 0, 0, ""};
  if (st == TC_OK) { /* a damaged object the summary does not need must not hide it */
    tc_err e;
    tc_err_clear(&e);
    cs.known = tc_store_checksums(s, &cs.datasets, &cs.bare, &cs.metadata, &e) == TC_OK;
    snprintf(cs.why, sizeof cs.why, "%s", e.msg);
  }
  if (st != TC_OK) {
    fprintf(stderr, "trajcorr info: %s\n", err.msg[0] ? err.msg : tc_status_name(st));
    tc_store_close(s);
    if (!a.quiet)
      tc_cli_closing_line("trajcorr info", t_start);
    return 1;
  }
  struct stat sb;
  int64_t bytes = stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
  rc = 0;
  if (json)
    rc = print_json(s, tc_store_get_info(s), src, nsrc, bytes, &cs);
  else
    print_text(s, tc_store_get_info(s), src, nsrc, bytes, &cs);
  tc_store_close(s);
  fflush(stdout);
  if (!a.quiet)
    tc_cli_closing_line("trajcorr info", t_start);
  return rc;
}
