#include "bench/generate/csvout.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "io/numfmt.h"
#include "io/timefmt.h"

#define OUT_BUF (1u << 20)

struct tc_gen_out {
  FILE *fp;
  gzFile gz;
  int is_stdout;
  char *buf;
  size_t n;
  uint64_t bytes;
  char path[512];
};

static int ends_with(const char *s, const char *suf) {
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && !strcmp(s + a - b, suf);
}

tc_status tc_gen_out_open(const char *path, int gz_level, tc_gen_out **out, tc_err *err) {
  tc_status st = TC_OK;
  *out = NULL;
  tc_gen_out *o = calloc(1, sizeof *o);
  if (!o || !(o->buf = malloc(OUT_BUF))) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory for the output buffer", path);
    goto cleanup;
  }
  snprintf(o->path, sizeof o->path, "%s", path);
  if (!strcmp(path, "-")) {
    o->fp = stdout;
    o->is_stdout = 1;
  } else if (ends_with(path, ".gz")) {
    char mode[8];
    snprintf(mode, sizeof mode, "wb%d", gz_level < 1 ? 1 : gz_level > 9 ? 9 : gz_level);
    if (!(o->gz = gzopen(path, mode))) {
      st = tc_fail(err, TC_ERR_IO, "%s: cannot open for writing: %s", path, strerror(errno));
      goto cleanup;
    }
    if (gzbuffer(o->gz, 1u << 18) != 0) {
      st = tc_fail(err, TC_ERR_IO, "%s: gzbuffer failed", path);
      goto cleanup;
    }
  } else if (!(o->fp = fopen(path, "wb"))) {
    st = tc_fail(err, TC_ERR_IO, "%s: cannot open for writing: %s", path, strerror(errno));
    goto cleanup;
  }
  *out = o;
  o = NULL;
cleanup:
  tc_gen_out_abort(o);
  return st;
}

static tc_status flush(tc_gen_out *o, tc_err *err) {
  if (o->n == 0)
    return TC_OK;
  if (o->gz) {
    if (gzwrite(o->gz, o->buf, (unsigned)o->n) != (int)o->n) {
      int zerr;
      const char *m = gzerror(o->gz, &zerr);
      return tc_fail(err, TC_ERR_IO, "%s: write failed: %s", o->path,
                     zerr == Z_ERRNO ? strerror(errno) : m);
    }
  } else if (fwrite(o->buf, 1, o->n, o->fp) != o->n) {
    return tc_fail(err, TC_ERR_IO, "%s: write failed: %s", o->path, strerror(errno));
  }
  o->n = 0;
  return TC_OK;
}

tc_status tc_gen_out_write(tc_gen_out *o, const char *s, size_t n, tc_err *err) {
  while (n > 0) {
    if (o->n == OUT_BUF)
      TC_TRY(flush(o, err));
    size_t take = OUT_BUF - o->n < n ? OUT_BUF - o->n : n;
    memcpy(o->buf + o->n, s, take);
    o->n += take;
    o->bytes += take;
    s += take;
    n -= take;
  }
  return TC_OK;
}

tc_status tc_gen_out_fixes(tc_gen_out *o, const tc_fix *f, size_t n, tc_err *err) {
  for (size_t i = 0; i < n; i++) {
    if (OUT_BUF - o->n < TC_GEN_ROW_MAX)
      TC_TRY(flush(o, err));
    size_t len = tc_gen_format_fix(&f[i], o->buf + o->n);
    o->n += len;
    o->bytes += len;
  }
  return TC_OK;
}

tc_status tc_gen_out_close(tc_gen_out *o, tc_err *err) {
  if (!o)
    return TC_OK;
  tc_status st = flush(o, err);
  if (o->gz) {
    int rc = gzclose(o->gz);
    o->gz = NULL;
    if (st == TC_OK && rc != Z_OK)
      st = tc_fail(err, TC_ERR_IO, "%s: closing the gzip stream failed (zlib %d)", o->path, rc);
  } else if (o->fp) {
    int rc = o->is_stdout ? fflush(o->fp) : fclose(o->fp);
    int bad = rc != 0 || (o->is_stdout && ferror(o->fp));
    o->fp = NULL;
    if (st == TC_OK && bad)
      st = tc_fail(err, TC_ERR_IO, "%s: closing failed: %s", o->path, strerror(errno));
  }
  tc_gen_out_abort(o);
  return st;
}

void tc_gen_out_abort(tc_gen_out *o) {
  if (!o)
    return;
  if (o->gz)
    gzclose(o->gz);
  if (o->fp && !o->is_stdout)
    fclose(o->fp);
  free(o->buf);
  free(o);
}

uint64_t tc_gen_out_bytes(const tc_gen_out *o) { return o->bytes; }

