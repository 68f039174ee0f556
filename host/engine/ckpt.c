/* Checkpoints and saved states for a run (ckpt.h): what a file holds, when it is
 * written, and the checks before one is used.
 *
 * A file holds one state (a checkpoint) or two (a saved state: after the last bucket
 * and before it). A state (host byte order): the parameters as text (one `name=value` line each, so a
 * refusal can name the one that differs), the stores as text (one line each: path,
 * size, modification time, buckets, fixes), the place (buckets read whole, the
 * source's t_end then, the grid times done), the table entries of every bucket read
 * (t0, t_min, t_max, rows, vessels: what --since compares with the stores as they are
 * now), the counters, the grid (tc_grid_cpu_save), the runs (tc_runs_save per shard)
 * and the encounters so far. */
#include "host/engine/ckpt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/clock.h"
#include "io/sha256.h"
#include "io/timefmt.h"

#define RING 4 /* slice places kept: the engine is one slice behind the reader */
#define VERSION 1u

typedef struct {
  int64_t t0, t_min, t_max;
  uint64_t rows, vessels;
} bucket_id;

typedef struct {
  uint64_t buckets;
  int64_t t_done;
  int edge;
} place;

struct tc_ckpt {
  tc_ckpt_opts o;
  tc_multi_source *msrc;
  tc_bucket_source inner;
  tc_engine_hooks hooks;
  char *params, *stores; /* identity texts of this run */
  bucket_id *ids;        /* every bucket of the stores, in read order */
  uint64_t nbuckets;
  place ring[RING];      /* by slice number */
  uint64_t slices;       /* read so far (the reader thread's count) */
  tc_ckbuf loaded;       /* the file of the checkpoint or state to go on from (n = 0: none) */
  const unsigned char *use; /* the state in it that is used */
  size_t use_n;
  const unsigned char *older; /* a saved state's second one (NULL: none) */
  size_t older_n;
  uint64_t skipped;
  int64_t skipped_t_done, skipped_s_done;
  int from_since;
  tc_ckbuf snap[2];      /* --save-state: after the last bucket, and before it */
  int have_snap[2];
  tc_ckbuf work;
  double last_write;
  int stopped_at_edge;
};

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    s = NULL;
  va_end(ap);
  return s;
}

/* Every parameter that changes the list, by option name, in the option's base unit
 * (threads, backend and device do not change it). */
static char *params_text(const tc_params *p) {
  char mm[128] = "all";
  if (p->mmsi_filter) {
    uint8_t h[32];
    char hex[TC_SHA256_HEX];
    tc_sha256 c;
    tc_sha256_init(&c);
    tc_sha256_update(&c, p->mmsi_filter, p->n_mmsi_filter * sizeof *p->mmsi_filter);
    tc_sha256_final(&c, h);
    tc_sha256_hex(h, hex);
    snprintf(mm, sizeof mm, "%zu listed (SHA-256 %.16s...)", p->n_mmsi_filter, hex);
  }
  return xasprintf("slot=%lld s\nmax-gap=%lld s\nmax-implied-speed=%.17g kn\ndist=%.17g m\nmerge-gap=%lld s\n"
                   "min-duration=%lld s\nmax-speed=%.17g kn\nfrom=%lld\nto=%lld\nmmsi=%s\nprecision=%s\n",
                   (long long)p->slot, (long long)p->max_gap, p->max_implied_speed_kn, p->dist_m,
                   (long long)p->merge_gap, (long long)p->min_duration, p->max_speed_kn, (long long)p->from,
                   (long long)p->to, mm, p->single_precision ? "single" : "double");
}

/* One line per store, in time order: a store rewritten by an import has another size
 * or modification time, and its bucket table entries follow in ids. */
