#include "host/opencl/cl_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/sha256.h"

#define MAGIC "TRJCLBIN"
#define MAX_BINARY ((size_t)1 << 30) /* a bigger file is not ours */

/* The one place the hash is taken (io/sha256.h). */
static void digest(const void *data, size_t n, uint8_t out[32]) {
  tc_sha256 c;
  tc_sha256_init(&c);
  tc_sha256_update(&c, data, n);
  tc_sha256_final(&c, out);
}

static void hex32(const uint8_t d[32], char out[65]) {
  static const char x[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++) {
    out[2 * i] = x[d[i] >> 4];
    out[2 * i + 1] = x[d[i] & 15];
  }
  out[64] = '\0';
}

int tc_cl_cache_dir(char *buf, size_t cap) {
  const char *env = getenv("TRAJCORR_CL_CACHE"), *xdg = getenv("XDG_CACHE_HOME"),
             *home = getenv("HOME");
  int n = -1;
  if (env && *env)
    n = strcmp(env, "off") ? snprintf(buf, cap, "%s", env) : -1;
  else if (xdg && *xdg == '/') /* the XDG spec ignores relative values */
    n = snprintf(buf, cap, "%s/trajcorr/cl", xdg);
  else if (home && *home)
    n = snprintf(buf, cap, "%s/.cache/trajcorr/cl", home);
  if (n < 0 || (size_t)n >= cap) {
    if (cap)
      buf[0] = '\0';
    return 0;
  }
  return 1;
}

/* A string property of the device (or of its platform when plat is set). */
static tc_status dev_str(cl_device_id dev, cl_platform_id plat, cl_uint what, char **out,
                         tc_err *err) {
  tc_status st = TC_OK;
  size_t n = 0;
  char *s = NULL;
  if (plat)
    TC_CL_TRY(err, clGetPlatformInfo(plat, (cl_platform_info)what, 0, NULL, &n));
  else
    TC_CL_TRY(err, clGetDeviceInfo(dev, (cl_device_info)what, 0, NULL, &n));
  if (!(s = calloc(1, n + 1))) {
    st = tc_fail(err, TC_ERR_NOMEM, "OpenCL device string of %zu bytes", n);
    goto cleanup;
  }
  if (plat)
    TC_CL_TRY(err, clGetPlatformInfo(plat, (cl_platform_info)what, n, s, NULL));
  else
    TC_CL_TRY(err, clGetDeviceInfo(dev, (cl_device_info)what, n, s, NULL));
  *out = s;
  s = NULL;
cleanup:
  free(s);
  return st;
}

tc_status tc_cl_cache_key(cl_device_id dev, const char *src, size_t len, const char *opts,
                          uint8_t key[TC_CL_KEY_LEN], tc_err *err) {
  tc_status st = TC_OK;
  cl_platform_id plat = NULL;
  char *pname = NULL, *dname = NULL, *dver = NULL, *drv = NULL, *text = NULL;
  uint8_t sh[32];
  char shx[65];
  TC_CL_TRY(err, clGetDeviceInfo(dev, CL_DEVICE_PLATFORM, sizeof plat, &plat, NULL));
  if ((st = dev_str(dev, plat, CL_PLATFORM_NAME, &pname, err)) ||
      (st = dev_str(dev, NULL, CL_DEVICE_NAME, &dname, err)) ||
      (st = dev_str(dev, NULL, CL_DEVICE_VERSION, &dver, err)) ||
      (st = dev_str(dev, NULL, CL_DRIVER_VERSION, &drv, err)))
    goto cleanup;
  digest(src, len, sh);
  hex32(sh, shx);
  /* one field a line, each named, so no two different keys give the same text */
  const char *fmt = "trajcorr-cl-cache %d\nplatform=%s\ndevice=%s\ndevice_version=%s\n"
                    "driver=%s\nsource_sha256=%s\noptions=%s\n";
  int n = snprintf(NULL, 0, fmt, TC_CL_CACHE_FORMAT, pname, dname, dver, drv, shx, opts);
  if (n < 0 || !(text = malloc((size_t)n + 1))) {
    st = tc_fail(err, TC_ERR_NOMEM, "OpenCL cache key");
    goto cleanup;
  }
  snprintf(text, (size_t)n + 1, fmt, TC_CL_CACHE_FORMAT, pname, dname, dver, drv, shx, opts);
  digest(text, (size_t)n, key);
cleanup:
  if (st != TC_OK)
    tc_err_prefix(err, "OpenCL program cache key: ");
  free(pname);
  free(dname);
  free(dver);
  free(drv);
  free(text);
  return st;
}

void tc_cl_cache_path(const char *dir, const uint8_t key[TC_CL_KEY_LEN], char *buf, size_t cap) {
  char hex[65];
  hex32(key, hex);
  snprintf(buf, cap, "%s/%s.clbin", dir, hex);
}

static void put_u32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static void put_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get_u32(const uint8_t *p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}
static uint64_t get_u64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

/* Header layout: magic[8] format u32 header-size u32 key[32] length u64 sha256[32]. */
static void make_header(uint8_t h[TC_CL_CACHE_HEADER], const uint8_t key[TC_CL_KEY_LEN],
                        const unsigned char *bin, size_t len) {
  memcpy(h, MAGIC, 8);
  put_u32(h + 8, TC_CL_CACHE_FORMAT);
  put_u32(h + 12, TC_CL_CACHE_HEADER);
  memcpy(h + 16, key, TC_CL_KEY_LEN);
  put_u64(h + 48, (uint64_t)len);
  digest(bin, len, h + 56);
}

