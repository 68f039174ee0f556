#include "host/report/jsonread.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 512

/* Bump allocator: nodes and strings live in blocks freed together. */
typedef struct block {
  struct block *next;
  size_t used, cap;
  max_align_t data[];
} block;

struct tc_jdoc {
  block *blocks;
  tc_jnode *root;
};

typedef struct {
  const char *start, *s, *end, *name;
  tc_jdoc *j;
  tc_err *err;
  int depth;
} parser;

static void *arena(tc_jdoc *j, size_t size) {
  size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
  block *b = j->blocks;
  if (!b || b->cap - b->used < size) {
    size_t cap = size > 1 << 20 ? size : 1 << 20;
    b = malloc(sizeof *b + cap);
    if (!b)
      return NULL;
    b->cap = cap;
    b->used = 0;
    b->next = j->blocks;
    j->blocks = b;
  }
  void *p = (char *)b->data + b->used;
  b->used += size;
  return p;
}

static tc_status failat(parser *p, const char *what) {
  int line = 1, col = 1;
  for (const char *c = p->start; c < p->s && c < p->end; c++) {
    if (*c == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  return tc_fail(p->err, TC_ERR_FORMAT, "%s: JSON: %s at line %d column %d", p->name, what, line, col);
}

static void ws(parser *p) {
  while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
    p->s++;
}

static int hex4(const char *s, unsigned *v) {
  *v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    *v <<= 4;
    if (c >= '0' && c <= '9') *v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') *v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') *v |= (unsigned)(c - 'A' + 10);
    else return 0;
  }
  return 1;
}

