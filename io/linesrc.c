/* Lines straight out of one large buffer: read(2) (or inflate) appends to it, lines
 * are NUL-terminated in place and returned as pointers, so no per-line allocation.
 * A line longer than the buffer grows it, up to TC_LINESRC_MAX_LINE. */
#include "io/linesrc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define BUF_INIT (1u << 20)              /* decoded text */
#define RAW_SIZE (1u << 18)              /* compressed input */
#define TC_LINESRC_MAX_LINE (64u << 20)  /* a "line" beyond this is not text */

struct tc_linesrc {
  char *path;
  int fd, own_fd;
  int64_t size;
  uint64_t lineno, raw_bytes;
  char *buf;               /* cap + 1 bytes: room for the last line's NUL */
  size_t cap, pos, end, scanned;
  int in_eof;              /* no more text will be appended */
  int gz;                  /* 1: inflating; stream state below */
  int gz_ended;            /* the current gzip member has ended */
  z_stream zs;
  int zs_init;
  unsigned char *raw;
};

static tc_status read_fd(tc_linesrc *s, void *dst, size_t cap, size_t *got, tc_err *err) {
  for (;;) {
    ssize_t n = read(s->fd, dst, cap);
    if (n >= 0) {
      *got = (size_t)n;
      s->raw_bytes += (uint64_t)n;
      return TC_OK;
    }
    if (errno != EINTR)
      return tc_fail(err, TC_ERR_IO, "%s: read failed: %s", s->path, strerror(errno));
  }
}

tc_status tc_linesrc_open(const char *path, tc_linesrc **out, tc_err *err) {
  tc_status st = TC_OK;
  tc_linesrc *s = NULL;
  struct stat sb;
  *out = NULL;
  if (!path || !*path)
    return tc_fail(err, TC_ERR_ARG, "no input file named");
  s = calloc(1, sizeof *s);
  if (!s || !(s->path = strdup(path)) || !(s->buf = malloc(BUF_INIT + 1))) {
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
    st = read_fd(s, s->buf + got, RAW_SIZE - got, &n, err);
    if (st != TC_OK)
      goto cleanup;
    got += n;
  } while (n > 0 && got < 2);
  if (got >= 2 && (unsigned char)s->buf[0] == 0x1f && (unsigned char)s->buf[1] == 0x8b) {
    if (!(s->raw = malloc(RAW_SIZE))) {
      st = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory for gzip input", path);
      goto cleanup;
    }
    if (inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK) {
      st = tc_fail(err, TC_ERR_NOMEM, "%s: cannot start the gzip decoder", path);
      goto cleanup;
    }
    s->zs_init = 1;
    s->gz = 1;
    memcpy(s->raw, s->buf, got);
    s->zs.next_in = s->raw;
    s->zs.avail_in = (uInt)got;
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

/* Inflates into buf[end..cap). Concatenated gzip members are read one after another;
 * zero padding after the last is ignored. Ends of input inside a member: truncated. */
static tc_status gz_fill(tc_linesrc *s, tc_err *err) {
  z_stream *z = &s->zs;
  size_t before = s->end;
  while (s->end == before) {
    if (z->avail_in == 0) {
      size_t n = 0;
      TC_TRY(read_fd(s, s->raw, RAW_SIZE, &n, err));
      z->next_in = s->raw;
      z->avail_in = (uInt)n;
      if (n == 0) {
        if (!s->gz_ended)
          return tc_fail(err, TC_ERR_FORMAT,
                         "%s: truncated gzip file (input ends inside the compressed stream "
                         "after %llu bytes)",
                         s->path, (unsigned long long)s->raw_bytes);
        s->in_eof = 1;
        return TC_OK;
      }
    }
    if (s->gz_ended) {
      /* Another member, or padding. */
      while (z->avail_in && *z->next_in == 0)
        z->next_in++, z->avail_in--;
      if (!z->avail_in)
        continue;
      if (inflateReset(z) != Z_OK)
        return tc_fail(err, TC_ERR_INTERNAL, "%s: gzip decoder reset failed", s->path);
      s->gz_ended = 0;
    }
    z->next_out = (unsigned char *)s->buf + s->end;
    z->avail_out = (uInt)(s->cap - s->end);
    int r = inflate(z, Z_NO_FLUSH);
    s->end = s->cap - z->avail_out;
    if (r == Z_STREAM_END) {
      s->gz_ended = 1;
    } else if (r == Z_DATA_ERROR || r == Z_NEED_DICT) {
      return tc_fail(err, TC_ERR_FORMAT, "%s: corrupt gzip data near compressed byte %llu: %s",
                     s->path, (unsigned long long)(s->raw_bytes - z->avail_in),
                     z->msg ? z->msg : "invalid stream");
    } else if (r == Z_MEM_ERROR) {
      return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory in the gzip decoder", s->path);
    } else if (r != Z_OK && r != Z_BUF_ERROR) {
      return tc_fail(err, TC_ERR_FORMAT, "%s: gzip decoder error %d", s->path, r);
    }
  }
  return TC_OK;
}

static tc_status fill(tc_linesrc *s, tc_err *err) {
  if (s->gz)
    return gz_fill(s, err);
  size_t n = 0;
  TC_TRY(read_fd(s, s->buf + s->end, s->cap - s->end, &n, err));
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
  return s->gz ? s->raw_bytes - s->zs.avail_in : s->raw_bytes - (s->end - s->pos);
}
int64_t tc_linesrc_size(const tc_linesrc *s) { return s->size; }
const char *tc_linesrc_path(const tc_linesrc *s) { return s->path; }

void tc_linesrc_close(tc_linesrc *s) {
  if (!s)
    return;
  if (s->zs_init)
    inflateEnd(&s->zs);
  if (s->own_fd && s->fd >= 0)
    close(s->fd);
  free(s->raw);
  free(s->buf);
  free(s->path);
  free(s);
}
