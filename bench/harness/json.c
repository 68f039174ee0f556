#include "bench/harness/json.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TC_JSON_MAX_DEPTH 32

struct tc_json {
  char *buf;
  size_t len, cap;
  int pretty;
  int depth;
  char kind[TC_JSON_MAX_DEPTH];       /* '{' or '[' per open container */
  size_t items[TC_JSON_MAX_DEPTH];    /* values written at each level */
  int have_key;                       /* a key was written, its value is due */
  size_t top_values;                  /* values written at depth 0 */
  tc_status st;
  char why[160];
};

static void fail(tc_json *j, tc_status st, const char *why) {
  if (j->st != TC_OK)
    return;
  j->st = st;
  snprintf(j->why, sizeof j->why, "%s", why);
}

static void put(tc_json *j, const char *s, size_t n) {
  if (j->st != TC_OK)
    return;
  if (j->len + n + 1 > j->cap) {
    size_t cap = j->cap ? j->cap : 4096;
    while (j->len + n + 1 > cap)
      cap *= 2;
    char *nb = realloc(j->buf, cap);
    if (!nb) {
      fail(j, TC_ERR_NOMEM, "out of memory growing the JSON buffer");
      return;
    }
    j->buf = nb;
    j->cap = cap;
  }
  memcpy(j->buf + j->len, s, n);
  j->len += n;
  j->buf[j->len] = '\0';
}

static void puts_(tc_json *j, const char *s) { put(j, s, strlen(s)); }

static void newline(tc_json *j) {
  if (!j->pretty)
    return;
  put(j, "\n", 1);
  for (int i = 0; i < j->depth; i++)
    put(j, "  ", 2);
}

/* Separator and indentation before any value (or key, in an object). */
static void before_value(tc_json *j, int is_key) {
  if (j->st != TC_OK)
    return;
  if (j->depth == 0) {
    if (j->top_values > 0)
      fail(j, TC_ERR_INTERNAL, "JSON: a second top-level value");
    j->top_values++;
    return;
  }
  int in_obj = j->kind[j->depth - 1] == '{';
  if (in_obj && !is_key) {
    if (!j->have_key)
      fail(j, TC_ERR_INTERNAL, "JSON: object value without a key");
    j->have_key = 0;
    return; /* comma and indentation came with the key */
  }
  if (!in_obj && is_key) {
    fail(j, TC_ERR_INTERNAL, "JSON: key inside an array");
    return;
  }
  if (in_obj && j->have_key) {
    fail(j, TC_ERR_INTERNAL, "JSON: two keys in a row");
    return;
  }
  if (j->items[j->depth - 1]++ > 0)
    put(j, ",", 1);
  newline(j);
}

tc_status tc_json_create(int pretty, tc_json **out) {
  *out = NULL;
  tc_json *j = calloc(1, sizeof *j);
  if (!j)
    return TC_ERR_NOMEM;
  j->pretty = pretty;
  j->st = TC_OK;
  put(j, "", 0);
  if (j->st != TC_OK) {
    free(j);
    return TC_ERR_NOMEM;
  }
  *out = j;
  return TC_OK;
}

void tc_json_free(tc_json *j) {
  if (!j)
    return;
  free(j->buf);
  free(j);
}

static void open_(tc_json *j, char k) {
  before_value(j, 0);
  if (j->st != TC_OK)
    return;
  if (j->depth >= TC_JSON_MAX_DEPTH) {
    fail(j, TC_ERR_OVERFLOW, "JSON: nesting deeper than 32");
    return;
  }
  put(j, &k, 1);
  j->kind[j->depth] = k;
  j->items[j->depth] = 0;
  j->depth++;
}

static void close_(tc_json *j, char k) {
  if (j->st != TC_OK)
    return;
  if (j->depth == 0 || j->kind[j->depth - 1] != k || j->have_key) {
    fail(j, TC_ERR_INTERNAL, "JSON: unbalanced close");
    return;
  }
  size_t n = j->items[j->depth - 1];
  j->depth--;
  if (n > 0)
    newline(j);
  char c = k == '{' ? '}' : ']';
  put(j, &c, 1);
}

