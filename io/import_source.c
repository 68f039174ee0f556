/* One source file through io/reader.h into an import: hash, duplicate check, records,
 * counts, source table entry. A regular file is hashed on a thread of its own while its
 * records are read (the hash is a whole extra pass over the file); the duplicate check
 * runs as soon as the hash is known, and nothing read is kept when it fails: any error
 * leaves the store as it was. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "io/import.h"
#include "io/sha256.h"

typedef struct {
  pthread_t th;
  const char *path;
  tc_store_srcfile *src;
  tc_status st;
  tc_err err;
  atomic_int done;
} hasher;

static void *hash_file(void *arg) {
  hasher *h = arg;
  h->st = tc_sha256_file(h->path, h->src->sha256, &h->src->size, &h->err);
  atomic_store(&h->done, 1);
  return NULL;
}

static int regular_file(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Once the hash is known: its status, then the duplicate check. */
static tc_status hash_checked(tc_import *im, hasher *h, tc_err *err) {
  if (h->st != TC_OK)
    return tc_fail(err, h->st, "%s", h->err.msg);
  return tc_import_check_source(im, h->path, h->src->sha256, err);
}

tc_status tc_import_source(tc_import *im, const char *path, const tc_reader_opts *ro,
                           tc_reader_counts *counts, tc_err *err) {
  tc_status st = TC_OK;
  tc_stdin_tee *tee = NULL;
  tc_reader *r = NULL;
  tc_store_srcfile src;
  memset(&src, 0, sizeof src);
  hasher h = {.path = path, .src = &src, .st = TC_OK};
  int is_stdin = !strcmp(path, "-"), hashing = 0, hash_done = 0;
  if (counts)
    memset(counts, 0, sizeof *counts);
  const tc_import_opts *o = tc_import_get_opts(im);
  if (is_stdin) {
    st = tc_stdin_tee_start(&tee, err);
  } else if (regular_file(path) && pthread_create(&h.th, NULL, hash_file, &h) == 0) {
    hashing = 1;
  } else { /* a pipe cannot be read twice at once; or no thread: hash first */
    hash_file(&h);
    hash_done = 1;
    st = hash_checked(im, &h, err);
  }
  if (st == TC_OK && o->cancel && *o->cancel) /* hashing a large file takes a while */
    st = tc_fail(err, TC_ERR_CANCELLED, "%s: import interrupted", path);
  if (st != TC_OK)
    goto cleanup;
  st = tc_reader_open(path, ro, &r, err);
  int64_t size = r ? tc_reader_size(r) : -1;
  uint64_t n = 0, positions = 0;
  while (st == TC_OK) {
    tc_record rec;
    int eof = 0;
    if ((st = tc_reader_next(r, &rec, &eof, err)) != TC_OK || eof)
      break;
    if ((st = tc_import_add_record(im, &rec, err)) != TC_OK)
      break;
    positions += rec.kind == TC_REC_POSITION;
    if (++n % 65536 == 0 && hashing && !hash_done && atomic_load(&h.done)) {
      pthread_join(h.th, NULL);
      hashing = 0, hash_done = 1;
      if ((st = hash_checked(im, &h, err)) != TC_OK)
        break;
    }
    if (n % 65536 == 0 && o->progress) {
      tc_import_progress p = {.file = path,
                              .done = tc_reader_bytes_read(r),
                              .total = size > 0 ? (uint64_t)size : 0,
                              .records = tc_import_records(im)};
      o->progress(o->progress_ctx, &p);
    }
  }
  if (hashing) { /* its failure or a duplicate is reported before a read error, as when hashed first */
    pthread_join(h.th, NULL);
    hashing = 0, hash_done = 1;
    tc_err he = {TC_OK, ""};
    tc_status hs = hash_checked(im, &h, &he);
    if (hs != TC_OK) {
      st = hs;
      if (err)
        *err = he;
    }
  }
  if (r && counts)
    *counts = *tc_reader_get_counts(r);
  if (st != TC_OK)
    goto cleanup;
  const tc_reader_counts *c = tc_reader_get_counts(r);
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
  if (hashing)
    pthread_join(h.th, NULL);
  tc_reader_close(r);
  if (tee)
    tc_stdin_tee_finish(tee, 1, src.sha256, &src.size, NULL);
  return st;
}
