/* Agreement of the NMEA decoder with gpsd and libais on the sample files. */
#include "nmea_agree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nmea_expect.h"

static void tap(void *ctx, const tc_nmea_msg *m, tc_ais_result r, const tc_ais_decoded *d, int64_t t) {
  tc_nx_msgs *v = ctx;
  if (v->n == v->cap) {
    size_t cap = v->cap ? 2 * v->cap : 256;
    tc_nx_msg *p = realloc(v->m, cap * sizeof *p);
    if (!p)
      return; /* the caller sees fewer messages and fails its counts */
    v->m = p;
    v->cap = cap;
  }
  v->m[v->n].line = m->lineno;
  v->m[v->n].r = r;
  v->m[v->n].d = *d;
  v->m[v->n].t = t;
  v->n++;
}

tc_status tc_nx_decode_file(const char *path, const tc_nmea_config *cfg, tc_reader_counts *counts,
                            tc_nx_msgs *out, tc_err *err) {
  tc_status st = TC_OK;
  tc_nmea_stream *s = NULL;
  FILE *f = NULL;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  uint64_t ln = 0;
  tc_record rec;
  memset(out, 0, sizeof *out);
  if ((st = tc_nmea_stream_create(cfg, path, counts, &s, err)) != TC_OK)
    goto cleanup;
  tc_nmea_stream_set_tap(s, tap, out);
  if (!(f = fopen(path, "r"))) {
    st = tc_fail(err, TC_ERR_IO, "%s: cannot open", path);
    goto cleanup;
  }
  while ((n = getline(&line, &cap, f)) >= 0) {
    ln++;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
      line[--n] = '\0';
    if ((st = tc_nmea_stream_line(s, line, (size_t)n, ln, err)) != TC_OK)
      goto cleanup;
    while (tc_nmea_stream_pop(s, &rec))
      ;
  }
  st = tc_nmea_stream_finish(s, err);
cleanup:
  free(line);
  if (f)
    fclose(f);
  tc_nmea_stream_free(s);
  return st;
}

void tc_nx_msgs_free(tc_nx_msgs *v) {
  free(v->m);
  memset(v, 0, sizeof *v);
}

tc_nx_run tc_nx_read_all(const char *path, int64_t time_base, int force) {
  tc_nx_run out;
  tc_reader_opts o = {force ? "nmea" : NULL, 0, time_base};
  tc_reader *rd = NULL;
  tc_err e;
  size_t cap = 0;
  int eof = 0;
  memset(&out, 0, sizeof out);
  memset(&e, 0, sizeof e);
  out.st = tc_reader_open(path, &o, &rd, &e);
  while (out.st == TC_OK) {
    tc_record rec;
    out.st = tc_reader_next(rd, &rec, &eof, &e);
    if (out.st != TC_OK || eof)
      break;
    if (out.n == cap) {
      cap = cap ? 2 * cap : 256;
      tc_record *p = realloc(out.r, cap * sizeof *p);
      if (!p) {
        out.st = TC_ERR_NOMEM;
        break;
      }
      out.r = p;
    }
    out.r[out.n++] = rec;
    if (rec.kind == TC_REC_POSITION)
      out.npos++;
    else
      out.nstatic++;
  }
  if (rd)
    out.counts = *tc_reader_get_counts(rd);
  snprintf(out.err, sizeof out.err, "%s", e.msg);
  tc_reader_close(rd);
  return out;
}

uint64_t tc_nx_reason(const tc_reader_counts *c, const char *why) {
  for (size_t i = 0; i < c->nreasons; i++)
    if (!strcmp(c->reasons[i].reason, why))
      return c->reasons[i].count;
  return 0;
}

/* ---- the table ---- */

typedef struct {
  char file[64], source[24];
  int type;
  unsigned n, agree, length, bad_tag, talker, ours_only, dropped, differ;
  char first[200];
} row_t;

struct tc_nx_table {
  row_t rows[256];
  size_t n;
};

tc_nx_table *tc_nx_table_new(void) { return calloc(1, sizeof(tc_nx_table)); }
void tc_nx_table_free(tc_nx_table *t) { free(t); }