void tc_json_obj_begin(tc_json *j) { open_(j, '{'); }
void tc_json_obj_end(tc_json *j) { close_(j, '{'); }
void tc_json_arr_begin(tc_json *j) { open_(j, '['); }
void tc_json_arr_end(tc_json *j) { close_(j, '['); }

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not valid. */
static size_t utf8_len(const unsigned char *s) {
  unsigned c = s[0];
  size_t n;
  unsigned min;
  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    n = 2, min = 0x80;
  else if (c >= 0xe0 && c <= 0xef)
    n = 3, min = 0x800;
  else if (c >= 0xf0 && c <= 0xf4)
    n = 4, min = 0x10000;
  else
    return 0;
  unsigned cp = c & (0x3f >> (n - 1));
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

static void put_string(tc_json *j, const char *s) {
  put(j, "\"", 1);
  const unsigned char *p = (const unsigned char *)s;
  while (*p && j->st == TC_OK) {
    unsigned c = *p;
    char esc[8];
    if (c == '"' || c == '\\') {
      esc[0] = '\\';
      esc[1] = (char)c;
      put(j, esc, 2);
      p++;
    } else if (c < 0x20 || c == 0x7f) {
      const char *named = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r"
                        : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
      if (named) {
        puts_(j, named);
      } else {
        snprintf(esc, sizeof esc, "\\u%04x", c);
        puts_(j, esc);
      }
      p++;
    } else {
      size_t n = utf8_len(p);
      if (n == 0) {
        puts_(j, "\\ufffd");
        p++;
      } else {
        put(j, (const char *)p, n);
        p += n;
      }
    }
  }
  put(j, "\"", 1);
}

void tc_json_key(tc_json *j, const char *key) {
  before_value(j, 1);
  if (j->st != TC_OK)
    return;
  if (!key) {
    fail(j, TC_ERR_ARG, "JSON: NULL key");
    return;
  }
  put_string(j, key);
  put(j, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
  j->have_key = 1;
}

void tc_json_str(tc_json *j, const char *s) {
  before_value(j, 0);
  if (s)
    put_string(j, s);
  else
    puts_(j, "null");
}

void tc_json_num(tc_json *j, double v) {
  before_value(j, 0);
  if (!isfinite(v)) {
    puts_(j, "null");
    return;
  }
  char b[40];
  snprintf(b, sizeof b, "%.10g", v);
  puts_(j, b);
}

void tc_json_int(tc_json *j, int64_t v) {
  before_value(j, 0);
  char b[32];
  snprintf(b, sizeof b, "%" PRId64, v);
  puts_(j, b);
}

void tc_json_uint(tc_json *j, uint64_t v) {
  before_value(j, 0);
  char b[32];
  snprintf(b, sizeof b, "%" PRIu64, v);
  puts_(j, b);
}

void tc_json_bool(tc_json *j, int v) {
  before_value(j, 0);
  puts_(j, v ? "true" : "false");
}

void tc_json_null(tc_json *j) {
  before_value(j, 0);
  puts_(j, "null");
}

void tc_json_kstr(tc_json *j, const char *key, const char *s) { tc_json_key(j, key); tc_json_str(j, s); }
void tc_json_knum(tc_json *j, const char *key, double v) { tc_json_key(j, key); tc_json_num(j, v); }
void tc_json_kint(tc_json *j, const char *key, int64_t v) { tc_json_key(j, key); tc_json_int(j, v); }
void tc_json_kuint(tc_json *j, const char *key, uint64_t v) { tc_json_key(j, key); tc_json_uint(j, v); }
void tc_json_kbool(tc_json *j, const char *key, int v) { tc_json_key(j, key); tc_json_bool(j, v); }

tc_status tc_json_finish(const tc_json *j, tc_err *err) {
  if (j->st != TC_OK)
    return tc_fail(err, j->st, "%s", j->why);
  if (j->depth != 0 || j->top_values != 1)
    return tc_fail(err, TC_ERR_INTERNAL, "JSON: document incomplete (%d container(s) open)", j->depth);
  return TC_OK;
}

const char *tc_json_text(const tc_json *j, size_t *len) {
  if (len)
    *len = j->len;
  return j->buf ? j->buf : "";
}

tc_status tc_json_write_file(const tc_json *j, const char *path, tc_err *err) {
  TC_TRY(tc_json_finish(j, err));
  FILE *f = fopen(path, "w");
  if (!f)
    return tc_fail(err, TC_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
  int bad = fwrite(j->buf, 1, j->len, f) != j->len || fputc('\n', f) == EOF;
  bad |= fclose(f) != 0;
  if (bad)
    return tc_fail(err, TC_ERR_IO, "%s: write failed: %s", path, strerror(errno));
  return TC_OK;
}