static tc_status stores_text(tc_store *const *st, size_t n, char **out, tc_err *err) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    const char *path = tc_store_path(st[i]);
    const tc_store_info *in = tc_store_get_info(st[i]);
    char *real = realpath(path, NULL);
    struct stat sb;
    if (stat(path, &sb) != 0) {
      fclose(f);
      free(text);
      free(real);
      return tc_fail(err, TC_ERR_IO, "%s: cannot stat: %s", path, strerror(errno));
    }
    char mt[TC_ISO_LEN];
    tc_time_format_iso((int64_t)sb.st_mtim.tv_sec, mt);
    fprintf(f, "store %zu: %s, %lld bytes, modified %s + %09ld ns, %zu buckets of %lld s, %llu fixes\n", i + 1,
            real ? real : path, (long long)sb.st_size, mt, sb.st_mtim.tv_nsec, in->nbuckets,
            (long long)in->bucket_s, (unsigned long long)in->rows);
    free(real);
  }
  if (fclose(f) != 0 || !text) {
    free(text);
    return tc_fail(err, TC_ERR_NOMEM, "out of memory");
  }
  *out = text;
  return TC_OK;
}

/* The first line where a and b differ, copied (without its newline) to la and lb
 * ("nothing" past the end); 0 when they are equal. */
static int first_diff(const char *a, const char *b, char *la, char *lb, size_t cap) {
  while (*a || *b) {
    size_t na = strcspn(a, "\n"), nb = strcspn(b, "\n");
    if (na != nb || memcmp(a, b, na) != 0) {
      snprintf(la, cap, "%.*s", (int)na, *a ? a : "nothing");
      snprintf(lb, cap, "%.*s", (int)nb, *b ? b : "nothing");
      if (!*a)
        snprintf(la, cap, "nothing");
      if (!*b)
        snprintf(lb, cap, "nothing");
      return 1;
    }
    a += na + (a[na] == '\n');
    b += nb + (b[nb] == '\n');
  }
  return 0;
}

/* ---- the payload ---- */

typedef struct {
  const unsigned char *p;
  size_t len, at;
  int bad;
} reader;

static void get(reader *r, void *dst, size_t n) {
  if (r->bad || n > r->len - r->at) {
    r->bad = 1;
    memset(dst, 0, n);
    return;
  }
  memcpy(dst, r->p + r->at, n);
  r->at += n;
}

static uint64_t get_u64(reader *r) {
  uint64_t x;
  get(r, &x, sizeof x);
  return x;
}

/* A text field: u64 length, then the bytes; returned NUL-terminated (malloc'd). */
static char *get_text(reader *r) {
  uint64_t n = get_u64(r);
  if (r->bad || n > r->len - r->at) {
    r->bad = 1;
    return NULL;
  }
  char *s = malloc((size_t)n + 1);
  if (!s) {
    r->bad = 1;
    return NULL;
  }
  memcpy(s, r->p + r->at, (size_t)n);
  s[n] = '\0';
  r->at += (size_t)n;
  return s;
}

static tc_status put_text(tc_ckbuf *b, const char *s) {
  uint64_t n = strlen(s);
  TC_TRY(tc_ckbuf_put(b, &n, sizeof n));
  return tc_ckbuf_put(b, s, (size_t)n);
}

/* The counters a resumed run carries on (the times are this process's own). */
#define NCOUNT 9
static void counters(tc_engine_stats *st, uint64_t **v) {
  uint64_t *const a[NCOUNT] = {&st->fixes_read, &st->reads, &st->teleport_dropped, &st->grid_positions,
                               &st->grid_times, &st->candidate_pairs, &st->close_pairs, &st->peak_open_pairs,
                               &st->backend.tests};
  memcpy(v, a, sizeof a);
}

static tc_status put_encounter(tc_ckbuf *b, const tc_encounter *e) {
  const double d[8] = {e->min_dist_m, e->median_dist_m, e->mean_lat, e->mean_lon, e->speed_a_kn, e->speed_b_kn, 0, 0};
  TC_TRY(tc_ckbuf_put(b, &e->mmsi_a, 4));
  TC_TRY(tc_ckbuf_put(b, &e->mmsi_b, 4));
  TC_TRY(tc_ckbuf_put(b, &e->start, 8));
  TC_TRY(tc_ckbuf_put(b, &e->end, 8));
  TC_TRY(tc_ckbuf_put(b, &e->close_slots, 4));
  return tc_ckbuf_put(b, d, 6 * sizeof *d);
}
#define ENC_BYTES (4 + 4 + 8 + 8 + 4 + 6 * 8)

