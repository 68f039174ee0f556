#include "host/opencl/cl_program.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/opencl/cl_cache.h"
#include "host/opencl/kernel_sources.h"
#include "io/clock.h"

#define CACHE_MAX 32
#define LOG_SHOWN 640 /* characters of build log that fit in a tc_err with its context */

typedef struct {
  cl_device_id dev;
  cl_context ctx;
} ctx_entry;

typedef struct {
  cl_device_id dev;
  int single, fp64;
  uint64_t hash;
  cl_program prog;
} prog_entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static ctx_entry ctxs[CACHE_MAX];
static prog_entry progs[CACHE_MAX];
static size_t nctx, nprog;

static uint64_t fnv1a(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

/* Reads dir/name whole; TC_ERR_IO names the path. */
static tc_status read_file(const char *dir, const char *name, char **text, size_t *len,
                           tc_err *err) {
  tc_status st = TC_OK;
  char path[4096];
  FILE *f = NULL;
  char *buf = NULL;
  size_t n = 0, cap = 0;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (!(f = fopen(path, "rb"))) {
    st = tc_fail(err, TC_ERR_IO, "%s: cannot open kernel source (TRAJCORR_KERNEL_DIR): %m", path);
    goto cleanup;
  }
  for (;;) {
    if (cap - n < 4096) {
      cap = cap ? 2 * cap : 65536;
      char *t = realloc(buf, cap + 1);
      if (!t) {
        st = tc_fail(err, TC_ERR_NOMEM, "%s: %zu bytes", path, cap + 1);
        goto cleanup;
      }
      buf = t;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  if (ferror(f)) {
    st = tc_fail(err, TC_ERR_IO, "%s: read error", path);
    goto cleanup;
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  buf = NULL;
cleanup:
  if (f)
    fclose(f);
  free(buf);
  return st;
}

typedef struct {
  char *s;
  size_t n, cap;
  int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
  if (b->oom)
    return;
  if (b->n + n + 1 > b->cap) {
    size_t nc = b->cap ? b->cap : 65536;
    while (nc < b->n + n + 1)
      nc *= 2;
    char *t = realloc(b->s, nc);
    if (!t) {
      b->oom = 1;
      return;
    }
    b->s = t;
    b->cap = nc;
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}

/* True when `name` is one of the files concatenated into the program. */
static int is_part(const char *name, size_t n) {
  for (const tc_kernel_source *k = tc_kernel_sources; k->name; k++)
    if (strlen(k->name) == n && !memcmp(k->name, name, n))
      return 1;
  return 0;
}

/* Appends one file, blanking `#include "x"` of files that are part of the source. */
static void add_file(sbuf *b, const char *name, const char *text, size_t len) {
  char line[512];
  snprintf(line, sizeof line, "#line 1 \"%s\"\n", name);
  sb_add(b, line, strlen(line));
  const char *p = text, *end = text + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl + 1 : end;
    const char *q = p;
    while (q < e && (*q == ' ' || *q == '\t'))
      q++;
    int blank = 0;
    if ((size_t)(e - q) > 10 && !strncmp(q, "#include \"", 10)) {
      const char *a = q + 10, *z = memchr(a, '"', (size_t)(e - a));
      blank = z && is_part(a, (size_t)(z - a));
    }
    if (blank)
      sb_add(b, "/* (included above) */\n", 23);
    else
      sb_add(b, p, (size_t)(e - p));
    p = e;
  }
  if (len && text[len - 1] != '\n')
    sb_add(b, "\n", 1);
}

static int is_cl(const char *name) {
  size_t n = strlen(name);
  return n > 3 && !strcmp(name + n - 3, ".cl");
}

tc_status tc_cl_program_source(int fp64, char **text, size_t *len, tc_err *err) {
  tc_status st = TC_OK;
  const char *dir = getenv("TRAJCORR_KERNEL_DIR");
  sbuf b = {0};
  char *file = NULL;
  /* order: geo.h, cells.cl (shared kernel definitions), then the other .cl files */
  const char *order[64];
  size_t no = 0;
  if (fp64)
    order[no++] = "geo.h";
  order[no++] = "cells.cl";
  for (const tc_kernel_source *k = tc_kernel_sources; k->name && no < 64; k++)
    if (is_cl(k->name) && strcmp(k->name, "cells.cl") && (fp64 || strcmp(k->name, "grid.cl")))
      order[no++] = k->name;
  if (fp64)
    sb_add(&b, "#define TC_FP64 1\n", 18);
  for (size_t i = 0; i < no; i++) {
    const tc_kernel_source *k = tc_kernel_sources;
    while (k->name && strcmp(k->name, order[i]))
      k++;
    if (!k->name) {
      st = tc_fail(err, TC_ERR_INTERNAL, "kernel source %s is not embedded in this build", order[i]);
      goto cleanup;
    }
    if (dir && *dir) {
      size_t flen = 0;
      if ((st = read_file(dir, k->name, &file, &flen, err)) != TC_OK)
        goto cleanup;
      add_file(&b, k->name, file, flen);
      free(file);
      file = NULL;
    } else {
      add_file(&b, k->name, k->text, k->len);
    }
  }
  if (b.oom) {
    st = tc_fail(err, TC_ERR_NOMEM, "kernel source: %zu bytes", b.cap);
    goto cleanup;
  }
  *text = b.s;
  *len = b.n;
  b.s = NULL;
cleanup:
  free(b.s);
  free(file);
  return st;
}

void tc_cl_build_options(int single, int fp64, char *buf, size_t cap) {
  snprintf(buf, cap, "-cl-std=CL1.2 -DTC_SINGLE=%d%s", single ? 1 : 0,
           fp64 ? "" : " -DTC_NO_FP64=1");
}

/* Context lookup/creation; the caller holds `lock`. */
static tc_status context_locked(cl_device_id dev, cl_context *ctx, tc_err *err) {
  tc_status st = TC_OK;
  cl_platform_id plat = NULL;
  cl_int rc = CL_SUCCESS;
  for (size_t i = 0; i < nctx; i++)
    if (ctxs[i].dev == dev) {
      *ctx = ctxs[i].ctx;
      return TC_OK;
    }
  if (nctx == CACHE_MAX)
    return tc_fail(err, TC_ERR_OVERFLOW, "OpenCL context cache full (%d devices)", CACHE_MAX);
  TC_CL_TRY(err, clGetDeviceInfo(dev, CL_DEVICE_PLATFORM, sizeof plat, &plat, NULL));
  cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)plat, 0};
  cl_context c = clCreateContext(props, 1, &dev, NULL, NULL, &rc);
  TC_CL_TRY_RC(err, rc, "clCreateContext");
  ctxs[nctx].dev = dev;
  ctxs[nctx].ctx = c;
  nctx++;
  *ctx = c;
cleanup:
  return st;
}

tc_status tc_cl_context_get(cl_device_id dev, cl_context *ctx, tc_err *err) {
  pthread_mutex_lock(&lock);
  tc_status st = context_locked(dev, ctx, err);
  if (st == TC_OK)
    clRetainContext(*ctx);
  pthread_mutex_unlock(&lock);
  return st;
}

/* The file and line of line `line` of the assembled source, from its #line marks:
 * compilers that ignore #line (NVIDIA's says "<kernel>:311:33") get it translated. */
static void source_line(const char *src, long line, char *buf, size_t cap) {
  char file[64] = "?";
  long cur = 1, in_file = 1;
  const char *p = src;
  buf[0] = '\0';
  while (*p && cur < line) {
    if (!strncmp(p, "#line ", 6)) {
      long n = strtol(p + 6, NULL, 10);
      const char *q = strchr(p, '"');
      const char *nl = strchr(p, '\n');
      if (q && (!nl || q < nl)) {
        const char *e = strchr(q + 1, '"');
        if (e && (size_t)(e - q - 1) < sizeof file) {
          memcpy(file, q + 1, (size_t)(e - q - 1));
          file[e - q - 1] = '\0';
        }
      }
      in_file = n - 1; /* the next line is line n */
    }
    const char *nl = strchr(p, '\n');
    if (!nl)
      return;
    p = nl + 1;
    cur++;
    in_file++;
  }
  if (cur == line)
    snprintf(buf, cap, " (<kernel>:%ld is %s:%ld)", line, file, in_file);
}

/* A failed build: the options and the start of the build log into err. */
static tc_status build_failed(cl_program prog, cl_device_id dev, cl_int rc, const char *opts,
                              const char *src, tc_err *err) {
  char *log = NULL;
  size_t n = 0;
  if (clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, 0, NULL, &n) == CL_SUCCESS &&
      (log = malloc(n + 1)) &&
      clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, n, log, NULL) == CL_SUCCESS)
    log[n] = '\0';
  else if (log)
    log[0] = '\0';
  char where[160] = "";
  const char *k = log ? strstr(log, "<kernel>:") : NULL;
  if (k)
    source_line(src, strtol(k + 9, NULL, 10), where, sizeof where);
  tc_fail(err, TC_ERR_OPENCL, "clBuildProgram: %s (%d) with options '%s'%s; build log: %.*s%s",
          tc_cl_errname(rc), (int)rc, opts, where, LOG_SHOWN, log ? log : "(unavailable)",
          log && strlen(log) > LOG_SHOWN ? " [...]" : "");
  free(log);
  return TC_ERR_OPENCL;
}

