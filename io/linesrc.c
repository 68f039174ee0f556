/* Lines straight out of one large buffer: read(2) (or inflate) appends to it, lines
 * are NUL-terminated in place and returned as pointers, so no per-line allocation.
 * A line longer than the buffer grows it, up to TC_LINESRC_MAX_LINE.
 *
 * Gzip input is inflated by ISA-L (isal_inflate, ~4x zlib's speed) where the build
 * found it, else by zlib; either way by a helper thread into a small ring of blocks,
 * so that decompression overlaps parsing on a second core. The text and every error
 * come out in the same order as a single-threaded read; if the thread cannot be
 * started, inflate runs inline. */
#include "io/linesrc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef TRAJCORR_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#else
#include <zlib.h>
#endif

#define BUF_INIT (1u << 20)             /* text buffer */
#define RAW_SIZE (1u << 18)             /* compressed input */
#define NBLK 4                          /* inflated blocks in flight */
#define BLK_SIZE (1u << 20)
#define TC_LINESRC_MAX_LINE (64u << 20) /* a "line" beyond this is not text */

/* The gzip decoder: owns the descriptor's reads while it runs. */
typedef struct {
  int fd;
  const char *path;
#ifdef TRAJCORR_HAVE_ISAL
  struct inflate_state is;
#else
  z_stream zs;
  int zs_init;
#endif
  int ended;          /* the current member has ended */
  uint64_t members;   /* members begun */
  unsigned char *raw;
  uint64_t raw_bytes; /* read from fd */
  int wake_fd;        /* -1, or a pipe that close() writes to, to end a blocked wait */
} gz_in;

/* The decoder's input window, whichever library. */
#ifdef TRAJCORR_HAVE_ISAL
#define GZ_NEXT_IN(g) ((g)->is.next_in)
#define GZ_AVAIL_IN(g) ((g)->is.avail_in)
#else
#define GZ_NEXT_IN(g) ((g)->zs.next_in)
#define GZ_AVAIL_IN(g) ((g)->zs.avail_in)
#endif

/* Compressed bytes the decoder has taken. */
static uint64_t gz_consumed(const gz_in *g) { return g->raw_bytes - GZ_AVAIL_IN(g); }

/* The helper thread's ring of inflated blocks. */
typedef struct {
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  char *blk[NBLK];
  size_t len[NBLK];
  uint64_t consumed_at[NBLK]; /* compressed bytes consumed when the block was done */
  size_t head, count, off;    /* consumer side: head block, blocks ready, offset in head */
  int done, stop;
  tc_status st;               /* how the producer ended */
  char msg[TC_ERR_MSG_MAX];
  int wake[2];                /* for a pipe or terminal: wakes a producer waiting for input */
} gz_ring;

struct tc_linesrc {
  char *path;
  int fd, own_fd;
  int64_t size;
  uint64_t lineno, raw_bytes, gz_consumed;
  char *buf; /* cap + 1 bytes: room for the last line's NUL */
  size_t cap, pos, end, scanned;
  int in_eof; /* no more text will be appended */
  gz_in *gz;
  gz_ring *ring; /* NULL: inflate inline */
};

static tc_status read_fd(int fd, const char *path, void *dst, size_t cap, size_t *got,
                         uint64_t *total, tc_err *err) {
  for (;;) {
    ssize_t n = read(fd, dst, cap);
    if (n >= 0) {
      *got = (size_t)n;
      *total += (uint64_t)n;
      return TC_OK;
    }
    if (errno != EINTR)
      return tc_fail(err, TC_ERR_IO, "%s: read failed: %s", path, strerror(errno));
  }
}