static char *utf8(char *o, unsigned cp) {
  if (cp < 0x80) {
    *o++ = (char)cp;
  } else if (cp < 0x800) {
    *o++ = (char)(0xc0 | (cp >> 6));
    *o++ = (char)(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    *o++ = (char)(0xe0 | (cp >> 12));
    *o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
    *o++ = (char)(0x80 | (cp & 0x3f));
  } else {
    *o++ = (char)(0xf0 | (cp >> 18));
    *o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
    *o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
    *o++ = (char)(0x80 | (cp & 0x3f));
  }
  return o;
}

static tc_status string(parser *p, const char **out) {
  p->s++; /* opening quote */
  const char *q = p->s;
  while (q < p->end && *q != '"') {
    if (*q == '\\')
      q++;
    q++;
  }
  if (q >= p->end)
    return failat(p, "unterminated string");
  char *o = arena(p->j, (size_t)(q - p->s) + 1); /* decoded text is never longer */
  if (!o)
    return tc_fail(p->err, TC_ERR_NOMEM, "%s: JSON: out of memory", p->name);
  *out = o;
  while (*p->s != '"') {
    unsigned char c = (unsigned char)*p->s;
    if (c < 0x20)
      return failat(p, "control character in string");
    if (c != '\\') {
      *o++ = (char)c;
      p->s++;
      continue;
    }
    p->s++;
    switch (*p->s) {
    case '"': *o++ = '"'; break;
    case '\\': *o++ = '\\'; break;
    case '/': *o++ = '/'; break;
    case 'b': *o++ = '\b'; break;
    case 'f': *o++ = '\f'; break;
    case 'n': *o++ = '\n'; break;
    case 'r': *o++ = '\r'; break;
    case 't': *o++ = '\t'; break;
    case 'u': {
      unsigned cp, lo;
      if (p->end - p->s < 5 || !hex4(p->s + 1, &cp))
        return failat(p, "bad \\u escape");
      p->s += 4;
      if (cp >= 0xd800 && cp < 0xdc00 && p->end - p->s >= 7 && p->s[1] == '\\' && p->s[2] == 'u' &&
          hex4(p->s + 3, &lo) && lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        p->s += 6;
      }
      o = utf8(o, cp);
      break;
    }
    default:
      return failat(p, "bad escape in string");
    }
    p->s++;
  }
  *o = '\0';
  p->s++;
  return TC_OK;
}

static tc_status value(parser *p, tc_jnode *n);

static tc_status container(parser *p, tc_jnode *n, int obj) {
  char close = obj ? '}' : ']';
  if (++p->depth > MAX_DEPTH)
    return failat(p, "nesting too deep");
  p->s++;
  ws(p);
  tc_jnode **tail = &n->child;
  if (p->s < p->end && *p->s == close) {
    p->s++;
    p->depth--;
    return TC_OK;
  }
  for (;;) {
    tc_jnode *c = arena(p->j, sizeof *c);
    if (!c)
      return tc_fail(p->err, TC_ERR_NOMEM, "%s: JSON: out of memory", p->name);
    memset(c, 0, sizeof *c);
    ws(p);
    if (obj) {
      if (p->s >= p->end || *p->s != '"')
        return failat(p, "expected a member name");
      TC_TRY(string(p, &c->key));
      ws(p);
      if (p->s >= p->end || *p->s != ':')
        return failat(p, "expected ':'");
      p->s++;
    }
    TC_TRY(value(p, c));
    *tail = c;
    tail = &c->next;
    n->n++;
    ws(p);
    if (p->s < p->end && *p->s == ',') {
      p->s++;
      continue;
    }
    if (p->s < p->end && *p->s == close) {
      p->s++;
      p->depth--;
      return TC_OK;
    }
    return failat(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static int word(parser *p, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(p->end - p->s) >= n && !memcmp(p->s, w, n)) {
    p->s += n;
    return 1;
  }
  return 0;
}

static tc_status value(parser *p, tc_jnode *n) {
  ws(p);
  if (p->s >= p->end)
    return failat(p, "unexpected end of input");
  char c = *p->s;
  if (c == '{') {
    n->type = TC_JOBJ;
    return container(p, n, 1);
  }
  if (c == '[') {
    n->type = TC_JARR;
    return container(p, n, 0);
  }
  if (c == '"') {
    n->type = TC_JSTR;
    return string(p, &n->str);
  }
  if (word(p, "true")) {
    n->type = TC_JBOOL;
    n->num = 1;
    return TC_OK;
  }
  if (word(p, "false")) {
    n->type = TC_JBOOL;
    return TC_OK;
  }
  if (word(p, "null")) {
    n->type = TC_JNULL;
    return TC_OK;
  }
  if (c == '-' || (c >= '0' && c <= '9')) {
    char buf[64];
    size_t k = 0;
    while (p->s + k < p->end && k < sizeof buf - 1 && strchr("+-0123456789.eE", p->s[k]))
      k++;
    memcpy(buf, p->s, k);
    buf[k] = '\0';
    char *e;
    errno = 0;
    n->num = strtod(buf, &e);
    if (e != buf + k || k == 0)
      return failat(p, "bad number");
    n->type = TC_JNUM;
    p->s += k;
    return TC_OK;
  }
  return failat(p, "unexpected character");
}

tc_status tc_jdoc_parse(const char *text, size_t len, const char *name, tc_jdoc **out, tc_err *err) {
  *out = NULL;
  tc_jdoc *j = calloc(1, sizeof *j);
  if (!j)
    return tc_fail(err, TC_ERR_NOMEM, "%s: JSON: out of memory", name);
  parser p = {text, text, text + len, name, j, err, 0};
  tc_status s = TC_ERR_NOMEM;
  j->root = arena(j, sizeof *j->root);
  if (!j->root) {
    tc_fail(err, s, "%s: JSON: out of memory", name);
    goto cleanup;
  }
  memset(j->root, 0, sizeof *j->root);
  if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) /* UTF-8 byte order mark */
    p.s += 3;
  s = value(&p, j->root);
  if (s != TC_OK)
    goto cleanup;
  ws(&p);
  if (p.s != p.end) {
    s = failat(&p, "trailing characters after the value");
    goto cleanup;
  }
  *out = j;
  return TC_OK;
cleanup:
  tc_jdoc_free(j);
  return s;
}

tc_status tc_jdoc_load(const char *path, tc_jdoc **out, tc_err *err) {
  *out = NULL;
  char *buf = NULL;
  tc_status s = TC_OK;
  FILE *f = fopen(path, "rb");
  if (!f)
    return tc_fail(err, TC_ERR_IO, "%s: %s", path, strerror(errno));
  size_t cap = 1 << 16, n = 0;
  buf = malloc(cap);
  if (!buf) {
    s = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
    goto cleanup;
  }
  for (;;) {
    if (n == cap) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        s = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
        goto cleanup;
      }
      buf = nb;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  if (ferror(f)) {
    s = tc_fail(err, TC_ERR_IO, "%s: read error", path);
    goto cleanup;
  }
  s = tc_jdoc_parse(buf, n, path, out, err);
cleanup:
  free(buf);
  fclose(f);
  return s;
}

void tc_jdoc_free(tc_jdoc *j) {
  if (!j)
    return;
  for (block *b = j->blocks, *nx; b; b = nx) {
    nx = b->next;
    free(b);
  }
  free(j);
}

const tc_jnode *tc_jdoc_root(const tc_jdoc *j) { return j->root; }

const tc_jnode *tc_jget(const tc_jnode *obj, const char *key) {
  if (!obj || obj->type != TC_JOBJ)
    return NULL;
  for (const tc_jnode *c = obj->child; c; c = c->next)
    if (!strcmp(c->key, key))
      return c;
  return NULL;
}