const char *tc_cl_from_name(tc_cl_from f) {
  return f == TC_CL_FROM_DISK ? "disk cache" : f == TC_CL_FROM_SOURCE ? "built" : "process";
}

/* The program from a cache file, or NULL (with the reason in info->note) when the file
 * is missing, bad, or refused by the driver. Only running out of memory is an error. */
static tc_status load_cached(cl_context ctx, cl_device_id dev, const char *opts,
                             const uint8_t key[TC_CL_KEY_LEN], tc_cl_program_info *info,
                             cl_program *out, tc_err *err) {
  tc_status st = TC_OK;
  unsigned char *bin = NULL;
  size_t blen = 0;
  cl_program p = NULL;
  cl_int rc = CL_SUCCESS, bst = CL_SUCCESS;
  *out = NULL;
  if ((st = tc_cl_cache_load(info->cache_file, key, &bin, &blen, info->note, sizeof info->note,
                             err)) != TC_OK || !bin)
    goto cleanup;
  const unsigned char *bins[1] = {bin};
  p = clCreateProgramWithBinary(ctx, 1, &dev, &blen, bins, &bst, &rc);
  if (rc == CL_SUCCESS && bst != CL_SUCCESS)
    rc = bst;
  if (rc != CL_SUCCESS) {
    snprintf(info->note, sizeof info->note, "clCreateProgramWithBinary: %s (%d)",
             tc_cl_errname(rc), (int)rc);
    goto cleanup;
  }
  if ((rc = clBuildProgram(p, 1, &dev, opts, NULL, NULL)) != CL_SUCCESS) {
    snprintf(info->note, sizeof info->note, "clBuildProgram of the cached binary: %s (%d)",
             tc_cl_errname(rc), (int)rc);
    goto cleanup;
  }
  *out = p;
  p = NULL;
cleanup:
  if (p)
    clReleaseProgram(p);
  free(bin);
  return st;
}

