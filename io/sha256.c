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

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define TC_SHA_NI 1
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void blocks_portable(uint32_t st[8], const uint8_t *p, size_t nblocks) {
  for (; nblocks; nblocks--, p += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
      w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
             p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
      uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    for (int i = 0; i < 64; i++) {
      uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
      uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
    st[4] += e;
    st[5] += f;
    st[6] += g;
    st[7] += h;
  }
}

#ifdef TC_SHA_NI
/* Four rounds per step with sha256rnds2; the message schedule four words at a time
 * with sha256msg1/msg2 (Intel's SHA extensions, as in their white paper). */
__attribute__((target("sha,sse4.1,ssse3"))) static void blocks_ni(uint32_t st[8], const uint8_t *p,
                                                                    size_t nblocks) {
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i tmp = _mm_loadu_si128((const __m128i *)&st[0]);
  __m128i s1 = _mm_loadu_si128((const __m128i *)&st[4]);
  tmp = _mm_shuffle_epi32(tmp, 0xB1);       /* CDAB */
  s1 = _mm_shuffle_epi32(s1, 0x1B);         /* EFGH */
  __m128i s0 = _mm_alignr_epi8(tmp, s1, 8); /* ABEF */
  s1 = _mm_blend_epi16(s1, tmp, 0xF0);      /* CDGH */
  for (; nblocks; nblocks--, p += 64) {
    __m128i save0 = s0, save1 = s1, w[16];
    for (int i = 0; i < 16; i++) {
      if (i < 4) {
        w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
      } else {
        __m128i x = _mm_sha256msg1_epu32(w[i - 4], w[i - 3]);
        x = _mm_add_epi32(x, _mm_alignr_epi8(w[i - 1], w[i - 2], 4));
        w[i] = _mm_sha256msg2_epu32(x, w[i - 1]);
      }
      __m128i m = _mm_add_epi32(w[i], _mm_loadu_si128((const __m128i *)&K[4 * i]));
      s1 = _mm_sha256rnds2_epu32(s1, s0, m);
      s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0E));
    }
    s0 = _mm_add_epi32(s0, save0);
    s1 = _mm_add_epi32(s1, save1);
  }
  tmp = _mm_shuffle_epi32(s0, 0x1B);   /* FEBA */
  s1 = _mm_shuffle_epi32(s1, 0xB1);    /* DCHG */
  s0 = _mm_blend_epi16(tmp, s1, 0xF0); /* DCBA */
  s1 = _mm_alignr_epi8(s1, tmp, 8);    /* HGFE */
  _mm_storeu_si128((__m128i *)&st[0], s0);
  _mm_storeu_si128((__m128i *)&st[4], s1);
}

static int cpu_has_sha_ni(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
    return 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
    return 0;
  return (b >> 29) & 1;
}
#endif

static void blocks(tc_sha256 *c, const uint8_t *p, size_t n) {
#ifdef TC_SHA_NI
  if (c->ni) {
    blocks_ni(c->h, p, n);
    return;
  }
#endif
  blocks_portable(c->h, p, n);
}

void tc_sha256_init_portable(tc_sha256 *c) {
  static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(c->h, h0, sizeof h0);
  c->nbytes = 0;
  c->nbuf = 0;
  c->ni = 0;
}

void tc_sha256_init(tc_sha256 *c) {
  tc_sha256_init_portable(c);
#ifdef TC_SHA_NI
  c->ni = cpu_has_sha_ni();
#endif
}

void tc_sha256_update(tc_sha256 *c, const void *data, size_t n) {
  const uint8_t *p = data;
  c->nbytes += n;
  if (c->nbuf) {
    size_t take = 64 - c->nbuf < n ? 64 - c->nbuf : n;
    memcpy(c->buf + c->nbuf, p, take);
    c->nbuf += take;
    p += take;
    n -= take;
    if (c->nbuf < 64)
      return;
    blocks(c, c->buf, 1);
    c->nbuf = 0;
  }
  if (n >= 64) {
    blocks(c, p, n / 64);
    p += n / 64 * 64;
    n %= 64;
  }
  memcpy(c->buf, p, n);
  c->nbuf = n;
}

void tc_sha256_final(tc_sha256 *c, uint8_t out[32]) {
  uint64_t bits = c->nbytes * 8;
  uint8_t pad[72] = {0x80};
  size_t npad = (c->nbuf < 56 ? 56 : 120) - c->nbuf;
  for (int i = 0; i < 8; i++)
    pad[npad + i] = (uint8_t)(bits >> (56 - 8 * i));
  tc_sha256_update(c, pad, npad + 8);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(c->h[i] >> 24);
    out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
    out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
    out[4 * i + 3] = (uint8_t)c->h[i];
  }
}

void tc_sha256_hex(const uint8_t digest[32], char hex[TC_SHA256_HEX]) {
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++) {
    hex[2 * i] = digits[digest[i] >> 4];
    hex[2 * i + 1] = digits[digest[i] & 15];
  }
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
