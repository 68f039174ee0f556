#include "io/csv_fields.h"
#include "io/printable.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "io/timeparse.h"

void tc_csv_row_init(tc_csv_row *r) { memset(r, 0, sizeof *r); }

void tc_csv_row_free(tc_csv_row *r) {
  if (!r)
    return;
  free(r->f);
  free(r->scratch);
  tc_csv_row_init(r);
}

static tc_status grow_fields(tc_csv_row *r) {
  size_t cap = r->cap ? r->cap * 2 : 32;
  tc_csv_field *f = realloc(r->f, cap * sizeof *f);
  if (!f)
    return TC_ERR_NOMEM;
  r->f = f;
  r->cap = cap;
  return TC_OK;
}

/* The rest of a line that has quotes: field by field, unescaping into scratch. */
static tc_status split_quoted(tc_csv_row *r, const char *p, const char *e, char delim) {
  char *o = r->scratch;
  for (;;) {
    if (r->n == r->cap && grow_fields(r) != TC_OK)
      return TC_ERR_NOMEM;
    if (p < e && *p == '"') {
      char *start = o;
      p++;
      for (;;) {
        if (p == e)
          return TC_ERR_FORMAT; /* open quote */
        if (*p == '"') {
          if (p + 1 < e && p[1] == '"') {
            *o++ = '"';
            p += 2;
            continue;
          }
          p++;
          break;
        }
        *o++ = *p++;
      }
      while (p < e && *p != delim) /* lenient: text after the closing quote */
        *o++ = *p++;
      r->f[r->n++] = (tc_csv_field){start, (size_t)(o - start)};
    } else {
      const char *q = p;
      while (q < e && *q != delim)
        q++;
      r->f[r->n++] = (tc_csv_field){p, (size_t)(q - p)};
      p = q;
    }
    if (p == e)
      return TC_OK;
    p++; /* delimiter */
  }
}

tc_status tc_csv_split(tc_csv_row *r, const char *line, size_t len, char delim) {
  const char *p = line, *e = line + len, *fs = line;
  int quote = 0;
  r->n = 0;
  if (r->cap < len + 1) { /* a row has at most len + 1 fields: no checks below */
    tc_csv_field *f = realloc(r->f, (len + 1) * sizeof *f);
    if (!f)
      return TC_ERR_NOMEM;
    r->f = f;
    r->cap = len + 1;
  }
  /* Fast path: no copies, until the first quote. */
#ifdef __SSE2__
  const __m128i vd = _mm_set1_epi8(delim), vq = _mm_set1_epi8('"');
  while (e - p >= 16) {
    __m128i c = _mm_loadu_si128((const __m128i *)(const void *)p);
    unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c, vd));
    unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c, vq));
    if (q)
      m &= (q & (0u - q)) - 1; /* only the delimiters before the first quote */
    for (; m; m &= m - 1) {
      const char *d = p + __builtin_ctz(m);
      r->f[r->n++] = (tc_csv_field){fs, (size_t)(d - fs)};
      fs = d + 1;
    }
    if (q) {
      p += __builtin_ctz(q);
      quote = 1;
      break;
    }
    p += 16;
  }
#endif
  for (; p < e && !quote; p++) {
    if (*p == delim) {
      r->f[r->n++] = (tc_csv_field){fs, (size_t)(p - fs)};
      fs = p + 1;
    } else if (*p == '"') {
      break;
    }
  }
  if (p >= e) {
    r->f[r->n++] = (tc_csv_field){fs, (size_t)(e - fs)};
    return TC_OK;
  }
  if (r->scratch_cap < len + 1) {
    char *sc = realloc(r->scratch, len + 1);
    if (!sc)
      return TC_ERR_NOMEM;
    r->scratch = sc;
    r->scratch_cap = len + 1;
  }
  return split_quoted(r, fs, e, delim);
}

char tc_csv_guess_delim(const char *line) {
  static const char cand[4] = {',', ';', '\t', '|'};
  size_t cnt[4] = {0, 0, 0, 0};
  for (const char *p = line; *p; p++)
    for (int i = 0; i < 4; i++)
      cnt[i] += *p == cand[i];
  int best = 0;
  for (int i = 1; i < 4; i++)
    if (cnt[i] > cnt[best])
      best = i;
  return cand[best];
}

static inline int is_blank(char c) { return c == ' ' || c == '\t'; }