/* Types trajcorr decodes get a row each; the others (type and MMSI compared) share one. */
static row_t *row(tc_nx_table *t, const char *file, const char *source, int type) {
  static const int used[] = {0, 1, 2, 3, 4, 5, 9, 18, 19, 21, 24, 27};
  int keep = 0;
  for (size_t i = 0; i < sizeof used / sizeof used[0]; i++)
    keep |= used[i] == type;
  if (!keep)
    type = -1;
  for (size_t i = 0; i < t->n; i++)
    if (t->rows[i].type == type && !strcmp(t->rows[i].file, file) && !strcmp(t->rows[i].source, source))
      return &t->rows[i];
  if (t->n == sizeof t->rows / sizeof t->rows[0])
    return &t->rows[t->n - 1];
  row_t *r = &t->rows[t->n++];
  snprintf(r->file, sizeof r->file, "%s", file);
  snprintf(r->source, sizeof r->source, "%s", source);
  r->type = type;
  return r;
}

static void note(row_t *r, uint64_t line, const char *why) {
  if (getenv("TC_NX_VERBOSE")) /* every disagreement, for docs/nmea.md */
    fprintf(stderr, "%s (%s) type %d line %llu: %s\n", r->file, r->source, r->type, (unsigned long long)line, why);
  if (!r->first[0])
    snprintf(r->first, sizeof r->first, "line %llu: %s", (unsigned long long)line, why);
}

static tc_status decode(const char *nmea, tc_nx_msgs *v, tc_err *err) {
  tc_nmea_config c;
  tc_reader_counts counts;
  memset(&counts, 0, sizeof counts);
  tc_nmea_config_default(&c);
  c.time_base = 1600000000; /* the expectations say nothing of time */
  return tc_nx_decode_file(nmea, &c, &counts, v, err);
}

static int decodes(const tc_nx_msg *m) { return m && (m->r == TC_AIS_OK || m->r == TC_AIS_IGNORED); }

/* How trajcorr's framing takes the sentences of an expectation record. */
static tc_nmea_kind frame(tc_nx_span sentences, char *talker) {
  char buf[1024];
  tc_nmea_kind worst = TC_NMEA_AIS;
  talker[0] = '\0';
  for (size_t i = 0; tc_nx_str(tc_nx_at(sentences, i), buf, sizeof buf); i++) {
    tc_nmea_sentence s;
    int64_t pg;
    size_t used;
    tc_nmea_kind k = tc_nmea_parse(buf, strlen(buf), &s, &pg, &used);
    if (k == TC_NMEA_AIS && !talker[0])
      memcpy(talker, s.talker, 3);
    if (k != TC_NMEA_AIS)
      worst = k;
  }
  return worst;
}

/* One expectation (exp: JSON object, or null) against our message m (or none).
 * Explained differences get their own columns: our length rule, a malformed tag
 * block (gpsd ignores tag blocks), talkers gpsd 3.22 does not accept (SS, BY, --). */
static void tally(row_t *r, tc_nx_span exp, tc_nx_source src, const tc_nx_msg *m, uint64_t line,
                  tc_nx_span sentences) {
  char why[160], talker[3] = "";
  tc_nmea_kind k = sentences.p ? frame(sentences, talker) : TC_NMEA_AIS;
  r->n++;
  if (!exp.p || tc_nx_is_null(exp)) {
    if (m && m->r == TC_AIS_OK) {
      if (src == TC_NX_GPSD && talker[0] && strcmp(talker, "AI") && strcmp(talker, "AB") && strcmp(talker, "BS")) {
        r->talker++;
      } else {
        r->ours_only++;
        note(r, line, "decoded here, not by the expectation");
      }
    } else {
      r->agree++; /* neither gives data: both reject, or a type trajcorr does not use */
    }
  } else if (!m) {
    if (k == TC_NMEA_BAD_TAG) {
      r->bad_tag++;
    } else {
      r->dropped++;
      note(r, line, "expected a decode, sentence dropped here");
    }
  } else if (m->r == TC_AIS_BAD_BIT_COUNT) {
    r->length++;
  } else if (!decodes(m)) {
    r->differ++;
    note(r, line, "rejected here (unknown type)");
  } else if (tc_nx_compare(exp, src, &m->d, why, sizeof why)) {
    r->agree++;
  } else {
    r->differ++;
    note(r, line, why);
  }
}