/* Stores a freshly built program's binary; a failure goes into info->note only: the
 * run goes on without the cache. */
static void store_built(cl_program p, const uint8_t key[TC_CL_KEY_LEN], tc_cl_program_info *info) {
  tc_status st = TC_OK;
  tc_err e = {0};
  size_t size = 0;
  unsigned char *bin = NULL;
  cl_uint ndev = 0;
  TC_CL_TRY(&e, clGetProgramInfo(p, CL_PROGRAM_NUM_DEVICES, sizeof ndev, &ndev, NULL));
  if (ndev != 1) { /* contexts here hold one device */
    st = tc_fail(&e, TC_ERR_INTERNAL, "program built for %u devices, expected 1", (unsigned)ndev);
    goto cleanup;
  }
  TC_CL_TRY(&e, clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, NULL));
  if (size == 0) {
    st = tc_fail(&e, TC_ERR_UNSUPPORTED, "the driver gives no program binary");
    goto cleanup;
  }
  if (!(bin = malloc(size))) {
    st = tc_fail(&e, TC_ERR_NOMEM, "program binary of %zu bytes", size);
    goto cleanup;
  }
  unsigned char *bins[1] = {bin};
  TC_CL_TRY(&e, clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof bins, bins, NULL));
  st = tc_cl_cache_store(info->cache_file, key, bin, size, &e);