static void get_encounter(reader *r, tc_encounter *e) {
  double d[6];
  get(r, &e->mmsi_a, 4);
  get(r, &e->mmsi_b, 4);
  get(r, &e->start, 8);
  get(r, &e->end, 8);
  get(r, &e->close_slots, 4);
  get(r, d, sizeof d);
  e->min_dist_m = d[0];
  e->median_dist_m = d[1];
  e->mean_lat = d[2];
  e->mean_lon = d[3];
  e->speed_a_kn = d[4];
  e->speed_b_kn = d[5];
}

/* The state the view holds at place pl, into b (emptied first). */
static tc_status serialize(tc_ckpt *c, const tc_engine_view *v, const place *pl, tc_ckbuf *b) {
  uint32_t ver = VERSION, ns = v->nshards;
  uint64_t *cnt[NCOUNT];
  counters(v->stats, cnt);
  b->n = 0;
  TC_TRY(tc_ckbuf_put(b, &ver, sizeof ver));
  TC_TRY(put_text(b, c->params));
  TC_TRY(put_text(b, c->stores));
  TC_TRY(tc_ckbuf_put(b, &pl->buckets, 8));
  TC_TRY(tc_ckbuf_put(b, &pl->t_done, 8));
  TC_TRY(tc_ckbuf_put(b, v->s_done, 8));
  TC_TRY(tc_ckbuf_put(b, c->ids, (size_t)pl->buckets * sizeof *c->ids));
  for (int i = 0; i < NCOUNT; i++)
    TC_TRY(tc_ckbuf_put(b, cnt[i], 8));
  TC_TRY(tc_grid_cpu_save(v->grid, tc_ckbuf_put, b));
  TC_TRY(tc_ckbuf_put(b, &ns, sizeof ns));
  for (unsigned k = 0; k < v->nshards; k++)
    TC_TRY(tc_runs_save(v->runs[k], tc_ckbuf_put, b));
  uint64_t ne = 0;
  for (unsigned k = 0; k < v->nshards; k++)
    ne += v->found[k].n;
  TC_TRY(tc_ckbuf_put(b, &ne, 8));
  for (unsigned k = 0; k < v->nshards; k++)
    for (size_t i = 0; i < v->found[k].n; i++)
      TC_TRY(put_encounter(b, &v->found[k].v[i]));
  return TC_OK;
}

/* serialize's status as a message. */
static tc_status serialized(tc_status s, const char *what, tc_err *err) {
  if (s == TC_OK)
    return s;
  return tc_fail(err, s, s == TC_ERR_NOMEM ? "%s: out of memory keeping the engine's state"
                                            : "%s: the engine's state is inconsistent at a bucket's end (a bug)", what);
}

/* A file's payload: one state (a checkpoint) or two (a saved state: split_states),
 * written without copying them. */
static tc_status write_states(const char *path, const tc_ckbuf *a, const tc_ckbuf *b, tc_err *err) {
  unsigned char h1[12], h2[8];
  uint32_t n = b ? 2 : 1;
  uint64_t la = a->n, lb = b ? b->n : 0;
  memcpy(h1, &n, 4);
  memcpy(h1 + 4, &la, 8);
  memcpy(h2, &lb, 8);
  const tc_ckbuf parts[4] = {{h1, 12, 12}, {a->v, a->n, a->n}, {h2, 8, 8}, {b ? b->v : NULL, lb, lb}};
  return tc_ckpt_write_file(path, parts, b ? 4 : 2, err);
}

/* ---- checks ---- */

static void fmt_time(int64_t t, char out[TC_ISO_LEN]) { tc_time_format_iso(t, out); }

/* The loaded file against this run: parameters always; the stores as they were
 * (--resume) or the buckets read then still as they were (--since). Leaves the reader
 * at the engine's part. */