static int exp_type(tc_nx_span exp, const tc_nx_msg *m) {
  double v;
  if (exp.p && tc_nx_num(tc_nx_get(exp, "type"), &v))
    return (int)v;
  return m ? m->d.type : 0;
}

typedef struct {
  FILE *f;
  char *line;
  size_t cap;
} lines_t;

static tc_status open_lines(lines_t *l, const char *path, tc_err *err) {
  memset(l, 0, sizeof *l);
  if (!(l->f = fopen(path, "r")))
    return tc_fail(err, TC_ERR_IO, "%s: cannot open", path);
  return TC_OK;
}

static int next_line(lines_t *l) { return getline(&l->line, &l->cap, l->f) >= 0; }

static void close_lines(lines_t *l) {
  free(l->line);
  if (l->f)
    fclose(l->f);
}

/* Our first message on each line. */
static long *index_lines(const tc_nx_msgs *v, uint64_t *max) {
  *max = 0;
  for (size_t i = 0; i < v->n; i++)
    if (v->m[i].line > *max)
      *max = v->m[i].line;
  long *idx = malloc((*max + 2) * sizeof *idx);
  if (!idx)
    return NULL;
  for (uint64_t i = 0; i <= *max + 1; i++)
    idx[i] = -1;
  for (size_t i = v->n; i-- > 0;)
    idx[v->m[i].line] = (long)i;
  return idx;
}

static const tc_nx_msg *at_line(const tc_nx_msgs *v, const long *idx, uint64_t max, uint64_t line) {
  return line <= max && idx[line] >= 0 ? &v->m[idx[line]] : NULL;
}

