#include "io/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/base16.h>

/* The block function is nettle's (sha256_update picks the SHA extensions or its
 * assembly at run time); this file adds the byte count the store records and the
 * file and standard-input plumbing. */
void tc_sha256_init(tc_sha256 *c) {
  sha256_init(&c->ctx);
  c->nbytes = 0;
}

void tc_sha256_update(tc_sha256 *c, const void *data, size_t n) {
  sha256_update(&c->ctx, n, data);
  c->nbytes += n;
}

void tc_sha256_final(tc_sha256 *c, uint8_t out[32]) { sha256_digest(&c->ctx, SHA256_DIGEST_SIZE, out); }

void tc_sha256_hex(const uint8_t digest[32], char hex[TC_SHA256_HEX]) {
  base16_encode_update(hex, SHA256_DIGEST_SIZE, digest); /* lowercase */
  hex[64] = '\0';
}

#define IO_BLOCK (1u << 20)

tc_status tc_sha256_file(const char *path, char hex[TC_SHA256_HEX], uint64_t *size, tc_err *err) {
  tc_status st = TC_OK;
  uint8_t *buf = NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return tc_fail(err, TC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  buf = malloc(IO_BLOCK);
  if (!buf) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: no memory to hash the file", path);
    goto cleanup;
  }
  (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  tc_sha256 c;
  tc_sha256_init(&c);
  for (;;) {
    ssize_t n = read(fd, buf, IO_BLOCK);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      st = tc_fail(err, TC_ERR_IO, "%s: read error while hashing: %s", path, strerror(errno));
      goto cleanup;
    }
    if (n == 0)
      break;
    tc_sha256_update(&c, buf, (size_t)n);
  }
  uint8_t d[32];
  *size = c.nbytes;
  tc_sha256_final(&c, d);
  tc_sha256_hex(d, hex);
cleanup:
  free(buf);
  close(fd);
  return st;
}

/* ---- standard input tee ---- */

struct tc_stdin_tee {
  pthread_t thread;
  int in_fd;  /* the original standard input */
  int out_fd; /* write end of the pipe now on fd 0 (non-blocking) */
  atomic_int stop;
  int eof;       /* the original input was read to its end */
  int sys_errno; /* a failing read or write */
  const char *what;
  tc_sha256 sha;
};

/* Waits for fd to be ready; 0 when asked to stop. Polling keeps stop responsive. */
static int wait_fd(tc_stdin_tee *t, int fd, short ev) {
  while (!atomic_load(&t->stop)) {
    struct pollfd p = {.fd = fd, .events = ev};
    int r = poll(&p, 1, 100);
    if (r > 0 || (r < 0 && errno != EINTR))
      return 1;
  }
  return 0;
}

static void *tee_main(void *arg) {
  tc_stdin_tee *t = arg;
  sigset_t pipe_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE); /* a reader that stopped early gives EPIPE, not death */
  pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
  uint8_t *buf = malloc(1u << 16);
  if (!buf) {
    t->sys_errno = ENOMEM;
    t->what = "allocating";
    goto done;
  }
  while (wait_fd(t, t->in_fd, POLLIN)) {
    ssize_t n = read(t->in_fd, buf, 1u << 16);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n < 0) {
      t->sys_errno = errno;
      t->what = "reading standard input";
      break;
    }
    if (n == 0) {
      t->eof = 1;
      break;
    }
    tc_sha256_update(&t->sha, buf, (size_t)n);
    for (ssize_t off = 0; off < n;) {
      if (!wait_fd(t, t->out_fd, POLLOUT))
        goto done;
      ssize_t w = write(t->out_fd, buf + off, (size_t)(n - off));
      if (w < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (w < 0) {
        t->sys_errno = errno;
        t->what = "passing standard input on";
        goto done;
      }
      off += w;
    }
  }
done:
  free(buf);
  close(t->out_fd); /* the importer sees end of input */
  t->out_fd = -1;
  return NULL;
}

tc_status tc_stdin_tee_start(tc_stdin_tee **out, tc_err *err) {
  *out = NULL;
  int p[2] = {-1, -1};
  tc_stdin_tee *t = calloc(1, sizeof *t);
  if (!t)
    return tc_fail(err, TC_ERR_NOMEM, "standard input: no memory");
  tc_sha256_init(&t->sha);
  atomic_init(&t->stop, 0);
  t->in_fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
  if (t->in_fd < 0 || pipe2(p, O_CLOEXEC) != 0 || fcntl(p[1], F_SETFL, O_NONBLOCK) != 0) {
    tc_fail(err, TC_ERR_IO, "standard input: cannot set up hashing: %s", strerror(errno));
    goto fail;
  }
  if (dup2(p[0], 0) < 0) {
    tc_fail(err, TC_ERR_IO, "standard input: cannot set up hashing: %s", strerror(errno));
    goto fail;
  }
  close(p[0]);
  p[0] = -1;
  t->out_fd = p[1];
  if (pthread_create(&t->thread, NULL, tee_main, t) != 0) {
    dup2(t->in_fd, 0);
    tc_fail(err, TC_ERR_IO, "standard input: cannot start the hashing thread");
    goto fail;
  }
  *out = t;
  return TC_OK;
fail:
  if (p[0] >= 0)
    close(p[0]);
  if (p[1] >= 0)
    close(p[1]);
  if (t->in_fd >= 0)
    close(t->in_fd);
  free(t);
  return err ? err->code : TC_ERR_IO;
}

tc_status tc_stdin_tee_finish(tc_stdin_tee *t, int abort, char hex[TC_SHA256_HEX], uint64_t *size,
                              tc_err *err) {
  if (!t)
    return TC_OK;
  tc_status st = TC_OK;
  if (abort)
    atomic_store(&t->stop, 1);
  /* Putting the original input back closes our pipe's read end if the importer left
   * it open, so a thread blocked on a full pipe ends with EPIPE. */
  dup2(t->in_fd, 0);
  pthread_join(t->thread, NULL);
  close(t->in_fd);
  if (!abort) {
    if (t->sys_errno)
      st = tc_fail(err, TC_ERR_IO, "standard input: %s: %s", t->what, strerror(t->sys_errno));
    else if (!t->eof)
      st = tc_fail(err, TC_ERR_INTERNAL, "standard input: not read to its end");
    else {
      uint8_t d[32];
      *size = t->sha.nbytes;
      tc_sha256_final(&t->sha, d);
      tc_sha256_hex(d, hex);
    }
  }
  free(t);
  return st;
}