tc_status tc_cl_cache_load(const char *path, const uint8_t key[TC_CL_KEY_LEN], unsigned char **bin,
                           size_t *len, char *why, size_t whycap, tc_err *err) {
  tc_status st = TC_OK;
  int fd = -1;
  unsigned char *buf = NULL;
  uint8_t h[TC_CL_CACHE_HEADER], sum[32];
  struct stat sb;
  *bin = NULL;
  *len = 0;
  why[0] = '\0';
  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
    if (errno != ENOENT)
      snprintf(why, whycap, "cannot open: %s", strerror(errno));
    goto cleanup;
  }
  if (fstat(fd, &sb) != 0) {
    snprintf(why, whycap, "fstat: %s", strerror(errno));
    goto cleanup;
  }
  size_t size = (size_t)sb.st_size;
  if (size < TC_CL_CACHE_HEADER) {
    snprintf(why, whycap, "truncated: %zu bytes, shorter than the %d-byte header", size,
             TC_CL_CACHE_HEADER);
    goto cleanup;
  }
  if (size - TC_CL_CACHE_HEADER > MAX_BINARY) {
    snprintf(why, whycap, "%zu bytes: larger than any program binary", size);
    goto cleanup;
  }
  if (!(buf = malloc(size))) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: %zu bytes", path, size);
    goto cleanup;
  }
  size_t got = 0;
  while (got < size) {
    ssize_t r = read(fd, buf + got, size - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0) {
      snprintf(why, whycap, "read: %s", r < 0 ? strerror(errno) : "file shrank while read");
      goto cleanup;
    }
    got += (size_t)r;
  }
  memcpy(h, buf, TC_CL_CACHE_HEADER);
  uint64_t blen = get_u64(h + 48);
  if (memcmp(h, MAGIC, 8))
    snprintf(why, whycap, "not a trajcorr program cache file (bad magic)");
  else if (get_u32(h + 8) != TC_CL_CACHE_FORMAT || get_u32(h + 12) != TC_CL_CACHE_HEADER)
    snprintf(why, whycap, "cache format %u (header %u bytes), expected %d (%d)",
             (unsigned)get_u32(h + 8), (unsigned)get_u32(h + 12), TC_CL_CACHE_FORMAT,
             TC_CL_CACHE_HEADER);
  else if (memcmp(h + 16, key, TC_CL_KEY_LEN))
    snprintf(why, whycap, "key in the header differs from the file's name");
  else if (blen != size - TC_CL_CACHE_HEADER)
    snprintf(why, whycap, "truncated: %zu binary bytes, the header says %llu",
             size - TC_CL_CACHE_HEADER, (unsigned long long)blen);
  else if (blen == 0)
    snprintf(why, whycap, "empty binary");
  else {
    digest(buf + TC_CL_CACHE_HEADER, (size_t)blen, sum);
    if (memcmp(sum, h + 56, 32))
      snprintf(why, whycap, "checksum mismatch (SHA-256 of the binary)");
  }
  if (why[0])
    goto cleanup;
  memmove(buf, buf + TC_CL_CACHE_HEADER, (size_t)blen);
  *bin = buf;
  *len = (size_t)blen;
  buf = NULL;
cleanup:
  if (fd >= 0)
    close(fd);
  free(buf);
  return st;
}

/* mkdir -p of the folder holding `path`. */
static tc_status make_parent(const char *path, tc_err *err) {
  char d[4096];
  int n = snprintf(d, sizeof d, "%s", path);
  if (n < 0 || (size_t)n >= sizeof d)
    return tc_fail(err, TC_ERR_IO, "%s: path too long", path);
  char *slash = strrchr(d, '/');
  if (!slash || slash == d)
    return TC_OK;
  *slash = '\0';
  for (char *p = d + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(d, 0755) != 0 && errno != EEXIST)
      return tc_fail(err, TC_ERR_IO, "%s: mkdir: %s", d, strerror(errno));
    *p = '/';
  }
  if (mkdir(d, 0755) != 0 && errno != EEXIST)
    return tc_fail(err, TC_ERR_IO, "%s: mkdir: %s", d, strerror(errno));
  return TC_OK;
}

static int write_all(int fd, const void *data, size_t n) {
  const unsigned char *p = data;
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

tc_status tc_cl_cache_store(const char *path, const uint8_t key[TC_CL_KEY_LEN],
                            const unsigned char *bin, size_t len, tc_err *err) {
  tc_status st = TC_OK;
  char tmp[4200];
  int fd = -1;
  uint8_t h[TC_CL_CACHE_HEADER];
  if ((st = make_parent(path, err)) != TC_OK)
    return st;
  snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
  if ((fd = mkstemp(tmp)) < 0) {
    st = tc_fail(err, TC_ERR_IO, "%s: mkstemp: %s", tmp, strerror(errno));
    tmp[0] = '\0';
    goto cleanup;
  }
  make_header(h, key, bin, len);
  if (write_all(fd, h, sizeof h) || write_all(fd, bin, len)) {
    st = tc_fail(err, TC_ERR_IO, "%s: write: %s", tmp, strerror(errno));
    goto cleanup;
  }
  if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
    st = tc_fail(err, TC_ERR_IO, "%s: fchmod/fsync: %s", tmp, strerror(errno));
    goto cleanup;
  }
  int rc = close(fd);
  fd = -1;
  if (rc != 0) {
    st = tc_fail(err, TC_ERR_IO, "%s: close: %s", tmp, strerror(errno));
    goto cleanup;
  }
  if (rename(tmp, path) != 0) {
    st = tc_fail(err, TC_ERR_IO, "%s: rename to %s: %s", tmp, path, strerror(errno));
    goto cleanup;
  }
  tmp[0] = '\0';
cleanup:
  if (fd >= 0)
    close(fd);
  if (tmp[0])
    unlink(tmp);
  return st;
}
