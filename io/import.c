#include "io/codec.h"
#include "io/import.h"
#include "io/printable.h"
#include "io/outpath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/spill.h"
#include "io/store_write.h"

/* Memory kept out of the row buffer: write and read-back buffers of one chunk of each
 * column, HDF5's compression scratch, the index, the tables. */
#define FIXED_OVERHEAD ((size_t)48 << 20)
#define READ_BLOCK ((uint64_t)TC_STORE_CHUNK_ROWS)

struct tc_import {
  char *path, *real, *dir, *tmp, *lock; /* path: as given, for messages; real: links resolved */
  int lock_fd;
  tc_import_opts o;
  int64_t bucket_s;
  int level;
  int codec;
  tc_store *old;
  tc_spill *spill;
  tc_clean_counts clean;
  uint64_t statics;
  tc_vessel_static *st; /* new static records (changes only, in input order) */
  size_t nst, cap_st;
  uint32_t *last_key, *last_idx; /* mmsi -> index in st of its latest record; 0 = empty */
  size_t map_cap;
  tc_store_srcfile *src; /* the store's sources, then this import's */
  size_t nsrc, cap_src, nsrc_old;
  int committed;
};

void tc_import_opts_init(tc_import_opts *o) {
  memset(o, 0, sizeof *o);
  o->deflate_level = -1;
  o->codec = -1;
}

int64_t tc_import_bucket_s(const tc_import *im) { return im->bucket_s; }
const tc_import_opts *tc_import_get_opts(const tc_import *im) { return &im->o; }
uint64_t tc_import_records(const tc_import *im) {
  return im->clean.rows_read - im->clean.parse_errors - im->clean.non_vessel + im->statics;
}

/* The store's real name: symbolic links followed (the new store is written beside
 * the real file and renamed onto it, so a link stays a link), a store that does not
 * exist yet resolved through its directory. A store with other hard links is refused:
 * the rename would leave them naming the old store. */
static tc_status real_store_path(const char *path, char *real, size_t cap, tc_err *err) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
    return tc_fail(err, TC_ERR_ARG, "%s: a store must be a file name, not a directory", path);
  struct stat sb, lb;
  char buf[PATH_MAX];
  if (stat(path, &sb) == 0) {
    if (S_ISDIR(sb.st_mode))
      return tc_fail(err, TC_ERR_ARG, "%s: is a directory; a store is a file", path);
    if (!S_ISREG(sb.st_mode)) /* the store is renamed into place: never over a device */
      return tc_fail(err, TC_ERR_ARG, "%s: a store must be a regular file", path);
    if (sb.st_nlink > 1)
      return tc_fail(err, TC_ERR_ARG, "%s: the store has %ju hard links; an import replaces the file, "
                     "which would leave the other names with the old store (remove the other links, "
                     "or use symbolic links)", path, (uintmax_t)sb.st_nlink);
    if (!realpath(path, buf))
      return tc_fail(err, TC_ERR_IO, "%s: cannot resolve its real path: %s", path, strerror(errno));
  } else if (errno != ENOENT) {
    return tc_fail(err, TC_ERR_IO, "%s: %s", path, strerror(errno));
  } else if (lstat(path, &lb) == 0) {
    return tc_fail(err, TC_ERR_ARG, "%s: a symbolic link to a missing file; give the store's real path",
                   path);
  } else {
    char dir[PATH_MAX], rdir[PATH_MAX];
    size_t dl = slash ? (size_t)(slash - path) : 0;
    if (dl + 2 > sizeof dir)
      return tc_fail(err, TC_ERR_ARG, "%s: path too long", path);
    memcpy(dir, slash ? path : ".", slash ? (dl ? dl : 1) : 1); /* "/x": the parent is "/" */
    dir[slash ? (dl ? dl : 1) : 1] = '\0';
    if (!realpath(dir, rdir))
      return tc_fail(err, TC_ERR_IO, "%s: directory %s: %s", path, dir, strerror(errno));
    if (snprintf(buf, sizeof buf, "%s/%s", strcmp(rdir, "/") ? rdir : "", base) >= (int)sizeof buf)
      return tc_fail(err, TC_ERR_ARG, "%s: path too long", path);
  }
  if (strlen(buf) + 1 > cap)
    return tc_fail(err, TC_ERR_ARG, "%s: path too long", path);
  strcpy(real, buf);
  return TC_OK;
}

