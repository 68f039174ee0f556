#include "io/csv_fields.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  r->n = 0;
  /* Fast path: one pass, no copies, until the first quote. */
  for (; p < e; p++) {
    char c = *p;
    if (c == delim) {
      if (r->n == r->cap && grow_fields(r) != TC_OK)
        return TC_ERR_NOMEM;
      r->f[r->n++] = (tc_csv_field){fs, (size_t)(p - fs)};
      fs = p + 1;
    } else if (c == '"') {
      break;
    }
  }
  if (p == e) {
    if (r->n == r->cap && grow_fields(r) != TC_OK)
      return TC_ERR_NOMEM;
    r->f[r->n++] = (tc_csv_field){fs, (size_t)(e - fs)};
    return TC_OK;
  }
  if (r->scratch_cap < len + 1) {
    char *s = realloc(r->scratch, len + 1);
    if (!s)
      return TC_ERR_NOMEM;
    r->scratch = s;
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

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static void trim(const char **p, size_t *n) {
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

int tc_csv_parse_double(const char *p, size_t n, double *v) {
  trim(&p, &n);
  const char *s = p, *e = p + n;
  int neg = 0;
  if (p < e && (*p == '-' || *p == '+'))
    neg = *p++ == '-';
  uint64_t m = 0;
  int nd = 0, exp10 = 0, any = 0, inexact = 0;
  for (; p < e && (unsigned)(*p - '0') <= 9; p++, any = 1) {
    unsigned d = (unsigned)(*p - '0');
    if (nd < 19) {
      m = m * 10 + d;
      nd += m != 0;
    } else {
      exp10++;
      inexact |= d != 0;
    }
  }
  if (p < e && *p == '.') {
    for (p++; p < e && (unsigned)(*p - '0') <= 9; p++, any = 1) {
      unsigned d = (unsigned)(*p - '0');
      if (nd < 19) {
        m = m * 10 + d;
        nd += m != 0;
        exp10--;
      } else {
        inexact |= d != 0;
      }
    }
  }
  if (!any)
    return 0;
  if (p < e && (*p == 'e' || *p == 'E')) {
    int eneg = 0, x = 0;
    p++;
    if (p < e && (*p == '-' || *p == '+'))
      eneg = *p++ == '-';
    if (p == e || (unsigned)(*p - '0') > 9)
      return 0;
    for (; p < e && (unsigned)(*p - '0') <= 9; p++)
      if (x < 100000)
        x = x * 10 + (*p - '0');
    exp10 += eneg ? -x : x;
  }
  if (p != e)
    return 0;
  /* Clinger's fast path: m and 10^|exp10| are exact doubles, so one rounding. */
  if (!inexact && m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
    double d = (double)m;
    d = exp10 < 0 ? d / pow10_tab[-exp10] : d * pow10_tab[exp10];
    *v = neg ? -d : d;
    return 1;
  }
  if (m == 0 && !inexact) {
    *v = neg ? -0.0 : 0.0;
    return 1;
  }
  char buf[128]; /* rare: more than 15-16 digits or a big exponent */
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
  if (p < e && *p == '+')
    p++;
  const char *d0 = p;
  uint64_t x = 0;
  for (; p < e && (unsigned)(*p - '0') <= 9; p++) {
    x = x * 10 + (unsigned)(*p - '0');
    if (x > UINT32_MAX)
      return 0;
  }
  if (p == d0)
    return 0;
  if (p < e && *p == '.') /* "123.0" from float-typed exports */
    for (p++; p < e && *p == '0'; p++)
      ;
  if (p != e)
    return 0;
  *v = (uint32_t)x;
  return 1;
}

int tc_csv_is_null(const char *p, size_t n) {
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

/* "column 'lat': 'abc' is not a number"; long values are cut with "...". */
static tc_status bad_value(const tc_csv_ctx *x, tc_err *err, const char *col, tc_csv_field v,
                           const char *what, int *ok) {
  char reason[64];
  int cut = v.n > 40;
  *ok = 0;
  snprintf(reason, sizeof reason, "column '%s' %s", col, what);
  return tc_csv_bad_row(x, err, reason, "column '%s': '%.*s%s' is %s", col, cut ? 40 : (int)v.n,
                        v.p, cut ? "..." : "", what);
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