static tc_status check_loaded(tc_ckpt *c, reader *r, const char *path, const char *what, tc_err *err) {
  tc_status s = TC_OK;
  char la[1024], lb[1024];
  uint32_t ver = 0;
  get(r, &ver, sizeof ver);
  char *params = get_text(r), *stores = get_text(r);
  c->skipped = get_u64(r);
  get(r, &c->skipped_t_done, 8);
  get(r, &c->skipped_s_done, 8);
  if (r->bad || ver != VERSION) {
    s = tc_fail(err, TC_ERR_FORMAT, "%s %s: %s", what, path,
                r->bad ? "damaged (its parts do not add up)" : "written by another version of trajcorr");
    goto done;
  }
  if (first_diff(params, c->params, la, lb, sizeof la)) {
    s = tc_fail(err, TC_ERR_ARG, "%s %s was written with other parameters: it has %s, this run %s; give the "
                "same options, or %s", what, path, la, lb,
                c->from_since ? "run once without --since (and with --save-state)" : "start again without --resume");
    goto done;
  }
  if (!c->from_since && first_diff(stores, c->stores, la, lb, sizeof la)) {
    s = tc_fail(err, TC_ERR_ARG, "%s %s was written for other stores: it has [%s], this run [%s]; give the same "
                "stores, unchanged, or start again without --resume", what, path, la, lb);
    goto done;
  }
  if (c->skipped > c->nbuckets) {
    s = tc_fail(err, TC_ERR_ARG, "%s %s covers %llu buckets, the stores given hold %llu: a store left out?", what,
                path, (unsigned long long)c->skipped, (unsigned long long)c->nbuckets);
    goto done;
  }
  for (uint64_t i = 0; i < c->skipped; i++) {
    bucket_id was;
    get(r, &was, sizeof was);
    if (r->bad) {
      s = tc_fail(err, TC_ERR_FORMAT, "%s %s: damaged (its parts do not add up)", what, path);
      goto done;
    }
    const bucket_id *is = &c->ids[i];
    if (memcmp(&was, is, sizeof was) != 0) {
      char t0[TC_ISO_LEN], a0[TC_ISO_LEN], a1[TC_ISO_LEN], b0[TC_ISO_LEN], b1[TC_ISO_LEN];
      fmt_time(is->t0, t0);
      fmt_time(was.t_min, a0);
      fmt_time(was.t_max, a1);
      fmt_time(is->t_min, b0);
      fmt_time(is->t_max, b1);
      s = tc_fail(err, TC_ERR_ARG, "%s %s: the bucket at %s changed since it was read (it held %llu fixes of %llu "
                  "vessels from %s to %s, it now holds %llu fixes of %llu vessels from %s to %s, or starts elsewhere): "
                  "the stores' old data was imported again; %s", what, path, t0, (unsigned long long)was.rows,
                  (unsigned long long)was.vessels, a0, a1, (unsigned long long)is->rows,
                  (unsigned long long)is->vessels, b0, b1,
                  c->from_since ? "run once without --since (and with --save-state)" : "start again without --resume");
      goto done;
    }
  }
  /* what is left to read must come after what the state read: a store added inside the
   * time already read, or fixes imported into the part of a bucket the state took as
   * complete, would otherwise be missed */
  if (c->skipped < c->nbuckets && c->ids[c->skipped].t_min < c->skipped_t_done) {
    char a[TC_ISO_LEN], b[TC_ISO_LEN];
    fmt_time(c->ids[c->skipped].t_min, a);
    fmt_time(c->skipped_t_done, b);
    s = tc_fail(err, TC_ERR_ARG, "%s %s: the stores hold fixes from %s on that it has not read, before %s, the end of "
                "what it read; %s", what, path, a, b,
                c->from_since ? "run once without --since (and with --save-state)" : "start again without --resume");
  }
done:
  free(params);
  free(stores);
  return s;
}