cleanup:
  if (st == TC_OK) {
    info->cache_written = 1;
  } else {
    size_t n = strlen(info->note);
    snprintf(info->note + n, sizeof info->note - n, "%snot written: %s", n ? "; " : "", e.msg);
  }
  free(bin);
}

tc_status tc_cl_program_get(cl_device_id dev, int single, int fp64, cl_program *prog,
                            tc_cl_program_info *info, tc_err *err) {
  tc_status st = TC_OK;
  char *src = NULL;
  size_t len = 0;
  char opts[256], dir[4000];
  uint8_t key[TC_CL_KEY_LEN];
  cl_context ctx = NULL;
  cl_program p = NULL;
  cl_int rc = CL_SUCCESS;
  tc_cl_program_info local;
  double t0 = tc_clock_wall();
  if (!info)
    info = &local;
  memset(info, 0, sizeof *info);
  if ((st = tc_cl_program_source(fp64, &src, &len, err)) != TC_OK)
    return st;
  uint64_t h = fnv1a(src, len);
  tc_cl_build_options(single, fp64, opts, sizeof opts);
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < nprog; i++)
    if (progs[i].dev == dev && progs[i].single == !!single && progs[i].fp64 == !!fp64 &&
        progs[i].hash == h) {
      *prog = progs[i].prog;
      clRetainProgram(*prog);
      info->from = TC_CL_FROM_PROCESS;
      goto cleanup;
    }
  if (nprog == CACHE_MAX) {
    st = tc_fail(err, TC_ERR_OVERFLOW, "OpenCL program cache full (%d programs)", CACHE_MAX);
    goto cleanup;
  }
  if ((st = context_locked(dev, &ctx, err)) != TC_OK)
    goto cleanup;
  int disk = tc_cl_cache_dir(dir, sizeof dir);
  if (disk) {
    if ((st = tc_cl_cache_key(dev, src, len, opts, key, err)) != TC_OK)
      goto cleanup;
    tc_cl_cache_path(dir, key, info->cache_file, sizeof info->cache_file);
    if ((st = load_cached(ctx, dev, opts, key, info, &p, err)) != TC_OK)
      goto cleanup;
  }
  if (p) {
    info->from = TC_CL_FROM_DISK;
  } else {
    const char *srcs[1] = {src};
    info->from = TC_CL_FROM_SOURCE;
    p = clCreateProgramWithSource(ctx, 1, srcs, &len, &rc);
    TC_CL_TRY_RC(err, rc, "clCreateProgramWithSource");
    rc = clBuildProgram(p, 1, &dev, opts, NULL, NULL);
    if (rc != CL_SUCCESS) {
      st = build_failed(p, dev, rc, opts, src, err);
      goto cleanup;
    }
    if (disk)
      store_built(p, key, info);
  }
  progs[nprog] = (prog_entry){dev, !!single, !!fp64, h, p};
  nprog++;
  clRetainProgram(p);
  *prog = p;
  p = NULL;
cleanup:
  pthread_mutex_unlock(&lock);
  info->seconds = tc_clock_wall() - t0;
  if (p)
    clReleaseProgram(p);
  free(src);
  return st;
}

void tc_cl_cache_clear(void) {
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < nprog; i++)
    clReleaseProgram(progs[i].prog);
  for (size_t i = 0; i < nctx; i++)
    clReleaseContext(ctxs[i].ctx);
  nprog = nctx = 0;
  pthread_mutex_unlock(&lock);
}