static tc_status split_path(tc_import *im, const char *path, tc_err *err) {
  char real[PATH_MAX];
  TC_TRY(real_store_path(path, real, sizeof real, err));
  const char *slash = strrchr(real, '/'); /* real is absolute */
  const char *base = slash + 1;
  size_t dl = (size_t)(slash - real);
  size_t need = strlen(real) + 64;
  im->path = strdup(path);
  im->real = strdup(real);
  im->dir = malloc(dl + 2);
  im->tmp = malloc(need);
  im->lock = malloc(need);
  if (!im->path || !im->real || !im->dir || !im->tmp || !im->lock)
    return tc_fail(err, TC_ERR_NOMEM, "%s: no memory", path);
  memcpy(im->dir, real, dl ? dl : 1); /* "/x" -> "/" */
  im->dir[dl ? dl : 1] = '\0';
  snprintf(im->tmp, need, "%s/.%s.tmp.%ld", dl ? im->dir : "", base, (long)getpid());
  snprintf(im->lock, need, "%s/.%s.lock", dl ? im->dir : "", base);
  return TC_OK;
}

/* flock on DIR/.NAME.lock of the real store path, held until tc_import_abort, which
 * removes the file while still holding it. The file may be removed between opening
 * and locking it: then it is opened again, so two imports never hold locks on two
 * different files. A second import fails at once, naming the first one's process. */