/* The file's states: a u32 count, then each as a u64 length and its bytes. */
static tc_status split_states(tc_ckpt *c, const char *path, const char *what, tc_err *err) {
  reader r = {c->loaded.v, c->loaded.n, 0, 0};
  uint32_t n = 0;
  get(&r, &n, sizeof n);
  const unsigned char *p[2] = {NULL, NULL};
  size_t len[2] = {0, 0};
  for (uint32_t i = 0; i < n && i < 2 && !r.bad; i++) {
    uint64_t l = get_u64(&r);
    if (r.bad || l > r.len - r.at) {
      r.bad = 1;
      break;
    }
    p[i] = r.p + r.at;
    len[i] = (size_t)l;
    r.at += (size_t)l;
  }
  if (r.bad || n < 1 || n > 2 || r.at != r.len)
    return tc_fail(err, TC_ERR_FORMAT, "%s %s: damaged (its parts do not add up)", what, path);
  c->use = p[0];
  c->use_n = len[0];
  c->older = p[1];
  c->older_n = len[1];
  return TC_OK;
}

/* ---- hooks ---- */

static tc_status src_next(void *ctx, tc_columns *cols, int64_t *t_end, int *eof, tc_err *err) {
  tc_ckpt *c = ctx;
  TC_TRY(c->inner.next(c->inner.ctx, cols, t_end, eof, err));
  if (!*eof) {
    place p;
    tc_multi_source_position(c->msrc, &p.buckets, &p.edge, &p.t_done);
    c->ring[++c->slices % RING] = p;
  }
  return TC_OK;
}

/* --save-state keeps two states: after the last bucket, which an update uses when that
 * bucket is as it was, and before it, for when an import added fixes to it (a day not
 * complete, fixes that came late): the update then reads it again. */
static tc_status snapshots(tc_ckpt *c, const tc_engine_view *v, const place *pl, tc_err *err) {
  for (int k = 0; k < 2 && c->o.save_state; k++) {
    uint64_t at = k == 0 ? c->nbuckets : c->nbuckets ? c->nbuckets - 1 : 0;
    if (pl->buckets != at)
      continue;
    TC_TRY(serialized(serialize(c, v, pl, &c->snap[k]), "--save-state", err));
    c->have_snap[k] = 1;
  }
  return TC_OK;
}

static tc_status hook_restore(void *ctx, const tc_engine_view *v, tc_err *err) {
  tc_ckpt *c = ctx;
  const char *path = c->o.since ? c->o.since : c->o.checkpoint;
  const char *what = c->o.since ? "state" : "checkpoint";
  if (c->loaded.n) {
    reader r = {c->use, c->use_n, 0, 0};
    TC_TRY(check_loaded(c, &r, path, what, err)); /* again: leaves r at the engine's part */
    uint64_t *cnt[NCOUNT];
    counters(v->stats, cnt);
    for (int i = 0; i < NCOUNT; i++)
      *cnt[i] = get_u64(&r);
    if (c->from_since) /* what this run reads, not what the state's runs read */
      v->stats->fixes_read = v->stats->reads = 0;
    *v->s_done = c->skipped_s_done;
    size_t used = 0;
    tc_status s = r.bad ? TC_ERR_FORMAT : tc_grid_cpu_load(v->grid, r.p + r.at, r.len - r.at, &used);
    r.at += used;
    uint32_t ns = 0;
    get(&r, &ns, sizeof ns);
    for (uint32_t k = 0; s == TC_OK && !r.bad && k < ns; k++) {
      s = tc_runs_load(v->runs, v->nshards, r.p + r.at, r.len - r.at, &used);
      r.at += used;
    }
    uint64_t ne = get_u64(&r);
    if (s == TC_OK && (r.bad || ne > (r.len - r.at) / ENC_BYTES))
      s = TC_ERR_FORMAT;
    for (uint64_t i = 0; s == TC_OK && i < ne; i++) {
      tc_encounter e;
      get_encounter(&r, &e);
      s = tc_encounter_list_push(&v->found[0], &e);
    }
    if (s == TC_OK && (r.bad || r.at != r.len))
      s = TC_ERR_FORMAT;
    if (s == TC_ERR_NOMEM)
      return tc_fail(err, s, "%s %s: out of memory restoring it", what, path);
    if (s != TC_OK)
      return tc_fail(err, TC_ERR_FORMAT, "%s %s: damaged (the engine's state in it is inconsistent)", what, path);
  }
  c->last_write = tc_clock_wall();
  place start = {c->skipped, c->skipped_t_done, 1};
  TC_TRY(snapshots(c, v, &start, err));
  /* an update with no new bucket: the state before the last one is the old file's */
  if (c->o.save_state && c->skipped == c->nbuckets && !c->have_snap[1] && c->older) {
    c->snap[1].n = 0;
    if (tc_ckbuf_put(&c->snap[1], c->older, c->older_n) != TC_OK)
      return tc_fail(err, TC_ERR_NOMEM, "out of memory keeping the state for --save-state");
    c->have_snap[1] = 1;
  }
  return TC_OK;
}

