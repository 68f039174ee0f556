/* Importing records into a track store, atomically and in bounded memory.
 *
 *   tc_import_begin(store)           lock the store, read what is there
 *   tc_import_check_source(sha)      refuse content imported before (unless force)
 *   tc_import_add_record(...) ...    rule 1 (tc_fix_check), buffer / spill
 *   tc_import_add_source(...)        remember the file in the store's source table
 *   tc_import_commit()               write a new store next to the old one, rename over it
 *   tc_import_abort()                free; without a commit the store is untouched
 *
 * Records may come from any source (io/reader.h, arrays in tests). The commit writes
 * the complete new store to "DIR/.NAME.tmp.PID" (copying untouched buckets, merging
 * the others with the new rows: of equal (mmsi, t) the first by (t, lat, lon) stays,
 * old rows first among equals), fsyncs it and renames it over DIR/NAME, where DIR/NAME
 * is the store's real path (symbolic links followed). Any failure leaves the old store
 * as it was and removes the temporary file. Imports into one store are serialised by
 * flock on "DIR/.NAME.lock", which tc_import_abort removes; a second import fails at
 * once (TC_ERR_IO) naming the first one's process. */
#ifndef TC_IMPORT_H
#define TC_IMPORT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "io/status.h"
#include "io/clean.h"
#include "io/columns.h"
#include "io/reader.h"
#include "io/store.h"
#include "io/vessel.h"

#define TC_IMPORT_DEFAULT_BUCKET 86400
#define TC_IMPORT_DEFAULT_LEVEL 1
#define TC_IMPORT_DEFAULT_MEMORY ((size_t)1 << 30)

/* Reported now and then: while reading a source (bytes of it, total 0 when unknown)
 * and while the commit writes (rows). */
typedef struct {
  int writing;          /* 0: reading `file`, 1: writing the store */
  const char *file;
  uint64_t done, total; /* reading: bytes; writing: rows */
  uint64_t records;     /* records read so far in this import */
} tc_import_progress;
typedef void (*tc_import_progress_fn)(void *ctx, const tc_import_progress *p);

typedef struct {
  int64_t bucket_s;       /* 0: the store's, or TC_IMPORT_DEFAULT_BUCKET for a new one */
  int deflate_level;      /* -1: the store's, or TC_IMPORT_DEFAULT_LEVEL for a new one */
  int codec;              /* tc_codec (io/codec.h); -1: the store's, or TC_CODEC_DEFAULT for a new
                           * one (TC_CODEC_NONE when deflate_level is 0) */
  int recode;             /* rewrite every bucket of the existing store in codec and level */
  size_t memory_bytes;    /* budget for buffering and sorting; 0: TC_IMPORT_DEFAULT_MEMORY */
  size_t max_buffer_rows; /* test knob: rows buffered before a spill (0: from the budget) */
  int force;              /* import content that the store already has */
  tc_import_progress_fn progress;
  void *progress_ctx;
  /* When non-NULL, the import checks *cancel between records and while writing: once
   * it is non-zero (set by the caller's signal handler; the library installs none),
   * the call in progress returns TC_ERR_CANCELLED, and the commit removes its temporary
   * file and leaves the store as it was. */
  const volatile sig_atomic_t *cancel;
} tc_import_opts;

typedef struct {
  tc_clean_counts clean;   /* this import's counts (rows_read, rule 1, duplicates, stored) */
  uint64_t statics;        /* static records received */
  uint64_t statics_kept;   /* vessel table rows added (changes only) */
  uint64_t buckets_written, buckets_copied;
  size_t spill_runs;       /* sorted runs written to disk (0: all in memory) */
  uint64_t spill_bytes;
  int created;             /* the store did not exist before */
  tc_store_info store;     /* the store after the commit (clean: summed over imports) */
} tc_import_result;

typedef struct tc_import tc_import;

void tc_import_opts_init(tc_import_opts *o);

tc_status tc_import_begin(const char *store_path, const tc_import_opts *o, tc_import **out,
                          tc_err *err);

/* TC_ERR_DUPLICATE when content with this SHA-256 (hex) is in the store or was
 * added to this import, unless force. name is for the message. */
tc_status tc_import_check_source(tc_import *im, const char *name, const char *sha256_hex,
                                 tc_err *err);
/* Adds a source to the table written at commit (imported_at is set here). */
tc_status tc_import_add_source(tc_import *im, const tc_store_srcfile *src, tc_err *err);

/* A position (rule 1 applied and counted here) or a static record. */
tc_status tc_import_add_fix(tc_import *im, const tc_fix *f, tc_err *err);
tc_status tc_import_add_static(tc_import *im, const tc_vessel_static *v, tc_err *err);
/* Either of the above by kind. */
tc_status tc_import_add_record(tc_import *im, const tc_record *r, tc_err *err);
/* Rows a reader skipped as unparseable, or as not vessels (counted in rows_read too). */
void tc_import_add_skipped(tc_import *im, uint64_t parse_errors, uint64_t non_vessel);

tc_status tc_import_commit(tc_import *im, tc_import_result *res, tc_err *err);
/* Frees im; before a commit, drops everything (the store stays as it was). NULL safe. */
void tc_import_abort(tc_import *im);

/* Reads one source through io/reader.h into im: hashes it first (standard input,
 * "-": while reading), refuses content already imported (TC_ERR_DUPLICATE, unless
 * force), adds its records, counts what the reader skipped, and records it in the
 * source table. counts (optional) gets the reader's counts, also on failure. */
tc_status tc_import_source(tc_import *im, const char *path, const tc_reader_opts *ro,
                           tc_reader_counts *counts, tc_err *err);

const tc_import_opts *tc_import_get_opts(const tc_import *im);
/* Records received so far (positions, before rule 1, and static records). */
uint64_t tc_import_records(const tc_import *im);
/* The store's bucket length (after begin: the existing store's, or the chosen one). */
int64_t tc_import_bucket_s(const tc_import *im);

#endif
