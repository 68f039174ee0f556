/* trajcorr info STORE [--json]: what a track store holds. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "host/cli/commands.h"
#include "io/store.h"
#include "io/store_check.h"
#include "io/timefmt.h"

static void json_str(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      printf("\\%c", c);
    else if (c < 0x20)
      printf("\\u%04x", c);
    else
      putchar(c);
  }
  putchar('"');
}

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

static void print_json(const tc_store *s, const tc_store_info *in, const tc_store_srcfile *src,
                       size_t nsrc, int64_t file_bytes, const sums *cs) {
  char a[TC_ISO_LEN], b[TC_ISO_LEN];
  tc_time_format_iso(in->t_min, a);
  tc_time_format_iso(in->t_max, b);
  printf("{\n  \"store\": ");
  json_str(tc_store_path(s));
  printf(",\n  \"format_version\": %d,\n  \"rows\": %" PRIu64 ",\n  \"vessels\": %" PRIu64
         ",\n  \"t_min\": %" PRId64 ",\n  \"t_max\": %" PRId64 ",\n  \"time_min\": \"%s\",\n"
         "  \"time_max\": \"%s\",\n  \"bucket_s\": %" PRId64 ",\n  \"buckets\": %zu,\n"
         "  \"codec\": \"%s\",\n  \"deflate_level\": %d,\n  \"file_bytes\": %" PRId64 ",\n"
         "  \"cleaning\": {",
         in->format_version, in->rows, in->vessels, in->rows ? in->t_min : 0,
         in->rows ? in->t_max : 0, in->rows ? a : "", in->rows ? b : "", in->bucket_s,
         in->nbuckets, tc_store_codec(s), in->deflate_level, file_bytes);
  for (size_t i = 0; i < NCLEAN; i++)
    printf("%s\"%s\": %" PRIu64, i ? ", " : "", clean_fields[i].name, clean_get(&in->clean, i));
  if (cs->known)
    printf("},\n  \"checksums\": {\"datasets\": %zu, \"without_checksum\": %zu, \"metadata\": %s}",
           cs->datasets, cs->bare, cs->metadata ? "true" : "false");
  else
    printf("},\n  \"checksums\": null");
  printf(",\n  \"sources\": [");
  for (size_t i = 0; i < nsrc; i++) {
    char t[TC_ISO_LEN];
    tc_time_format_iso(src[i].imported_at, t);
    printf("%s\n    {\"name\": ", i ? "," : "");
    json_str(src[i].name);
    printf(", \"size\": %" PRIu64 ", \"sha256\": \"%s\", \"format\": ", src[i].size, src[i].sha256);
    json_str(src[i].format);
    printf(", \"imported_at\": \"%s\", \"records\": %" PRIu64 "}", t, src[i].records);
  }
  printf("%s]\n}\n", nsrc ? "\n  " : "");
}

static void print_text(const tc_store *s, const tc_store_info *in, const tc_store_srcfile *src,
                       size_t nsrc, int64_t file_bytes, const sums *cs) {
  char a[TC_ISO_LEN], b[TC_ISO_LEN], d[32];
  tc_time_format_iso(in->t_min, a);
  tc_time_format_iso(in->t_max, b);
  duration(in->bucket_s, d, sizeof d);
  printf("store: %s\n", tc_store_path(s));
  printf("format: trajcorr-store version %d, %s", in->format_version, tc_store_codec(s));
  if (in->deflate_level > 0)
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
    printf("  %s  %" PRIu64 " bytes  %s  %s  sha256 %s  %" PRIu64 " records\n", src[i].name,
           src[i].size, src[i].format, t, src[i].sha256, src[i].records);
  }
}

int cmd_info(int argc, char **argv) {
  const char *path = NULL;
  int json = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--json")) {
      json = 1;
    } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: trajcorr info STORE [--json]\n"
             "Rows, vessels, time range, buckets, cleaning counts and imported sources of a store.\n");
      return 0;
    } else if (argv[i][0] == '-' || path) {
      fprintf(stderr, "trajcorr info: unexpected argument '%s'\nusage: trajcorr info STORE [--json]\n",
              argv[i]);
      return 2;
    } else {
      path = argv[i];
    }
  }
  if (!path) {
    fprintf(stderr, "usage: trajcorr info STORE [--json]\n");
    return 2;
  }
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
    return 1;
  }
  struct stat sb;
  int64_t bytes = stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
  if (json)
    print_json(s, tc_store_get_info(s), src, nsrc, bytes, &cs);
  else
    print_text(s, tc_store_get_info(s), src, nsrc, bytes, &cs);
  tc_store_close(s);
  return 0;
}