static tc_status hook_after_slice(void *ctx, const tc_engine_view *v, uint64_t slice, tc_err *err) {
  tc_ckpt *c = ctx;
  place pl = c->ring[slice % RING];
  int stop = c->o.stop && *c->o.stop;
  if (!pl.edge)
    return stop && !c->o.checkpoint ? tc_fail(err, TC_ERR_CANCELLED, "stopped by a signal") : TC_OK;
  TC_TRY(snapshots(c, v, &pl, err));
  /* none after the last bucket: the run is as good as done, and a resume from there
   * could not give --save-state its earlier state */
  int can = c->o.checkpoint && pl.buckets < c->nbuckets;
  if (can && (stop || c->o.every_s <= 0 || tc_clock_wall() - c->last_write >= c->o.every_s)) {
    TC_TRY(serialized(serialize(c, v, &pl, &c->work), "--checkpoint", err));
    TC_TRY(write_states(c->o.checkpoint, &c->work, NULL, err));
    c->last_write = tc_clock_wall();
  }
  if (stop && (can || !c->o.checkpoint)) {
    c->stopped_at_edge = can;
    if (can)
      return tc_fail(err, TC_ERR_CANCELLED, "bucket %llu of %llu done, checkpoint %s written",
                     (unsigned long long)pl.buckets, (unsigned long long)c->nbuckets, c->o.checkpoint);
    return tc_fail(err, TC_ERR_CANCELLED, "stopped by a signal");
  }
  return TC_OK;
}

/* ---- the run ---- */

/* A file to be written later: its folder must take it now, not after hours of work. */
static tc_status writable(const char *path, const char *opt, tc_err *err) {
  char d[4096];
  snprintf(d, sizeof d, "%s", path);
  char *slash = strrchr(d, '/');
  if (!slash)
    snprintf(d, sizeof d, ".");
  else if (slash == d)
    d[1] = '\0';
  else
    *slash = '\0';
  if (access(d, W_OK | X_OK) != 0)
    return tc_fail(err, TC_ERR_ARG, "%s %s: cannot write in its folder %s: %s", opt, path, d, strerror(errno));
  return TC_OK;
}