/* x with `dec` decimals, rounded half away from zero. */
static size_t put_fixed(char *p, double x, int dec, uint64_t scale) {
  if (!isfinite(x))
    return 0; /* unknown: empty field */
  long long v = llround(x * (double)scale);
  size_t k = 0;
  if (v < 0) {
    p[k++] = '-';
    v = -v;
  }
  k += tc_fmt_u64(p + k, (uint64_t)v / scale);
  p[k++] = '.';
  uint64_t frac = (uint64_t)v % scale;
  for (int i = dec - 1; i >= 0; i--) {
    p[k + (size_t)i] = (char)('0' + frac % 10);
    frac /= 10;
  }
  return k + (size_t)dec;
}

size_t tc_gen_format_fix(const tc_fix *f, char *out) {
  char *p = out;
  p += tc_fmt_u64(p, f->mmsi);
  *p++ = ',';
  p += (size_t)tc_time_format_iso(f->t, p);
  *p++ = ',';
  p += put_fixed(p, f->lat, 6, 1000000);
  *p++ = ',';
  p += put_fixed(p, f->lon, 6, 1000000);
  *p++ = ',';
  p += put_fixed(p, f->sog, 1, 10);
  *p++ = ',';
  p += put_fixed(p, f->cog, 1, 10);
  *p++ = ',';
  p += tc_fmt_u64(p, f->heading);
  *p++ = '\n';
  return (size_t)(p - out);
}

static size_t put_opt(char *p, size_t cap, const char *fmt, double x) {
  if (!isfinite(x))
    return 0;
  int k = snprintf(p, cap, fmt, x);
  return k < 0 ? 0 : (size_t)k < cap ? (size_t)k : cap - 1;
}

/* A planted event as a truth row: kind,mmsi_a,mmsi_b,start,end,expected,lat,lon,slots. */
static size_t event_row(const tc_gen_event *e, char *row, size_t cap) {
  char *p = row;
  const char *end = row + cap;
  int64_t s = e->start, t = e->end;
  if (e->kind == TC_GEV_DARK) { /* the overlap of the two gaps */
    s = e->b_start > s ? e->b_start : s;
    t = e->b_end < t ? e->b_end : t;
  }
  p += snprintf(p, (size_t)(end - p), "%s,%u,", tc_gen_event_kind_name(e->kind), e->mmsi_a);
  if (e->mmsi_b)
    p += snprintf(p, (size_t)(end - p), "%u", e->mmsi_b);
  *p++ = ',';
  p += (size_t)tc_time_format_iso(s, p);
  *p++ = ',';
  p += (size_t)tc_time_format_iso(t, p);
  p += snprintf(p, (size_t)(end - p), ",%d,%.6f,%.6f,", e->kind == TC_GEV_OUTAGE ? 0 : 1, e->lat, e->lon);
  if (e->kind == TC_GEV_LOITERING)
    p += snprintf(p, (size_t)(end - p), "%u", e->slots);
  p += snprintf(p, (size_t)(end - p), ",,,\n");
  return (size_t)(p - row);
}

tc_status tc_gen_write_truth(const char *path, const tc_truth *t, size_t n, tc_err *err) {
  return tc_gen_write_truth_events(path, t, n, NULL, 0, err);
}

tc_status tc_gen_write_truth_events(const char *path, const tc_truth *t, size_t n, const tc_gen_event *ev,
                                    size_t nev, tc_err *err) {
  tc_gen_out *o = NULL;
  TC_TRY(tc_gen_out_open(path, 6, &o, err));
  tc_status st = tc_gen_out_write(o, TC_GEN_TRUTH_HEADER, strlen(TC_GEN_TRUTH_HEADER), err);
  for (size_t i = 0; i < n && st == TC_OK; i++) {
    char row[512], *p = row;
    const char *end = row + sizeof row;
    p += snprintf(p, (size_t)(end - p), "%s,%u,%u,", tc_truth_kind_name(t[i].kind), t[i].mmsi_a,
                  t[i].mmsi_b);
    p += (size_t)tc_time_format_iso(t[i].start, p);
    *p++ = ',';
    p += (size_t)tc_time_format_iso(t[i].end, p);
    *p++ = ',';
    if (t[i].expected >= 0)
      *p++ = (char)('0' + t[i].expected);
    p += snprintf(p, (size_t)(end - p), ",%.6f,%.6f,%u,", t[i].lat, t[i].lon, t[i].close_slots);
    p += put_opt(p, (size_t)(end - p), "%.1f", t[i].min_dist_m);
    *p++ = ',';
    p += put_opt(p, (size_t)(end - p), "%.3f", t[i].speed_a_kn);
    *p++ = ',';
    p += put_opt(p, (size_t)(end - p), "%.3f", t[i].speed_b_kn);
    *p++ = '\n';
    st = tc_gen_out_write(o, row, (size_t)(p - row), err);
  }
  for (size_t i = 0; i < nev && st == TC_OK; i++) {
    char row[512];
    st = tc_gen_out_write(o, row, event_row(&ev[i], row, sizeof row), err);
  }
  if (st != TC_OK) {
    tc_gen_out_abort(o);
    return st;
  }
  return tc_gen_out_close(o, err);
}
