#include "host/report/watchlist.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/grow.h"
#include "host/report/csvline.h"
#include "io/printable.h"

typedef struct {
  uint32_t id;
  int is_imo;
  char label[64];
} entry;

struct tc_watchlist {
  entry *v;
  size_t n, cap;
  int sorted;
};

int tc_imo_valid(uint32_t imo) {
  if (imo < 1000000 || imo > 9999999)
    return 0;
  unsigned sum = 0, d = imo / 10;
  for (unsigned w = 2; w <= 7; w++, d /= 10)
    sum += (d % 10) * w;
  return sum % 10 == imo % 10;
}

tc_status tc_watchlist_create(tc_watchlist **out) {
  *out = calloc(1, sizeof **out);
  return *out ? TC_OK : TC_ERR_NOMEM;
}

tc_status tc_watchlist_add(tc_watchlist *w, int is_imo, uint32_t id, const char *label) {
  entry *v = tc_grow(w->v, &w->cap, w->n + 1, sizeof *v, 64);
  if (!v)
    return TC_ERR_NOMEM;
  w->v = v;
  entry *e = &w->v[w->n++];
  e->id = id;
  e->is_imo = is_imo ? 1 : 0;
  snprintf(e->label, sizeof e->label, "%s", label ? label : "");
  w->sorted = 0;
  return TC_OK;
}

void tc_watchlist_free(tc_watchlist *w) {
  if (!w)
    return;
  free(w->v);
  free(w);
}

size_t tc_watchlist_size(const tc_watchlist *w) { return w ? w->n : 0; }

int tc_watchlist_has_imos(const tc_watchlist *w) {
  for (size_t i = 0; w && i < w->n; i++)
    if (w->v[i].is_imo)
      return 1;
  return 0;
}

static int cmp(const void *pa, const void *pb) {
  const entry *a = pa, *b = pb;
  if (a->is_imo != b->is_imo)
    return a->is_imo - b->is_imo;
  return a->id < b->id ? -1 : a->id > b->id;
}

static const char *find(const tc_watchlist *w, int is_imo, uint32_t id) {
  if (!w || !w->n)
    return NULL;
  if (!w->sorted) { /* lazily, so adding stays cheap; lookups run single-threaded */
    tc_watchlist *m = (tc_watchlist *)w;
    qsort(m->v, m->n, sizeof *m->v, cmp);
    m->sorted = 1;
  }
  entry key = {id, is_imo, ""};
  const entry *e = bsearch(&key, w->v, w->n, sizeof *w->v, cmp);
  return e ? e->label : NULL;
}

const char *tc_watchlist_mmsi(const tc_watchlist *w, uint32_t mmsi) { return find(w, 0, mmsi); }
const char *tc_watchlist_imo(const tc_watchlist *w, uint32_t imo) { return imo ? find(w, 1, imo) : NULL; }

static int parse_u32(const char *s, uint32_t *v) {
  if (!isdigit((unsigned char)*s))
    return 0;
  char *e;
  errno = 0;
  unsigned long long x = strtoull(s, &e, 10);
  if (*e || errno || x == 0 || x > 999999999ULL)
    return 0;
  *v = (uint32_t)x;
  return 1;
}

tc_status tc_watchlist_load(const char *path, tc_watchlist **out, tc_err *err) {
  *out = NULL;
  tc_watchlist *w = NULL;
  char *line = NULL;
  size_t cap = 0;
  tc_status s = TC_OK;
  FILE *f = fopen(path, "r");
  if (!f)
    return tc_fail(err, TC_ERR_IO, "%s: %s", path, strerror(errno));
  if (tc_watchlist_create(&w) != TC_OK) {
    s = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
    goto cleanup;
  }
  int kind = -1; /* from a header: 0 MMSI, 1 IMO */
  int first = 1;  /* the first line that is not blank or a comment may be a header */
  int r;
  for (size_t lineno = 1; (r = tc_csvl_read_line(f, &line, &cap)) == 1; lineno++) {
    char *hash = strchr(line, '#');
    if (hash)
      *hash = '\0';
    char *fld[2] = {NULL, NULL};
    for (char *p = line; *p; p++)
      if (*p == ';' || *p == '\t')
        *p = ',';
    int nf = tc_csvl_split(line, fld, 2);
    if (nf < 1 || !fld[0][0])
      continue;
    char *tok = fld[0];
    int is_imo = -1;
    if (!strncasecmp(tok, "imo", 3) && (isdigit((unsigned char)tok[3]) || tok[3] == ':' || tok[3] == ' ')) {
      is_imo = 1;
      tok += tok[3] == ':' || tok[3] == ' ' ? 4 : 3;
    } else if (!strncasecmp(tok, "mmsi:", 5)) {
      is_imo = 0;
      tok += 5;
    }
    while (*tok == ' ')
      tok++;
    uint32_t id;
    int was_first = first;
    first = 0;
    if (!parse_u32(tok, &id)) {
      if (was_first && is_imo < 0) { /* header */
        kind = !strncasecmp(fld[0], "imo", 3) ? 1 : !strncasecmp(fld[0], "mmsi", 4) ? 0 : -1;
        continue;
      }
      char shown[TC_PRINTABLE_CAP(40)];
      s = tc_fail(err, TC_ERR_FORMAT, "%s:%zu: '%s' is not an MMSI or IMO number", path, lineno,
                  tc_printable(shown, sizeof shown, fld[0], strlen(fld[0]), 40));
      goto cleanup;
    }
    if (is_imo < 0)
      is_imo = kind >= 0 ? kind : tc_imo_valid(id);
    if (tc_watchlist_add(w, is_imo, id, nf > 1 ? fld[1] : "") != TC_OK) {
      s = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
      goto cleanup;
    }
  }
  if (r < 0) {
    s = tc_fail(err, TC_ERR_IO, "%s: read error", path);
    goto cleanup;
  }
  if (w->n == 0) {
    s = tc_fail(err, TC_ERR_FORMAT, "%s: the watchlist lists no vessel", path);
    goto cleanup;
  }
  *out = w;
  w = NULL;
cleanup:
  tc_watchlist_free(w);
  free(line);
  fclose(f);
  return s;
}