tc_status tc_ckpt_create(const tc_ckpt_opts *o, tc_store *const *stores, size_t n, const tc_params *p,
                         tc_multi_source *src, tc_ckpt **out, tc_err *err) {
  *out = NULL;
  tc_status s = TC_OK;
  tc_ckpt *c = calloc(1, sizeof *c);
  if (!c)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory");
  c->o = *o;
  c->msrc = src;
  c->hooks = (tc_engine_hooks){.ctx = c, .restore = hook_restore, .after_slice = hook_after_slice};
  c->from_since = o->since != NULL;
  c->skipped_t_done = c->skipped_s_done = INT64_MIN;
  c->params = params_text(p);
  if (!c->params) {
    s = tc_fail(err, TC_ERR_NOMEM, "out of memory");
    goto fail;
  }
  if ((o->checkpoint && (s = writable(o->checkpoint, "--checkpoint", err)) != TC_OK) ||
      (o->save_state && (s = writable(o->save_state, "--save-state", err)) != TC_OK))
    goto fail;
  if ((s = stores_text(stores, n, &c->stores, err)) != TC_OK)
    goto fail;
  for (size_t i = 0; i < n; i++)
    c->nbuckets += tc_store_get_info(stores[i])->nbuckets;
  c->ids = calloc(c->nbuckets ? c->nbuckets : 1, sizeof *c->ids);
  if (!c->ids) {
    s = tc_fail(err, TC_ERR_NOMEM, "out of memory");
    goto fail;
  }
  for (size_t i = 0, at = 0; i < n; i++) {
    size_t nb = tc_store_get_info(stores[i])->nbuckets;
    for (size_t k = 0; k < nb; k++, at++) {
      tc_store_bucket_meta m;
      if ((s = tc_store_bucket_get_meta(stores[i], k, &m)) != TC_OK) {
        tc_fail(err, s, "%s: cannot read bucket %zu of its table", tc_store_path(stores[i]), k);
        goto fail;
      }
      c->ids[at] = (bucket_id){m.t0, m.t_min, m.t_max, m.rows, m.vessels};
    }
  }
  const char *path = o->since ? o->since : o->resume ? o->checkpoint : NULL;
  if (path) {
    const char *what = o->since ? "state" : "checkpoint";
    s = tc_ckpt_read_file(path, &c->loaded, err);
    if (s == TC_ERR_NOT_FOUND && !o->since) { /* --resume with nothing yet: from the start */
      s = TC_OK;
      c->loaded.n = 0;
    } else if (s != TC_OK) {
      if (s != TC_ERR_FORMAT)
        tc_err_prefix(err, "%s ", what);
      goto fail;
    } else {
      if ((s = split_states(c, path, what, err)) != TC_OK)
        goto fail;
      reader r = {c->use, c->use_n, 0, 0};
      s = check_loaded(c, &r, path, what, err);
      if (s == TC_ERR_ARG && o->since && c->older) { /* the last bucket changed: the state before it */
        c->use = c->older;
        c->use_n = c->older_n;
        reader r2 = {c->use, c->use_n, 0, 0};
        s = check_loaded(c, &r2, path, what, err);
      }
      if (s != TC_OK)
        goto fail;
      if ((s = tc_multi_source_skip(src, c->skipped, c->skipped_t_done, err)) != TC_OK)
        goto fail;
    }
  }
  *out = c;
  return TC_OK;
fail:
  tc_ckpt_free(c);
  return s;
}

void tc_ckpt_free(tc_ckpt *c) {
  if (!c)
    return;
  free(c->params);
  free(c->stores);
  free(c->ids);
  tc_ckbuf_free(&c->loaded);
  tc_ckbuf_free(&c->snap[0]);
  tc_ckbuf_free(&c->snap[1]);
  tc_ckbuf_free(&c->work);
  free(c);
}

tc_bucket_source tc_ckpt_source(tc_ckpt *c, const tc_bucket_source *inner) {
  c->inner = *inner;
  /* --save-state takes its states after the last buckets: the read goes to the end
   * even when --to leaves nothing more to find */
  tc_bucket_source s = {c, src_next, inner->read_all || c->o.save_state != NULL};
  return s;
}

const tc_engine_hooks *tc_ckpt_hooks(tc_ckpt *c) { return &c->hooks; }
uint64_t tc_ckpt_skipped(const tc_ckpt *c) { return c->loaded.n ? c->skipped : 0; }
uint64_t tc_ckpt_buckets(const tc_ckpt *c) { return c->nbuckets; }
int tc_ckpt_stopped_at_edge(const tc_ckpt *c) { return c->stopped_at_edge; }

tc_status tc_ckpt_finish(tc_ckpt *c, tc_err *err) {
  if (c->o.save_state) {
    if (!c->have_snap[0] || !c->have_snap[1])
      return tc_fail(err, TC_ERR_INTERNAL, "--save-state %s: the state at the end was never taken", c->o.save_state);
    TC_TRY(write_states(c->o.save_state, &c->snap[0], &c->snap[1], err));
  }
  if (c->o.checkpoint && unlink(c->o.checkpoint) != 0 && errno != ENOENT)
    return tc_fail(err, TC_ERR_IO, "checkpoint %s: cannot remove it after the run: %s", c->o.checkpoint,
                   strerror(errno));
  return TC_OK;
}