static inline void trim(const char **p, size_t *n) {
  while (*n && is_blank(**p))
    (*p)++, (*n)--;
  while (*n && is_blank((*p)[*n - 1]))
    (*n)--;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int eq_nocase(const char *p, size_t n, const char *s) {
  size_t i = 0;
  for (; i < n; i++)
    if (!s[i] || lower((unsigned char)p[i]) != lower((unsigned char)s[i]))
      return 0;
  return s[i] == '\0';
}

int tc_csv_find_column(const tc_csv_row *h, const char *const *aliases) {
  for (; *aliases; aliases++)
    for (size_t i = 0; i < h->n; i++) {
      const char *p = h->f[i].p;
      size_t n = h->f[i].n;
      trim(&p, &n);
      if (eq_nocase(p, n, *aliases))
        return (int)i;
    }
  return -1;
}

static const double pow10_tab[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Digits at p (up to e), accumulated into *m; returns how many. More than 19 digits
 * overflow *m: callers check the count. */
static size_t digits(const char *p, const char *e, uint64_t *m) {
  const char *d0 = p;
  uint64_t x = *m;
  for (; p < e && (unsigned)(*p - '0') <= 9; p++)
    x = x * 10 + (unsigned)(*p - '0');
  *m = x;
  return (size_t)(p - d0);
}

int tc_csv_parse_double(const char *p, size_t n, double *v) {
  trim(&p, &n);
  const char *s = p, *e = p + n;
  int neg = 0;
  if (p < e && (*p == '-' || *p == '+'))
    neg = *p++ == '-';
  uint64_t m = 0;
  size_t ni = digits(p, e, &m), nf = 0;
  p += ni;
  if (p < e && *p == '.') {
    nf = digits(p + 1, e, &m);
    p += 1 + nf;
  }
  if (ni + nf == 0)
    return 0;
  int64_t exp10 = -(int64_t)nf;
  if (p < e && (*p == 'e' || *p == 'E')) {
    int eneg = 0;
    uint64_t x = 0;
    p++;
    if (p < e && (*p == '-' || *p == '+'))
      eneg = *p++ == '-';
    size_t nx = digits(p, e, &x);
    if (nx == 0)
      return 0;
    p += nx;
    if (nx > 6)
      x = 1000000; /* beyond any double; strtod below gives 0 or inf */
    exp10 += eneg ? -(int64_t)x : (int64_t)x;
  }
  if (p != e)
    return 0;
  /* Clinger's fast path: m and 10^|exp10| are exact doubles, so one rounding. */
  if (ni + nf <= 19 && m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
    double d = (double)m;
    d = exp10 < 0 ? d / pow10_tab[-exp10] : d * pow10_tab[exp10];
    *v = neg ? -d : d;
    return 1;
  }
  char buf[128]; /* rare: 16 or more significant digits, or a big exponent */
  if (n >= sizeof buf)
    return 0;
  memcpy(buf, s, n);
  buf[n] = '\0';
  *v = strtod(buf, NULL);
  return 1;
}

int tc_csv_parse_u32(const char *p, size_t n, uint32_t *v) {
  trim(&p, &n);
  const char *e = p + n;
  uint64_t x = 0;
  if (p < e && *p == '+')
    p++;
  size_t nd = digits(p, e, &x);
  if (nd == 0 || nd > 10 || x > UINT32_MAX)
    return 0;
  p += nd;
  if (p < e && *p == '.') /* "123.0" from float-typed exports */
    for (p++; p < e && *p == '0'; p++)
      ;
  if (p != e)
    return 0;
  *v = (uint32_t)x;
  return 1;
}

int tc_csv_is_null(const char *p, size_t n) {
  if (n && (unsigned)(*p - '0') <= 9) /* the common case: a number */
    return 0;
  trim(&p, &n);
  return n == 0 || eq_nocase(p, n, "na") || eq_nocase(p, n, "n/a") || eq_nocase(p, n, "nan") ||
         eq_nocase(p, n, "null") || eq_nocase(p, n, "none");
}

void tc_csv_copy_text(char *dst, size_t cap, const char *p, size_t n) {
  trim(&p, &n);
  if (n > cap - 1) {
    n = cap - 1;
    while (n && ((unsigned char)p[n] & 0xC0) == 0x80) /* don't split a UTF-8 character */
      n--;
  }
  memcpy(dst, p, n);
  dst[n] = '\0';
}

int tc_csv_poscols_need(const tc_csv_poscols *c) {
  int m = c->mmsi;
  const int v[6] = {c->t, c->lat, c->lon, c->sog, c->cog, c->heading};
  for (int i = 0; i < 6; i++)
    if (v[i] > m)
      m = v[i];
  return m + 1;
}

tc_status tc_csv_bad_row(const tc_csv_ctx *x, tc_err *err, const char *reason, const char *fmt, ...) {
  char detail[200], msg[TC_ERR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  snprintf(msg, sizeof msg, "%s:%llu: %s", x->path,
           (unsigned long long)tc_linesrc_lineno(x->src), detail);
  if (x->strict)
    return tc_fail(err, TC_ERR_FORMAT, "%s", msg);
  tc_reader_counts_skip(x->counts, reason, msg);
  return TC_OK;
}

/* "column 'lat': 'abc' is not a number"; the value escaped (io/printable.h), long ones
 * cut after 40 bytes with "…". */
static tc_status bad_value(const tc_csv_ctx *x, tc_err *err, const char *col, tc_csv_field v,
                           const char *what, int *ok) {
  char reason[64], shown[TC_PRINTABLE_CAP(40)];
  *ok = 0;
  snprintf(reason, sizeof reason, "column '%s' %s", col, what);
  return tc_csv_bad_row(x, err, reason, "column '%s': '%s' is %s", col,
                        tc_printable(shown, sizeof shown, v.p, v.n, 40), what);
}

static tc_status opt_float(const tc_csv_ctx *x, const tc_csv_row *row, int col, const char *name,
                           float *out, int *ok, tc_err *err) {
  double d;
  *out = NAN;
  if (col < 0 || tc_csv_is_null(row->f[col].p, row->f[col].n))
    return TC_OK;
  if (!tc_csv_parse_double(row->f[col].p, row->f[col].n, &d))
    return bad_value(x, err, name, row->f[col], "not a number", ok);
  *out = (float)d;
  return TC_OK;
}

tc_status tc_csv_parse_fix(const tc_csv_ctx *x, const tc_csv_row *row, const tc_csv_poscols *c,
                           tc_fix *f, int *ok, tc_err *err) {
  const tc_csv_field *fl = row->f;
  double h;
  *ok = 1;
  if (!tc_csv_parse_u32(fl[c->mmsi].p, fl[c->mmsi].n, &f->mmsi))
    return bad_value(x, err, "mmsi", fl[c->mmsi], "not an integer", ok);
  if (!tc_time_parse(fl[c->t].p, fl[c->t].n, &f->t))
    return bad_value(x, err, "time", fl[c->t], "not a valid time", ok);
  if (!tc_csv_parse_double(fl[c->lat].p, fl[c->lat].n, &f->lat))
    return bad_value(x, err, "lat", fl[c->lat], "not a number", ok);
  if (!tc_csv_parse_double(fl[c->lon].p, fl[c->lon].n, &f->lon))
    return bad_value(x, err, "lon", fl[c->lon], "not a number", ok);
  TC_TRY(opt_float(x, row, c->sog, "sog", &f->sog, ok, err));
  if (*ok)
    TC_TRY(opt_float(x, row, c->cog, "cog", &f->cog, ok, err));
  if (!*ok)
    return TC_OK;
  f->heading = TC_HEADING_UNKNOWN;
  if (c->heading >= 0 && !tc_csv_is_null(fl[c->heading].p, fl[c->heading].n)) {
    if (!tc_csv_parse_double(fl[c->heading].p, fl[c->heading].n, &h))
      return bad_value(x, err, "heading", fl[c->heading], "not a number", ok);
    if (h >= 0 && h < 360)
      f->heading = (uint16_t)h;
  }
  return TC_OK;
}

tc_status tc_csv_next_row(const tc_csv_ctx *x, tc_csv_row *row, char delim, int need, int *eof,
                          tc_err *err) {
  const char *line;
  size_t len;
  for (;;) {
    TC_TRY(tc_linesrc_next(x->src, &line, &len, eof, err));
    if (*eof)
      return TC_OK;
    if (len == 0 || ((line[0] == ' ' || line[0] == '\t') && strspn(line, " \t") == len))
      continue;
    if (x->header && len == x->header_len && !memcmp(line, x->header, len))
      continue;
    tc_status s = tc_csv_split(row, line, len, delim);
    if (s == TC_ERR_NOMEM)
      return tc_fail(err, s, "%s:%llu: out of memory splitting a row", x->path,
                     (unsigned long long)tc_linesrc_lineno(x->src));
    if (s == TC_ERR_FORMAT) {
      TC_TRY(tc_csv_bad_row(x, err, "unterminated quote", "unterminated quote"));
      continue;
    }
    if (row->n < (size_t)need) {
      TC_TRY(tc_csv_bad_row(x, err, "too few fields", "%zu fields, need at least %d", row->n, need));
      continue;
    }
    return TC_OK;
  }
}