tc_status tc_nx_agree_gpsdecode(tc_nx_table *t, const char *label, const char *nmea, const char *jsonl,
                                tc_err *err) {
  tc_nx_msgs v;
  lines_t l;
  uint64_t max;
  long *idx = NULL;
  tc_status st = decode(nmea, &v, err);
  if (st != TC_OK)
    return st;
  if ((st = open_lines(&l, jsonl, err)) != TC_OK)
    goto cleanup;
  if (!(idx = index_lines(&v, &max))) {
    st = tc_fail(err, TC_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  while (next_line(&l)) {
    tc_nx_span o = tc_nx_line(l.line);
    double ln;
    if (!tc_nx_num(tc_nx_at(tc_nx_get(o, "lines"), 0), &ln)) {
      st = tc_fail(err, TC_ERR_FORMAT, "%s: a line without \"lines\"", jsonl);
      goto cleanup;
    }
    tc_nx_span exp = tc_nx_get(o, "decoded");
    const tc_nx_msg *m = at_line(&v, idx, max, (uint64_t)ln);
    tally(row(t, label, "gpsdecode 3.22", exp_type(exp, m)), exp, TC_NX_GPSD, m, (uint64_t)ln,
          tc_nx_get(o, "sentences"));
  }
cleanup:
  free(idx);
  close_lines(&l);
  tc_nx_msgs_free(&v);
  return st;
}

tc_status tc_nx_agree_libais(tc_nx_table *t, const char *label, const char *nmea, const char *json, int by_line,
                             tc_err *err) {
  tc_nx_msgs v;
  lines_t l;
  uint64_t max, k = 0;
  size_t next = 0;
  long *idx = NULL;
  tc_status st = decode(nmea, &v, err);
  if (st != TC_OK)
    return st;
  if ((st = open_lines(&l, json, err)) != TC_OK)
    goto cleanup;
  if (!(idx = index_lines(&v, &max))) {
    st = tc_fail(err, TC_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  while (next_line(&l)) {
    tc_nx_span exp = tc_nx_line(l.line);
    const tc_nx_msg *m = NULL;
    k++;
    if (by_line) {
      m = at_line(&v, idx, max, k);
    } else {
      while (next < v.n && !decodes(&v.m[next]))
        next++;
      m = next < v.n ? &v.m[next++] : NULL;
    }
    tc_nx_span none = {NULL, 0};
    tally(row(t, label, "libais", exp_type(exp, m)), exp, TC_NX_LIBAIS, m, m ? m->line : k, none);
  }
cleanup:
  free(idx);
  close_lines(&l);
  tc_nx_msgs_free(&v);
  return st;
}

tc_status tc_nx_agree_chk(tc_nx_table *t, const char *label, const char *nmea, const char *chk, tc_err *err) {
  tc_nx_msgs v;
  lines_t l;
  size_t j = 0;
  tc_status st = decode(nmea, &v, err);
  if (st != TC_OK)
    return st;
  if ((st = open_lines(&l, chk, err)) != TC_OK)
    goto cleanup;
  while (next_line(&l)) {
    char f[32], why[160];
    int type = tc_nx_chk_field(l.line, 0, f, sizeof f) ? atoi(f) : 0;
    unsigned long mmsi = tc_nx_chk_field(l.line, 2, f, sizeof f) ? strtoul(f, NULL, 10) : 0;
    row_t *r = row(t, label, "gpsd .chk", type);
    size_t k = j;
    while (k < v.n && !(decodes(&v.m[k]) && v.m[k].d.type == type && v.m[k].d.mmsi == mmsi))
      k++;
    r->n++;
    if (k == v.n) {
      /* gpsd decoded it, we did not: rejected by length or missing */
      size_t b = j;
      while (b < v.n && !(v.m[b].d.type == type && v.m[b].d.mmsi == mmsi))
        b++;
      if (b < v.n && v.m[b].r == TC_AIS_BAD_BIT_COUNT) {
        r->length++;
        j = b + 1;
      } else {
        r->dropped++;
        note(r, 0, "gpsd record with no message here");
      }
      continue;
    }
    j = k + 1;
    if (tc_nx_compare_chk(l.line, &v.m[k].d, why, sizeof why))
      r->agree++;
    else {
      r->differ++;
      note(r, v.m[k].line, why);
    }
  }
cleanup:
  close_lines(&l);
  tc_nx_msgs_free(&v);
  return st;
}

void tc_nx_table_totals(const tc_nx_table *t, unsigned *compared, unsigned *disagree, char *first, size_t cap) {
  *compared = *disagree = 0;
  if (cap)
    first[0] = '\0';
  for (size_t i = 0; i < t->n; i++) {
    const row_t *r = &t->rows[i];
    unsigned bad = r->differ + r->dropped + r->ours_only;
    *compared += r->n;
    *disagree += bad;
    if (bad && cap && !first[0])
      snprintf(first, cap, "%s (%s) type %d: %s", r->file, r->source, r->type, r->first);
  }
}

tc_status tc_nx_table_write(const tc_nx_table *t, const char *path, tc_err *err) {
  FILE *f = fopen(path, "w");
  if (!f)
    return tc_fail(err, TC_ERR_IO, "%s: cannot write", path);
  fprintf(f, "| file | expectation | type | compared | agree | rejected: length rule | rejected: bad tag block | "
             "talker gpsd ignores | decoded only here | dropped here | fields differ | first difference |\n");
  fprintf(f, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
  /* rows of one file and expectation come together; order them by type (others last) */
  row_t rows[sizeof t->rows / sizeof t->rows[0]];
  memcpy(rows, t->rows, t->n * sizeof *rows);
  for (size_t i = 1; i < t->n; i++)
    for (size_t j = i; j > 0 && !strcmp(rows[j].file, rows[j - 1].file) &&
                       !strcmp(rows[j].source, rows[j - 1].source) &&
                       (unsigned)rows[j].type - 1u < (unsigned)rows[j - 1].type - 1u;
         j--) {
      row_t tmp = rows[j];
      rows[j] = rows[j - 1];
      rows[j - 1] = tmp;
    }
  for (size_t i = 0; i < t->n; i++) {
    const row_t *r = &rows[i];
    char type[16];
    snprintf(type, sizeof type, "%d", r->type);
    if (r->type == -1)
      snprintf(type, sizeof type, "others");
    fprintf(f, "| %s | %s | %s | %u | %u | %u | %u | %u | %u | %u | %u | %s |\n", r->file, r->source,
            r->type ? type : "-", r->n, r->agree, r->length, r->bad_tag, r->talker, r->ours_only, r->dropped,
            r->differ, r->first);
  }
  if (fclose(f) != 0)
    return tc_fail(err, TC_ERR_IO, "%s: write failed", path);
  return TC_OK;
}
