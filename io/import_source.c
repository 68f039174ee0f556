/* One source file through io/reader.h into an import: hash, duplicate check, records,
 * counts, source table entry. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "io/import.h"
#include "io/sha256.h"

tc_status tc_import_source(tc_import *im, const char *path, const tc_reader_opts *ro,
                           tc_reader_counts *counts, tc_err *err) {
  tc_status st = TC_OK;
  tc_stdin_tee *tee = NULL;
  tc_reader *r = NULL;
  tc_store_srcfile src;
  memset(&src, 0, sizeof src);
  int is_stdin = !strcmp(path, "-");
  if (counts)
    memset(counts, 0, sizeof *counts);
  const tc_import_opts *o = tc_import_get_opts(im);
  if (is_stdin) {
    st = tc_stdin_tee_start(&tee, err);
  } else {
    st = tc_sha256_file(path, src.sha256, &src.size, err);
    if (st == TC_OK)
      st = tc_import_check_source(im, path, src.sha256, err);
  }
  if (st == TC_OK && o->cancel && *o->cancel) /* hashing a large file takes a while */
    st = tc_fail(err, TC_ERR_CANCELLED, "%s: import interrupted", path);
  if (st != TC_OK)
    goto cleanup;
  if ((st = tc_reader_open(path, ro, &r, err)) != TC_OK)
    goto cleanup;
  int64_t size = tc_reader_size(r);
  uint64_t n = 0, positions = 0;
  for (;;) {
    tc_record rec;
    int eof = 0;
    if ((st = tc_reader_next(r, &rec, &eof, err)) != TC_OK || eof)
      break;
    if ((st = tc_import_add_record(im, &rec, err)) != TC_OK)
      break;
    positions += rec.kind == TC_REC_POSITION;
    if (++n % 65536 == 0 && o->progress) {
      tc_import_progress p = {.file = path,
                              .done = tc_reader_bytes_read(r),
                              .total = size > 0 ? (uint64_t)size : 0,
                              .records = tc_import_records(im)};
      o->progress(o->progress_ctx, &p);
    }
  }
  const tc_reader_counts *c = tc_reader_get_counts(r);
  if (counts)
    *counts = *c;
  if (st != TC_OK)
    goto cleanup;
  tc_import_add_skipped(im, c->skipped, c->non_vessel);
  snprintf(src.format, sizeof src.format, "%s", tc_reader_format_name(r));
  src.records = positions;
  tc_reader_close(r);
  r = NULL;
  if (tee) {
    st = tc_stdin_tee_finish(tee, 0, src.sha256, &src.size, err);
    tee = NULL;
    if (st == TC_OK)
      st = tc_import_check_source(im, "standard input", src.sha256, err);
    if (st != TC_OK)
      goto cleanup;
  }
  snprintf(src.name, sizeof src.name, "%s", path);
  st = tc_import_add_source(im, &src, err);
cleanup:
  tc_reader_close(r);
  if (tee)
    tc_stdin_tee_finish(tee, 1, src.sha256, &src.size, NULL);
  return st;
}