/* For a pipe: waits until there is input, or until close() asks the thread to stop. */
static tc_status wait_input(gz_in *g, tc_err *err) {
  if (g->wake_fd < 0)
    return TC_OK;
  struct pollfd p[2] = {{g->fd, POLLIN, 0}, {g->wake_fd, POLLIN, 0}};
  for (;;) {
    int r = poll(p, 2, -1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return tc_fail(err, TC_ERR_IO, "%s: poll failed: %s", g->path, strerror(errno));
    if (p[1].revents)
      return tc_fail(err, TC_ERR_IO, "%s: reading stopped", g->path);
    return TC_OK; /* readable, end of input or an error: read() will tell */
  }
}

/* Starts the decoder on a member (the first, or one after a member that ended). */
static tc_status gz_member_start(gz_in *g, tc_err *err) {
#ifdef TRAJCORR_HAVE_ISAL
  if (g->members)
    isal_inflate_reset(&g->is);
  g->is.crc_flag = ISAL_GZIP; /* header parsed, CRC-32 and length checked */
#else
  int r = g->members ? inflateReset(&g->zs) : inflateInit2(&g->zs, 16 + MAX_WBITS);
  if (r == Z_MEM_ERROR)
    return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory in the gzip decoder", g->path);
  if (r != Z_OK)
    return tc_fail(err, TC_ERR_INTERNAL, "%s: gzip decoder start failed (zlib %d)", g->path, r);
  g->zs_init = 1;
#endif
  (void)err;
  g->members++;
  g->ended = 0;
  return TC_OK;
}

static tc_status corrupt(gz_in *g, const char *what, tc_err *err) {
  return tc_fail(err, TC_ERR_FORMAT, "%s: corrupt gzip data in member %llu near compressed byte %llu: %s",
                 g->path, (unsigned long long)g->members, (unsigned long long)gz_consumed(g), what);
}

/* One decoder call: up to cap bytes into out (*got, maybe 0); sets ended at a member's end. */
static tc_status gz_step(gz_in *g, char *out, size_t cap, size_t *got, tc_err *err) {
#ifdef TRAJCORR_HAVE_ISAL
  struct inflate_state *z = &g->is;
  z->next_out = (uint8_t *)out;
  z->avail_out = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
  uint32_t before = z->avail_out;
  int r = isal_inflate(z);
  *got = before - z->avail_out;
  switch (r) {
  case ISAL_DECOMP_OK:
  case ISAL_END_INPUT:
  case ISAL_OUT_OVERFLOW:
    if (z->block_state == ISAL_BLOCK_FINISH)
      g->ended = 1;
    return TC_OK;
  case ISAL_INCORRECT_CHECKSUM:
    return corrupt(g, "CRC-32 or length mismatch: the text does not match the member's trailer", err);
  case ISAL_INVALID_WRAPPER:
    return corrupt(g, "invalid gzip header", err);
  case ISAL_UNSUPPORTED_METHOD:
    return corrupt(g, "compression method is not deflate", err);
  case ISAL_INVALID_BLOCK:
    return corrupt(g, "invalid deflate block", err);
  case ISAL_INVALID_SYMBOL:
    return corrupt(g, "invalid deflate code", err);
  case ISAL_INVALID_LOOKBACK:
    return corrupt(g, "distance too far back", err);
  default:
    return corrupt(g, "gzip decoder error", err);
  }
#else
  z_stream *z = &g->zs;
  z->next_out = (unsigned char *)out;
  z->avail_out = cap > UINT_MAX ? UINT_MAX : (uInt)cap;
  uInt before = z->avail_out;
  int r = inflate(z, Z_NO_FLUSH);
  *got = before - z->avail_out;
  if (r == Z_STREAM_END)
    g->ended = 1;
  else if (r == Z_DATA_ERROR && z->msg && !strcmp(z->msg, "incorrect data check"))
    return corrupt(g, "CRC-32 or length mismatch: the text does not match the member's trailer", err);
  else if (r == Z_DATA_ERROR && z->msg && !strcmp(z->msg, "incorrect length check"))
    return corrupt(g, "CRC-32 or length mismatch: the text does not match the member's trailer", err);
  else if (r == Z_DATA_ERROR || r == Z_NEED_DICT)
    return corrupt(g, z->msg ? z->msg : "invalid stream", err);
  else if (r == Z_MEM_ERROR)
    return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory in the gzip decoder", g->path);
  else if (r != Z_OK && r != Z_BUF_ERROR)
    return corrupt(g, "gzip decoder error", err);
  return TC_OK;
#endif
}

/* Inflates up to cap bytes into out; *got = 0 only at the clean end of input.
 * Concatenated gzip members are read one after another; zero padding after the last is
 * ignored, anything else there is trailing garbage. Input that ends inside a member is
 * a truncated file. */
static tc_status gz_read(gz_in *g, char *out, size_t cap, size_t *got, tc_err *err) {
  *got = 0;
  while (*got == 0) {
    if (GZ_AVAIL_IN(g) == 0) {
      size_t n = 0;
      TC_TRY(wait_input(g, err));
      TC_TRY(read_fd(g->fd, g->path, g->raw, RAW_SIZE, &n, &g->raw_bytes, err));
      GZ_NEXT_IN(g) = g->raw;
      GZ_AVAIL_IN(g) = (uint32_t)n;
      if (n == 0) {
        if (!g->ended)
          return tc_fail(err, TC_ERR_FORMAT,
                         "%s: truncated gzip file (input ends inside the compressed stream "
                         "after %llu bytes)",
                         g->path, (unsigned long long)g->raw_bytes);
        return TC_OK;
      }
    }
    if (g->ended) { /* another member, or padding */
      while (GZ_AVAIL_IN(g) && *GZ_NEXT_IN(g) == 0)
        GZ_NEXT_IN(g)++, GZ_AVAIL_IN(g)--;
      if (!GZ_AVAIL_IN(g))
        continue;
      if (*GZ_NEXT_IN(g) != 0x1f)
        return tc_fail(err, TC_ERR_FORMAT,
                       "%s: trailing garbage at compressed byte %llu: after gzip member %llu comes "
                       "neither another member nor zero padding",
                       g->path, (unsigned long long)gz_consumed(g), (unsigned long long)g->members);
      TC_TRY(gz_member_start(g, err));
    }
    TC_TRY(gz_step(g, out, cap, got, err));
  }
  return TC_OK;
}

/* The helper thread: fills free blocks until the end, an error, or stop. */
static void *gz_producer(void *arg) {
  tc_linesrc *s = arg;
  gz_ring *q = s->ring;
  tc_err err = {TC_OK, ""};
  tc_status st = TC_OK;
  int eof = 0;
  while (!eof && st == TC_OK) {
    pthread_mutex_lock(&q->mu);
    while (q->count == NBLK && !q->stop)
      pthread_cond_wait(&q->cv, &q->mu);
    int stop = q->stop;
    size_t slot = (q->head + q->count) % NBLK;
    pthread_mutex_unlock(&q->mu);
    if (stop)
      break;
    /* One inflate step per block (the slot is the producer's until published): text
     * from a live pipe is passed on as soon as it arrives. */
    size_t len = 0;
    st = gz_read(s->gz, q->blk[slot], BLK_SIZE, &len, &err);
    eof = st == TC_OK && len == 0;
    pthread_mutex_lock(&q->mu);
    if (len) {
      q->len[slot] = len;
      q->consumed_at[slot] = gz_consumed(s->gz);
      q->count++;
    }
    if (eof || st != TC_OK) {
      q->done = 1;
      q->st = st;
      memcpy(q->msg, err.msg, sizeof q->msg);
    }
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
  }
  return NULL;
}

/* Next inflated text from the ring into buf[end..cap). */
static tc_status ring_fill(tc_linesrc *s, tc_err *err) {
  gz_ring *q = s->ring;
  pthread_mutex_lock(&q->mu);
  while (q->count == 0 && !q->done)
    pthread_cond_wait(&q->cv, &q->mu);
  if (q->count == 0) {
    tc_status st = q->st;
    pthread_mutex_unlock(&q->mu);
    if (st != TC_OK)
      return tc_fail(err, st, "%s", q->msg);
    s->in_eof = 1;
    return TC_OK;
  }
  size_t h = q->head;
  pthread_mutex_unlock(&q->mu);
  size_t k = q->len[h] - q->off; /* the head block is ours until released */
  if (k > s->cap - s->end)
    k = s->cap - s->end;
  memcpy(s->buf + s->end, q->blk[h] + q->off, k);
  s->end += k;
  q->off += k;
  if (q->off == q->len[h]) {
    s->gz_consumed = q->consumed_at[h];
    q->off = 0;
    pthread_mutex_lock(&q->mu);
    q->head = (q->head + 1) % NBLK;
    q->count--;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
  }
  return TC_OK;
}

static void ring_stop(tc_linesrc *s) {
  gz_ring *q = s->ring;
  pthread_mutex_lock(&q->mu);
  q->stop = 1;
  pthread_cond_broadcast(&q->cv);
  pthread_mutex_unlock(&q->mu);
  if (q->wake[1] >= 0) /* an empty pipe of our own: only EINTR can get in the way */
    while (write(q->wake[1], "x", 1) < 0 && errno == EINTR)
      ;
  pthread_join(q->th, NULL);
  pthread_cond_destroy(&q->cv);
  pthread_mutex_destroy(&q->mu);
  if (q->wake[0] >= 0) {
    close(q->wake[0]);
    close(q->wake[1]);
  }
  s->gz->wake_fd = -1;
  for (int i = 0; i < NBLK; i++)
    free(q->blk[i]);
  free(q);
  s->ring = NULL;
}

/* Starts the helper thread; on any failure leaves s->ring NULL (inline inflate). */
static void ring_start(tc_linesrc *s) {
  gz_ring *q = calloc(1, sizeof *q);
  int ok = q != NULL;
  if (!ok)
    return;
  q->wake[0] = q->wake[1] = -1;
  for (int i = 0; ok && i < NBLK; i++)
    ok = (q->blk[i] = malloc(BLK_SIZE)) != NULL;
  if (ok && s->size < 0) /* a pipe may block for ever: close() needs a way in */
    ok = pipe2(q->wake, O_CLOEXEC) == 0;
  if (ok && pthread_mutex_init(&q->mu, NULL) != 0)
    ok = 0;
  if (ok && pthread_cond_init(&q->cv, NULL) != 0) {
    pthread_mutex_destroy(&q->mu);
    ok = 0;
  }
  if (ok) {
    s->ring = q;
    s->gz->wake_fd = q->wake[0];
    if (pthread_create(&q->th, NULL, gz_producer, s) == 0)
      return;
    s->ring = NULL;
    s->gz->wake_fd = -1;
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
  }
  if (q->wake[0] >= 0) {
    close(q->wake[0]);
    close(q->wake[1]);
  }
  for (int i = 0; i < NBLK; i++)
    free(q->blk[i]);
  free(q);
}

tc_status tc_linesrc_open(const char *path, tc_linesrc **out, tc_err *err) {
  tc_status st = TC_OK;
  tc_linesrc *s = NULL;
  struct stat sb;
  *out = NULL;
  if (!path || !*path)
    return tc_fail(err, TC_ERR_ARG, "no input file named");
  s = calloc(1, sizeof *s);
  /* messages name standard input "<stdin>" rather than "-" */
  if (!s || !(s->path = strdup(strcmp(path, "-") ? path : "<stdin>")) ||
      !(s->buf = malloc(BUF_INIT + 1))) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory for the line buffer", path);
    goto cleanup;
  }
  s->cap = BUF_INIT;
  s->fd = -1;
  if (!strcmp(path, "-")) {
    s->fd = STDIN_FILENO;
  } else {
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) {
      st = tc_fail(err, TC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
      goto cleanup;
    }
    s->own_fd = 1;
  }
  if (fstat(s->fd, &sb) != 0) {
    st = tc_fail(err, TC_ERR_IO, "%s: cannot stat: %s", path, strerror(errno));
    goto cleanup;
  }
  if (S_ISDIR(sb.st_mode)) {
    st = tc_fail(err, TC_ERR_IO, "%s: is a directory, not a file", path);
    goto cleanup;
  }
  s->size = S_ISREG(sb.st_mode) ? (int64_t)sb.st_size : -1;
  if (S_ISREG(sb.st_mode))
    (void)posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL); /* a hint; failure is harmless */
  /* Sniff the magic bytes: read the first block (at most RAW_SIZE) as text, and if it
   * is gzip, hand it to the inflater instead. */
  size_t got = 0, n = 0;
  do {
    st = read_fd(s->fd, path, s->buf + got, RAW_SIZE - got, &n, &s->raw_bytes, err);
    if (st != TC_OK)
      goto cleanup;
    got += n;
  } while (n > 0 && got < 2);
  if (got >= 2 && (unsigned char)s->buf[0] == 0x1f && (unsigned char)s->buf[1] == 0x8b) {
    gz_in *g = s->gz = calloc(1, sizeof *g);
    if (!g || !(g->raw = malloc(RAW_SIZE))) {
      st = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory for gzip input", path);
      goto cleanup;
    }
#ifdef TRAJCORR_HAVE_ISAL
    isal_inflate_init(&g->is);
#endif
    g->wake_fd = -1;
    g->fd = s->fd;
    g->path = s->path;
    g->raw_bytes = s->raw_bytes;
    if ((st = gz_member_start(g, err)) != TC_OK)
      goto cleanup;
    memcpy(g->raw, s->buf, got);
    GZ_NEXT_IN(g) = g->raw;
    GZ_AVAIL_IN(g) = (uint32_t)got;
    ring_start(s);
  } else {
    s->end = got;
    s->in_eof = got == 0;
  }
  *out = s;
  s = NULL;