static tc_status take_lock(tc_import *im, tc_err *err) {
  for (int attempt = 0; attempt < 100; attempt++) {
    int fd = open(im->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      return tc_fail(err, TC_ERR_IO, "%s: cannot create the lock file %s: %s", im->path, im->lock,
                     strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int e = errno;
      char pid[32] = "";
      ssize_t n = e == EWOULDBLOCK ? pread(fd, pid, sizeof pid - 1, 0) : -1;
      close(fd);
      if (e != EWOULDBLOCK)
        return tc_fail(err, TC_ERR_IO, "%s: cannot lock %s: %s", im->path, im->lock, strerror(e));
      pid[n > 0 ? n : 0] = '\0';
      pid[strcspn(pid, "\n")] = '\0';
      return tc_fail(err, TC_ERR_IO, "%s: another import into this store is running (process %s, "
                     "lock %s); try again when it has finished", im->path, pid[0] ? pid : "unknown",
                     im->lock);
    }
    struct stat a, b;
    if (fstat(fd, &a) == 0 && stat(im->lock, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
      char pid[32];
      int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
      /* for the message of a second import only: a full disk may refuse it */
      if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len)
        (void)ftruncate(fd, 0);
      im->lock_fd = fd;
      return TC_OK;
    }
    close(fd); /* removed by the import that held it: lock the new one */
  }
  return tc_fail(err, TC_ERR_IO, "%s: cannot take the lock %s (it keeps being replaced)", im->path,
                 im->lock);
}

/* With the lock held no other import of this store runs: any temporary file of it
 * is left over from a killed import. */
static void remove_stale_temps(const tc_import *im) {
  const char *base = strrchr(im->real, '/') + 1;
  char prefix[512];
  snprintf(prefix, sizeof prefix, ".%s.tmp.", base);
  DIR *d = opendir(im->dir);
  if (!d)
    return;
  struct dirent *e;
  while ((e = readdir(d)))
    if (!strncmp(e->d_name, prefix, strlen(prefix))) {
      char p[4096];
      snprintf(p, sizeof p, "%s/%s", im->dir, e->d_name);
      unlink(p);
    }
  closedir(d);
}

/* The codec and level of a store being created or recoded: --deflate 0 alone means no
 * compression; a codec that compresses needs a level. */
static tc_status choose_codec(tc_import *im, const tc_import_opts *o, int level, tc_err *err) {
  if (level <= 0)
    level = TC_IMPORT_DEFAULT_LEVEL;
  im->codec = o->codec >= 0 ? o->codec : o->deflate_level == 0 ? TC_CODEC_NONE : TC_CODEC_DEFAULT;
  im->level = im->codec == TC_CODEC_NONE ? 0 : o->deflate_level >= 0 ? o->deflate_level : level;
  if (im->codec == TC_CODEC_NONE && o->deflate_level > 0)
    return tc_fail(err, TC_ERR_ARG, "%s: --codec none stores without compression; --deflate %d needs "
                   "--codec deflate, delta or pack", im->path, o->deflate_level);
  if (im->codec != TC_CODEC_NONE && im->level == 0)
    return tc_fail(err, TC_ERR_ARG, "%s: --codec %s compresses; --deflate 0 needs --codec none", im->path,
                   tc_codec_name(im->codec));
  return TC_OK;
}

tc_status tc_import_begin(const char *store_path, const tc_import_opts *o, tc_import **out,
                          tc_err *err) {
  *out = NULL;
  tc_status st = TC_OK;
  tc_import *im = calloc(1, sizeof *im);
  if (!im)
    return tc_fail(err, TC_ERR_NOMEM, "%s: no memory", store_path);
  im->lock_fd = -1;
  im->o = *o;
  if ((st = split_path(im, store_path, err)) != TC_OK)
    goto cleanup;
  if (o->bucket_s < 0 || o->deflate_level < -1 || o->deflate_level > 9) {
    st = tc_fail(err, TC_ERR_ARG, "%s: bad import options (bucket %" PRId64 " s, deflate %d)",
                 store_path, o->bucket_s, o->deflate_level);
    goto cleanup;
  }
  if ((st = take_lock(im, err)) != TC_OK)
    goto cleanup;
  remove_stale_temps(im);
  struct stat sb;
  if (stat(im->real, &sb) == 0) {
    if ((st = tc_store_open(im->real, &im->old, err)) != TC_OK)
      goto cleanup;
    const tc_store_info *in = tc_store_get_info(im->old);
    if (o->bucket_s && o->bucket_s != in->bucket_s) {
      st = tc_fail(err, TC_ERR_ARG, "%s: the store has %" PRId64 " s buckets; --bucket %" PRId64
                   " can only be chosen when a store is created", store_path, in->bucket_s, o->bucket_s);
      goto cleanup;
    }
    if (o->codec >= 0 && o->codec != in->codec && !o->recode) {
      st = tc_fail(err, TC_ERR_ARG, "%s: the store's codec is %s; --codec %s can only be chosen when a store "
                   "is created, or with --recode", store_path, tc_codec_name(in->codec), tc_codec_name(o->codec));
      goto cleanup;
    }
    if (o->deflate_level >= 0 && o->deflate_level != in->deflate_level && !o->recode) {
      st = tc_fail(err, TC_ERR_ARG, "%s: the store is compressed at deflate level %d; --deflate %d "
                   "can only be chosen when a store is created", store_path, in->deflate_level,
                   o->deflate_level);
      goto cleanup;
    }
    im->bucket_s = in->bucket_s;
    im->level = in->deflate_level;
    im->codec = in->codec;
    if (o->recode && (st = choose_codec(im, o, in->deflate_level, err)) != TC_OK)
      goto cleanup;
    const tc_store_srcfile *s;
    size_t n;
    if ((st = tc_store_sources(im->old, &s, &n, err)) != TC_OK)
      goto cleanup;
    if (n && !(im->src = malloc(n * sizeof *s))) {
      st = tc_fail(err, TC_ERR_NOMEM, "%s: no memory", store_path);
      goto cleanup;
    }
    if (n) /* an empty store has no source table: s may be NULL, which memcpy forbids */
      memcpy(im->src, s, n * sizeof *s);
    im->nsrc = im->cap_src = im->nsrc_old = n;
  } else if (errno != ENOENT) {
    st = tc_fail(err, TC_ERR_IO, "%s: %s", store_path, strerror(errno));
    goto cleanup;
  } else if (o->recode) {
    st = tc_fail(err, TC_ERR_ARG, "%s: --recode rewrites an existing store, and there is none", store_path);
    goto cleanup;
  } else {
    im->bucket_s = o->bucket_s ? o->bucket_s : TC_IMPORT_DEFAULT_BUCKET;
    if ((st = choose_codec(im, o, TC_IMPORT_DEFAULT_LEVEL, err)) != TC_OK)
      goto cleanup;
  }
  size_t mem = o->memory_bytes ? o->memory_bytes : TC_IMPORT_DEFAULT_MEMORY;
  size_t avail = mem > 2 * FIXED_OVERHEAD ? mem - FIXED_OVERHEAD : mem / 2;
  tc_spill_opts so = {.bucket_s = im->bucket_s,
                      .max_rows = avail / TC_SPILL_BYTES_PER_ROW,
                      .merge_bytes = avail / 2,
                      .dir = im->dir};
  if (o->max_buffer_rows && o->max_buffer_rows < so.max_rows)
    so.max_rows = o->max_buffer_rows;
  if (so.max_rows < 1024)
    so.max_rows = 1024;
  if ((st = tc_spill_create(&so, &im->spill, err)) != TC_OK)
    goto cleanup;
cleanup:
  if (st != TC_OK) {
    tc_import_abort(im);
    return st;
  }
  *out = im;
  return TC_OK;
}

tc_status tc_import_check_source(tc_import *im, const char *name, const char *sha256_hex,
                                 tc_err *err) {
  if (im->o.force || !sha256_hex || !*sha256_hex)
    return TC_OK;
  for (size_t i = 0; i < im->nsrc; i++)
    if (!strcmp(im->src[i].sha256, sha256_hex)) {
      char shown[TC_PRINTABLE_CAP(sizeof im->src[i].name)]; /* a name read from the store */
      const char *n = im->src[i].name;
      return tc_fail(err, TC_ERR_DUPLICATE,
                     "%s: already imported %s %s (same content as '%s', SHA-256 %.16s...); "
                     "use --force to import it again", name, i < im->nsrc_old ? "into" : "by this run into",
                     im->path, tc_printable(shown, sizeof shown, n, strnlen(n, sizeof im->src[i].name), 0),
                     sha256_hex);
    }
  return TC_OK;
}

tc_status tc_import_add_source(tc_import *im, const tc_store_srcfile *src, tc_err *err) {
  if (im->nsrc == im->cap_src) {
    size_t nc = im->cap_src ? 2 * im->cap_src : 16;
    tc_store_srcfile *p = realloc(im->src, nc * sizeof *p);
    if (!p)
      return tc_fail(err, TC_ERR_NOMEM, "%s: no memory", im->path);
    im->src = p;
    im->cap_src = nc;
  }
  tc_store_srcfile *s = &im->src[im->nsrc++];
  *s = *src;
  s->name[sizeof s->name - 1] = s->sha256[sizeof s->sha256 - 1] = s->format[sizeof s->format - 1] = 0;
  s->imported_at = (int64_t)time(NULL);
  return TC_OK;
}

static int cancelled(const tc_import *im) { return im->o.cancel && *im->o.cancel; }

static tc_status cancel_fail(const tc_import *im, tc_err *err) {
  return tc_fail(err, TC_ERR_CANCELLED, "%s: import interrupted; the store was not changed", im->path);
}

tc_status tc_import_add_fix(tc_import *im, const tc_fix *f, tc_err *err) {
  if (cancelled(im))
    return cancel_fail(im, err);
  im->clean.rows_read++;
  switch (tc_fix_check(f)) {
  case TC_FIX_BAD_POSITION:
    im->clean.bad_position++;
    return TC_OK;
  case TC_FIX_BAD_MMSI:
    im->clean.bad_mmsi++;
    return TC_OK;
  default:
    break;
  }
  tc_status st = tc_spill_add(im->spill, f, err);
  return st == TC_OK ? st : tc_err_prefix(err, "%s: ", im->path);
}

tc_status tc_import_add_record(tc_import *im, const tc_record *r, tc_err *err) {
  if (r->kind == TC_REC_STATIC)
    return tc_import_add_static(im, &r->st, err);
  if (r->kind == TC_REC_POSITION)
    return tc_import_add_fix(im, &r->fix, err);
  return tc_fail(err, TC_ERR_INTERNAL, "%s: record of unknown kind %d", im->path, (int)r->kind);
}

void tc_import_add_skipped(tc_import *im, uint64_t parse_errors, uint64_t non_vessel) {
  im->clean.parse_errors += parse_errors;
  im->clean.non_vessel += non_vessel;
  im->clean.rows_read += parse_errors + non_vessel;
}

static int same_float(float a, float b) { return a == b || (isnan(a) && isnan(b)); }

/* Same vessel data apart from the time it was seen. */
static int same_static(const tc_vessel_static *a, const tc_vessel_static *b) {
  return a->mmsi == b->mmsi && a->imo == b->imo && a->ship_type == b->ship_type &&
         same_float(a->length_m, b->length_m) && same_float(a->width_m, b->width_m) &&
         same_float(a->draught_m, b->draught_m) && !strncmp(a->name, b->name, sizeof a->name) &&
         !strncmp(a->callsign, b->callsign, sizeof a->callsign) &&
         !strncmp(a->destination, b->destination, sizeof a->destination);
}

static size_t map_find(const tc_import *im, uint32_t mmsi) {
  size_t j = (mmsi * 2654435761u) & (im->map_cap - 1);
  while (im->last_key[j] && im->last_key[j] != mmsi)
    j = (j + 1) & (im->map_cap - 1);
  return j;
}

static int map_grow(tc_import *im) {
  size_t nc = im->map_cap ? 2 * im->map_cap : 1024, oc = im->map_cap;
  uint32_t *k = calloc(nc, sizeof *k), *v = calloc(nc, sizeof *v), *ok = im->last_key, *ov = im->last_idx;
  if (!k || !v) {
    free(k), free(v);
    return -1;
  }
  im->last_key = k, im->last_idx = v, im->map_cap = nc;
  for (size_t i = 0; i < oc; i++)
    if (ok[i]) {
      size_t j = map_find(im, ok[i]);
      k[j] = ok[i], v[j] = ov[i];
    }
  free(ok), free(ov);
  return 0;
}

tc_status tc_import_add_static(tc_import *im, const tc_vessel_static *v, tc_err *err) {
  if (cancelled(im))
    return cancel_fail(im, err);
  im->statics++;
  if (v->mmsi < 1 || v->mmsi > 999999999u)
    return TC_OK; /* rule 1's MMSI range: nothing to attach it to */
  if (2 * (im->nst + 1) > im->map_cap && map_grow(im) < 0)
    return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for vessel data", im->path);
  size_t j = map_find(im, v->mmsi);
  if (im->last_key[j] && same_static(&im->st[im->last_idx[j]], v))
    return TC_OK; /* unchanged: the usual case, every few minutes per vessel */
  if (im->nst == im->cap_st) {
    size_t nc = im->cap_st ? 2 * im->cap_st : 1024;
    tc_vessel_static *p = realloc(im->st, nc * sizeof *p);
    if (!p)
      return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for vessel data", im->path);
    im->st = p, im->cap_st = nc;
  }
  tc_vessel_static *d = &im->st[im->nst];
  memset(d, 0, sizeof *d); /* no stray bytes after the strings' terminators */
  d->mmsi = v->mmsi, d->t = v->t, d->imo = v->imo, d->ship_type = v->ship_type;
  d->length_m = v->length_m, d->width_m = v->width_m, d->draught_m = v->draught_m;
  snprintf(d->name, sizeof d->name, "%.*s", (int)sizeof d->name - 1, v->name);
  snprintf(d->callsign, sizeof d->callsign, "%.*s", (int)sizeof d->callsign - 1, v->callsign);
  snprintf(d->destination, sizeof d->destination, "%.*s", (int)sizeof d->destination - 1, v->destination);
  im->last_key[j] = v->mmsi;
  im->last_idx[j] = (uint32_t)im->nst++;
  return TC_OK;
}

static int cmp_static(const void *pa, const void *pb) {
  const tc_vessel_static *a = pa, *b = pb;
  if (a->mmsi != b->mmsi)
    return a->mmsi < b->mmsi ? -1 : 1;
  if (a->t != b->t)
    return a->t < b->t ? -1 : 1;
  return memcmp(a, b, sizeof *a); /* deterministic among equal times (all bytes defined) */
}

/* The store's table and the new records, in (mmsi, t) order, each record kept only
 * where it differs from that vessel's previous one. */
static tc_status merge_vessels(tc_import *im, tc_vessel_static **out, size_t *nout, uint64_t *added,
                               tc_err *err) {
  const tc_vessel_static *ov = NULL;
  size_t on = 0;
  if (im->old)
    TC_TRY(tc_store_vessels(im->old, &ov, &on, err));
  size_t n = on + im->nst;
  tc_vessel_static *v = calloc(n ? n : 1, sizeof *v);
  if (!v)
    return tc_fail(err, TC_ERR_NOMEM, "%s: no memory for vessel data", im->path);
  for (size_t i = 0; i < on; i++) { /* re-pad: the table's rows have defined bytes */
    tc_vessel_static *d = &v[i];
    *d = ov[i];
    size_t l;
    l = strnlen(d->name, sizeof d->name), memset(d->name + l, 0, sizeof d->name - l);
    l = strnlen(d->callsign, sizeof d->callsign), memset(d->callsign + l, 0, sizeof d->callsign - l);
    l = strnlen(d->destination, sizeof d->destination);
    memset(d->destination + l, 0, sizeof d->destination - l);
  }
  if (im->nst) /* im->st is NULL until the first static record */
    memcpy(v + on, im->st, im->nst * sizeof *v);
  qsort(v, n, sizeof *v, cmp_static);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (k == 0 || !same_static(&v[k - 1], &v[i]))
      v[k++] = v[i];
  *out = v;
  *nout = k;
  *added = k - on;
  return TC_OK;
}

/* (mmsi, t, lat, lon) order between an old row and a new one; old first among equals. */
static int old_first(const tc_fix *o, const tc_fix *n) {
  if (o->mmsi != n->mmsi)
    return o->mmsi < n->mmsi;
  if (o->t != n->t)
    return o->t < n->t;
  if (o->lat != n->lat)
    return o->lat < n->lat;
  return o->lon <= n->lon;
}

typedef struct {
  tc_import *im;
  tc_store_writer *w;
  tc_columns oldbuf;
  tc_fix next;   /* next new row, valid when have_next */
  int have_next;
  uint64_t done, total;
} merger;

static tc_status next_new(merger *m, tc_err *err) {
  const tc_fix *f;
  tc_status st = tc_spill_next(m->im->spill, &f, err);
  if (st != TC_OK)
    return tc_err_prefix(err, "%s: ", m->im->path);
  m->have_next = f != NULL;
  if (f)
    m->next = *f;
  return TC_OK;
}

/* Writes bucket t0: the old bucket k (if has_old) merged with the new rows of t0. */
static tc_status merge_bucket(merger *m, int64_t t0, int has_old, size_t k, uint64_t new_rows,
                              tc_err *err) {
  tc_import *im = m->im;
  uint64_t old_rows = 0, opos = 0, written = 0;
  size_t bi = 0;
  tc_store_bucket_meta meta;
  if (has_old && tc_store_bucket_get_meta(im->old, k, &meta) == TC_OK)
    old_rows = meta.rows;
  TC_TRY(tc_store_writer_begin_bucket(m->w, t0, old_rows + new_rows, err));
  m->oldbuf.n = 0;
  int have_last = 0;
  tc_fix last = {0}, o;
  for (;;) {
    if (bi == m->oldbuf.n && opos < old_rows) {
      uint64_t take = old_rows - opos < READ_BLOCK ? old_rows - opos : READ_BLOCK;
      TC_TRY(tc_store_read_rows(im->old, k, opos, take, &m->oldbuf, err));
      opos += take;
      bi = 0;
    }
    int have_old = bi < m->oldbuf.n;
    int have_new = m->have_next && tc_bucket_start(m->next.t, im->bucket_s) == t0;
    const tc_fix *row;
    if (have_old)
      tc_columns_get(&m->oldbuf, bi, &o);
    if (have_old && (!have_new || old_first(&o, &m->next))) {
      row = &o;
      bi++;
    } else if (have_new) {
      row = &m->next;
    } else {
      break;
    }
    if (!have_last || row->mmsi != last.mmsi || row->t != last.t) {
      TC_TRY(tc_store_writer_add(m->w, row, err));
      last = *row;
      have_last = 1;
      written++;
    }
    if (row == &m->next)
      TC_TRY(next_new(m, err));
    if (++m->done % 65536 == 0 && cancelled(im))
      return cancel_fail(im, err);
    if (m->done % 65536 == 0 && im->o.progress) {
      tc_import_progress p = {.writing = 1, .file = im->path, .done = m->done, .total = m->total};
      im->o.progress(im->o.progress_ctx, &p);
    }
  }
  TC_TRY(tc_store_writer_end_bucket(m->w, err));
  im->clean.duplicate += old_rows + new_rows - written;
  im->clean.rows_stored += written - old_rows;
  return TC_OK;
}

static tc_status write_store(tc_import *im, tc_store_writer *w, tc_import_result *res, tc_err *err) {
  tc_status st = TC_OK;
  const int64_t *nt0;
  const uint64_t *nrows;
  size_t nb = tc_spill_buckets(im->spill, &nt0, &nrows);
  size_t ob = im->old ? tc_store_get_info(im->old)->nbuckets : 0, i = 0, j = 0;
  merger m = {.im = im, .w = w, .total = tc_spill_rows(im->spill)};
  tc_columns_init(&m.oldbuf);
  if ((st = next_new(&m, err)) != TC_OK)
    goto cleanup;
  for (size_t b = 0; b < ob; b++) {
    tc_store_bucket_meta meta;
    tc_store_bucket_get_meta(im->old, b, &meta);
    m.total += meta.rows;
  }
  while (i < ob || j < nb) {
    if (cancelled(im)) {
      st = cancel_fail(im, err);
      goto cleanup;
    }
    tc_store_bucket_meta meta = {0};
    if (i < ob)
      tc_store_bucket_get_meta(im->old, i, &meta);
    if (i < ob && (j == nb || meta.t0 < nt0[j]) && im->o.recode) { /* decoded and coded anew */
      st = merge_bucket(&m, meta.t0, 1, i++, 0, err);
      res->buckets_written++;
    } else if (i < ob && (j == nb || meta.t0 < nt0[j])) {
      st = tc_store_writer_copy_bucket(w, im->old, i++, err);
      res->buckets_copied++;
      m.done += meta.rows;
    } else if (i < ob && meta.t0 == nt0[j]) {
      st = merge_bucket(&m, nt0[j], 1, i++, nrows[j], err);
      j++;
      res->buckets_written++;
    } else {
      st = merge_bucket(&m, nt0[j], 0, 0, nrows[j], err);
      j++;
      res->buckets_written++;
    }
    if (st != TC_OK)
      goto cleanup;
  }
  if (m.have_next)
    st = tc_fail(err, TC_ERR_INTERNAL, "%s: rows left after the last bucket", im->path);
cleanup:
  tc_columns_free(&m.oldbuf);
  return st;
}

tc_status tc_import_commit(tc_import *im, tc_import_result *res, tc_err *err) {
  tc_status st = TC_OK;
  tc_store_writer *w = NULL;
  tc_vessel_static *ves = NULL;
  size_t nves = 0;
  int dirfd = -1;
  memset(res, 0, sizeof *res);
  if (im->committed)
    return tc_fail(err, TC_ERR_INTERNAL, "%s: import committed twice", im->path);
  if (cancelled(im))
    return cancel_fail(im, err);
  if ((st = tc_spill_finish(im->spill, err)) != TC_OK) {
    tc_err_prefix(err, "%s: ", im->path);
    goto cleanup;
  }
  if ((st = merge_vessels(im, &ves, &nves, &res->statics_kept, err)) != TC_OK)
    goto cleanup;
  tc_store_writer_opts wo = {.bucket_s = im->bucket_s, .deflate_level = im->level,
                             .delta = im->codec == TC_CODEC_DELTA,
                             .pack = im->codec == TC_CODEC_PACK};
  if ((st = tc_store_writer_create(im->tmp, im->path, &wo, &w, err)) != TC_OK)
    goto cleanup;
  if ((st = write_store(im, w, res, err)) != TC_OK)
    goto cleanup;
  tc_clean_counts total = im->clean;
  if (im->old) {
    const tc_clean_counts *oc = &tc_store_get_info(im->old)->clean;
    size_t n = sizeof total / sizeof(uint64_t);
    for (size_t k = 0; k < n; k++)
      ((uint64_t *)&total)[k] += ((const uint64_t *)oc)[k];
  }
  if ((st = tc_store_writer_finish(w, &total, ves, nves, im->src, im->nsrc, &res->store, err)) != TC_OK)
    goto cleanup;
  if (cancelled(im)) { /* the last moment the store can still be left as it was */
    st = cancel_fail(im, err);
    goto cleanup;
  }
  if (rename(im->tmp, im->real) != 0) {
    st = tc_fail(err, TC_ERR_IO, "%s: cannot rename %s onto %s: %s", im->path, im->tmp, im->real,
                 strerror(errno));
    goto cleanup;
  }
  im->committed = 1;
  /* Make the rename itself durable. */
  dirfd = open(im->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0 || fsync(dirfd) != 0)
    st = tc_fail(err, TC_ERR_IO, "%s: stored, but syncing directory %s failed: %s", im->path,
                 im->dir, strerror(errno));
  res->clean = im->clean;
  res->statics = im->statics;
  res->spill_runs = tc_spill_runs(im->spill);
  res->spill_bytes = tc_spill_bytes(im->spill);
  res->created = im->old == NULL;
cleanup:
  if (dirfd >= 0)
    close(dirfd);
  tc_store_writer_free(w);
  if (!im->committed)
    unlink(im->tmp);
  free(ves);
  return st;
}

void tc_import_abort(tc_import *im) {
  if (!im)
    return;
  tc_spill_free(im->spill);
  tc_store_close(im->old);
  if (im->lock_fd >= 0) {
    unlink(im->lock); /* while still holding it: see take_lock */
    close(im->lock_fd); /* releases the flock */
  }
  free(im->st);
  free(im->last_key);
  free(im->last_idx);
  free(im->src);
  free(im->path);
  free(im->real);
  free(im->dir);
  free(im->tmp);
  free(im->lock);
  free(im);
}
