/* The checkpoint file: "TCCKPT01", a u32 byte-order mark, the u64 payload length, the
 * payload, and the SHA-256 of the header and payload; written under a temporary name,
 * synced and renamed, so a reader sees the previous file or the new one, whole. */
#include "host/engine/ckpt.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/engine/grow.h"
#include "io/sha256.h"

#define MAGIC "TCCKPT01"
#define BOM 0x01020304u
#define HEADER 20 /* magic, bom, length */

tc_status tc_ckbuf_put(void *buf, const void *p, size_t n) {
  tc_ckbuf *b = buf;
  if (n == 0)
    return TC_OK;
  unsigned char *v = tc_grow(b->v, &b->cap, b->n + n, 1, 1 << 16);
  if (!v)
    return TC_ERR_NOMEM;
  b->v = v;
  memcpy(b->v + b->n, p, n);
  b->n += n;
  return TC_OK;
}

void tc_ckbuf_free(tc_ckbuf *b) {
  free(b->v);
  memset(b, 0, sizeof *b);
}

static void header(unsigned char h[HEADER], uint64_t len) {
  uint32_t bom = BOM;
  memcpy(h, MAGIC, 8);
  memcpy(h + 8, &bom, 4);
  memcpy(h + 12, &len, 8);
}

static void digest(const unsigned char h[HEADER], const tc_ckbuf *parts, size_t nparts, uint8_t out[32]) {
  tc_sha256 c;
  tc_sha256_init(&c);
  tc_sha256_update(&c, h, HEADER);
  for (size_t i = 0; i < nparts; i++)
    tc_sha256_update(&c, parts[i].v, parts[i].n);
  tc_sha256_final(&c, out);
}

static int write_all(int fd, const void *p, size_t n) {
  const unsigned char *q = p;
  while (n) {
    ssize_t w = write(fd, q, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return 0;
    q += w;
    n -= (size_t)w;
  }
  return 1;
}

tc_status tc_ckpt_write_file(const char *path, const tc_ckbuf *parts, size_t nparts, tc_err *err) {
  char tmp[4096], dir[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
    return tc_fail(err, TC_ERR_ARG, "%s: path too long", path);
  unsigned char h[HEADER];
  uint8_t sum[32];
  uint64_t len = 0;
  for (size_t i = 0; i < nparts; i++)
    len += parts[i].n;
  header(h, len);
  digest(h, parts, nparts, sum);
  tc_status s = TC_OK;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return tc_fail(err, TC_ERR_IO, "checkpoint %s: cannot create: %s", tmp, strerror(errno));
  int ok = write_all(fd, h, sizeof h);
  for (size_t i = 0; ok && i < nparts; i++)
    ok = write_all(fd, parts[i].v, parts[i].n);
  if (!ok || !write_all(fd, sum, sizeof sum))
    s = tc_fail(err, TC_ERR_IO, "checkpoint %s: write failed: %s", tmp, strerror(errno));
  else if (fsync(fd) != 0)
    s = tc_fail(err, TC_ERR_IO, "checkpoint %s: fsync failed: %s", tmp, strerror(errno));
  if (close(fd) != 0 && s == TC_OK)
    s = tc_fail(err, TC_ERR_IO, "checkpoint %s: close failed: %s", tmp, strerror(errno));
  if (s == TC_OK && rename(tmp, path) != 0)
    s = tc_fail(err, TC_ERR_IO, "checkpoint %s: cannot rename %s onto it: %s", path, tmp, strerror(errno));
  if (s != TC_OK) {
    unlink(tmp);
    return s;
  }
  /* the rename itself is durable only once the folder is synced */
  snprintf(dir, sizeof dir, "%s", path);
  int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return tc_fail(err, TC_ERR_IO, "checkpoint %s: cannot open its folder: %s", path, strerror(errno));
  if (fsync(dfd) != 0 && errno != EINVAL)
    s = tc_fail(err, TC_ERR_IO, "checkpoint %s: fsync of its folder failed: %s", path, strerror(errno));
  close(dfd);
  return s;
}

tc_status tc_ckpt_read_file(const char *path, tc_ckbuf *b, tc_err *err) {
  tc_status s = TC_OK;
  b->n = 0;
  FILE *f = fopen(path, "rb");
  if (!f)
    return tc_fail(err, errno == ENOENT ? TC_ERR_NOT_FOUND : TC_ERR_IO, "%s: cannot open: %s", path,
                   strerror(errno));
  unsigned char h[HEADER], want[HEADER];
  uint8_t sum[32], got[32];
  uint64_t len;
  uint32_t bom;
  struct stat st;
  if (fread(h, 1, HEADER, f) != HEADER || memcmp(h, MAGIC, 8) != 0) {
    s = tc_fail(err, TC_ERR_FORMAT, "%s: not a trajcorr checkpoint (no TCCKPT01 header)", path);
    goto done;
  }
  memcpy(&bom, h + 8, 4);
  memcpy(&len, h + 12, 8);
  if (bom != BOM) {
    s = tc_fail(err, TC_ERR_FORMAT, "%s: written on a machine of the other byte order", path);
    goto done;
  }
  if (fstat(fileno(f), &st) != 0 || (uint64_t)st.st_size != HEADER + len + 32) {
    s = tc_fail(err, TC_ERR_FORMAT, "%s: damaged checkpoint: the header says %llu bytes of state, the file holds %lld "
                "bytes in all (truncated or extended)", path, (unsigned long long)len, (long long)st.st_size);
    goto done;
  }
  unsigned char *v = tc_grow(b->v, &b->cap, (size_t)len + 1, 1, 1);
  if (!v) {
    s = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory reading the checkpoint", path);
    goto done;
  }
  b->v = v;
  if (fread(b->v, 1, (size_t)len, f) != len || fread(sum, 1, 32, f) != 32) {
    s = tc_fail(err, TC_ERR_IO, "%s: read failed", path);
    goto done;
  }
  b->n = (size_t)len;
  header(want, len);
  digest(want, b, 1, got);
  if (memcmp(got, sum, 32) != 0)
    s = tc_fail(err, TC_ERR_FORMAT, "%s: damaged checkpoint: SHA-256 checksum mismatch (the file changed after it "
                "was written)", path);
done:
  fclose(f);
  return s;
}
