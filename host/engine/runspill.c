#include "host/engine/runspill.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/engine/grow.h"

struct tc_runspill {
  size_t elem;
  int fd;                /* -1 until the first block */
  uint32_t *prev;        /* per block: 1 + the block before it in its chain, or the next free */
  size_t nblocks, cap;   /* blocks in the file; room in prev */
  uint32_t free_head;    /* 1 + a free block, 0: none */
  uint64_t peak;
  char msg[TC_ERR_MSG_MAX];
};

tc_status tc_runspill_create(size_t elem, tc_runspill **out) {
  tc_runspill *s = calloc(1, sizeof *s);
  if (!s)
    return TC_ERR_NOMEM;
  s->elem = elem;
  s->fd = -1;
  *out = s;
  return TC_OK;
}

void tc_runspill_free(tc_runspill *s) {
  if (!s)
    return;
  if (s->fd >= 0)
    close(s->fd);
  free(s->prev);
  free(s);
}

const char *tc_runspill_error(const tc_runspill *s) { return s ? s->msg : ""; }
uint64_t tc_runspill_peak_bytes(const tc_runspill *s) { return s ? s->peak : 0; }

static const char *tmp_dir(void) {
  const char *d = getenv("TMPDIR");
  return d && *d ? d : "/tmp";
}

static tc_status io_fail(tc_runspill *s, const char *verb, const char *reason) {
  if (!s->msg[0])
    snprintf(s->msg, sizeof s->msg, "cannot %s the temporary file for long encounters' close times in %s: %s",
             verb, tmp_dir(), reason);
  return TC_ERR_IO;
}

static tc_status open_file(tc_runspill *s) {
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/.trajcorr-runs.XXXXXX", tmp_dir());
  if (n < 0 || (size_t)n >= sizeof path)
    return io_fail(s, "create", "the path is too long");
  s->fd = mkostemp(path, O_CLOEXEC);
  if (s->fd < 0)
    return io_fail(s, "create", strerror(errno));
  unlink(path); /* gone whatever happens to this process */
  return TC_OK;
}

static off_t block_off(const tc_runspill *s, uint32_t b) {
  return (off_t)(b - 1) * (off_t)(TC_RUNSPILL_BLOCK * s->elem);
}

tc_status tc_runspill_put(tc_runspill *s, uint32_t prev, const void *v, uint32_t *block) {
  if (s->fd < 0)
    TC_TRY(open_file(s));
  uint32_t b;
  if (s->free_head) {
    b = s->free_head;
    s->free_head = s->prev[b - 1];
  } else {
    if (s->nblocks >= UINT32_MAX - 1)
      return TC_ERR_OVERFLOW;
    uint32_t *p = tc_grow(s->prev, &s->cap, s->nblocks + 1, sizeof *s->prev, 256);
    if (!p)
      return TC_ERR_NOMEM;
    s->prev = p;
    b = (uint32_t)++s->nblocks;
  }
  s->prev[b - 1] = prev;
  const char *c = v;
  size_t len = TC_RUNSPILL_BLOCK * s->elem;
  off_t at = block_off(s, b);
  while (len) {
    ssize_t w = pwrite(s->fd, c, len, at);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) /* the block stays taken, unused: the run fails anyway */
      return io_fail(s, "write", w < 0 ? strerror(errno) : "nothing written");
    c += w;
    len -= (size_t)w;
    at += w;
  }
  if ((uint64_t)at > s->peak)
    s->peak = (uint64_t)at;
  *block = b;
  return TC_OK;
}

tc_status tc_runspill_read(tc_runspill *s, uint32_t block, size_t nblocks, void *v) {
  size_t len = TC_RUNSPILL_BLOCK * s->elem;
  for (size_t i = nblocks; i-- > 0;) {
    if (block == 0 || block > s->nblocks || s->fd < 0)
      return TC_ERR_INTERNAL; /* a chain shorter than its count */
    char *c = (char *)v + i * len;
    size_t left = len;
    off_t at = block_off(s, block);
    while (left) {
      ssize_t r = pread(s->fd, c, left, at);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return io_fail(s, "read back", r < 0 ? strerror(errno) : "shorter than written");
      c += r;
      left -= (size_t)r;
      at += r;
    }
    block = s->prev[block - 1];
  }
  return block == 0 ? TC_OK : TC_ERR_INTERNAL; /* a chain longer than its count */
}

void tc_runspill_release(tc_runspill *s, uint32_t block, size_t nblocks) {
  for (size_t i = 0; i < nblocks && block && block <= s->nblocks; i++) {
    uint32_t before = s->prev[block - 1];
    s->prev[block - 1] = s->free_head;
    s->free_head = block;
    block = before;
  }
}