cleanup:
  tc_linesrc_close(s);
  return st;
}

static tc_status fill(tc_linesrc *s, tc_err *err) {
  size_t n = 0;
  if (s->ring)
    return ring_fill(s, err);
  if (s->gz) {
    TC_TRY(gz_read(s->gz, s->buf + s->end, s->cap - s->end, &n, err));
    s->gz_consumed = gz_consumed(s->gz);
  } else {
    TC_TRY(read_fd(s->fd, s->path, s->buf + s->end, s->cap - s->end, &n, &s->raw_bytes, err));
  }
  s->end += n;
  s->in_eof = n == 0;
  return TC_OK;
}

static void finish_line(tc_linesrc *s, char *line, size_t n, const char **out, size_t *len) {
  line[n] = '\0';
  if (n && line[n - 1] == '\r')
    line[--n] = '\0';
  s->lineno++;
  *out = line;
  *len = n;
}

tc_status tc_linesrc_next(tc_linesrc *s, const char **line, size_t *len, int *eof, tc_err *err) {
  *line = NULL;
  *len = 0;
  *eof = 0;
  for (;;) {
    char *start = s->buf + s->pos;
    char *nl = memchr(s->buf + s->scanned, '\n', s->end - s->scanned);
    if (nl) {
      s->pos = s->scanned = (size_t)(nl - s->buf) + 1;
      finish_line(s, start, (size_t)(nl - start), line, len);
      return TC_OK;
    }
    s->scanned = s->end;
    if (s->in_eof) {
      if (s->pos < s->end) { /* last line without '\n'; buf has cap + 1 bytes */
        size_t n = s->end - s->pos;
        s->pos = s->scanned = s->end;
        finish_line(s, start, n, line, len);
        return TC_OK;
      }
      *eof = 1;
      return TC_OK;
    }
    if (s->pos > 0) { /* move the partial line to the front */
      memmove(s->buf, start, s->end - s->pos);
      s->end -= s->pos;
      s->scanned -= s->pos;
      s->pos = 0;
    }
    if (s->end == s->cap) {
      if (s->cap >= TC_LINESRC_MAX_LINE)
        return tc_fail(err, TC_ERR_FORMAT, "%s:%llu: line longer than %u MiB: not a text file?",
                       s->path, (unsigned long long)s->lineno + 1, TC_LINESRC_MAX_LINE >> 20);
      char *b = realloc(s->buf, s->cap * 2 + 1);
      if (!b)
        return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory for a long line", s->path);
      s->buf = b;
      s->cap *= 2;
    }
    TC_TRY(fill(s, err));
  }
}

uint64_t tc_linesrc_lineno(const tc_linesrc *s) { return s->lineno; }
uint64_t tc_linesrc_bytes_read(const tc_linesrc *s) {
  return s->gz ? s->gz_consumed : s->raw_bytes - (s->end - s->pos);
}
int64_t tc_linesrc_size(const tc_linesrc *s) { return s->size; }
const char *tc_linesrc_path(const tc_linesrc *s) { return s->path; }

void tc_linesrc_close(tc_linesrc *s) {
  if (!s)
    return;
  if (s->ring)
    ring_stop(s);
  if (s->gz) {
#ifndef TRAJCORR_HAVE_ISAL
    if (s->gz->zs_init)
      inflateEnd(&s->gz->zs);
#endif
    free(s->gz->raw);
    free(s->gz);
  }
  if (s->own_fd && s->fd >= 0)
    close(s->fd);
  free(s->buf);
  free(s->path);
  free(s);
}
