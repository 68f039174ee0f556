/* Opens a line source, picks the format from its first non-empty line (or the forced
 * one), and forwards records from that format. */
#include "io/reader.h"
#include "io/printable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/formats.h"

/* The table of formats: detection asks each in turn; the highest score wins (the
 * first listed on a tie). */
static const tc_reader_format *const formats[] = {
    &tc_format_marinecadastre,
    &tc_format_dma,
    &tc_format_csv,
    &tc_format_nmea,
    /* FORMAT TABLE: add one line `&tc_format_NAME,` when io/NAME.c exists */
};
#define NFORMATS (sizeof formats / sizeof formats[0])

struct tc_reader {
  tc_linesrc *src;
  const tc_reader_format *fmt;
  void *state;
  tc_reader_opts opts;
  char *format_opt;
  tc_reader_counts counts;
};

void tc_reader_counts_skip(tc_reader_counts *c, const char *reason, const char *sample) {
  c->skipped++;
  size_t i = 0;
  while (i < c->nreasons && strcmp(c->reasons[i].reason, reason))
    i++;
  if (i == c->nreasons) {
    if (c->nreasons == TC_READER_MAX_REASONS) { /* full: the last slot takes the rest */
      i = TC_READER_MAX_REASONS - 1;
      snprintf(c->reasons[i].reason, sizeof c->reasons[i].reason, "%s", "other reasons");
    } else {
      snprintf(c->reasons[i].reason, sizeof c->reasons[i].reason, "%s", reason);
      c->nreasons++;
    }
  }
  c->reasons[i].count++;
  if (sample && c->nsamples < TC_READER_MAX_SAMPLES) {
    snprintf(c->samples[c->nsamples], sizeof c->samples[0], "%s", sample);
    c->nsamples++;
  }
}

static const tc_reader_format *find_format(const char *name) {
  if (!strcmp(name, "generic"))
    name = "csv";
  for (size_t i = 0; i < NFORMATS; i++)
    if (!strcmp(formats[i]->name, name))
      return formats[i];
  return NULL;
}

static void format_names(char *buf, size_t cap) {
  size_t k = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < NFORMATS && k < cap; i++)
    k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", formats[i]->name);
}

static int blank_line(const char *l) { return l[strspn(l, " \t")] == '\0'; }

tc_status tc_reader_open(const char *path, const tc_reader_opts *o, tc_reader **out, tc_err *err) {
  tc_status st = TC_OK;
  tc_reader *r = NULL;
  const char *line = NULL;
  size_t len;
  int eof = 0;
  char names[256];
  *out = NULL;
  r = calloc(1, sizeof *r);
  if (!r) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path ? path : "(null)");
    goto cleanup;
  }
  r->opts.time_base = INT64_MIN;
  if (o)
    r->opts = *o;
  if (r->opts.format && strcmp(r->opts.format, "auto")) {
    if (!(r->fmt = find_format(r->opts.format))) {
      format_names(names, sizeof names);
      st = tc_fail(err, TC_ERR_ARG, "unknown input format '%s' (known: auto, %s)", r->opts.format,
                   names);
      goto cleanup;
    }
    if (!(r->format_opt = strdup(r->opts.format))) {
      st = tc_fail(err, TC_ERR_NOMEM, "out of memory");
      goto cleanup;
    }
  }
  r->opts.format = r->format_opt; /* the caller's string need not outlive open */
  if ((st = tc_linesrc_open(path, &r->src, err)) != TC_OK)
    goto cleanup;
  /* Detect on the first non-blank line; '#' comment lines that no format claims (as
   * in gpsd's and libais's NMEA samples) are passed over. DMA's header starts with
   * '#' too, which is why a comment is skipped only when nothing recognises it. */
  for (;;) {
    do {
      if ((st = tc_linesrc_next(r->src, &line, &len, &eof, err)) != TC_OK)
        goto cleanup;
    } while (!eof && blank_line(line));
    if (eof) {
      st = tc_fail(err, TC_ERR_FORMAT, "%s: empty input (no header or first record)", path);
      goto cleanup;
    }
    if (!memcmp(line, "\xEF\xBB\xBF", 3)) /* UTF-8 byte order mark */
      line += 3;
    if (r->fmt)
      break;
    int best = 0;
    for (size_t i = 0; i < NFORMATS; i++) {
      int sc = formats[i]->detect(line);
      if (sc > best) {
        best = sc;
        r->fmt = formats[i];
      }
    }
    if (r->fmt)
      break;
    if (line[0] == '#')
      continue;
    format_names(names, sizeof names);
    char shown[TC_PRINTABLE_CAP(80)];
    st = tc_fail(err, TC_ERR_FORMAT,
                 "%s:%llu: unrecognised input format (first line '%s'); expected a CSV "
                 "header naming mmsi, time, lat, lon or NMEA sentences; force one with "
                 "--format (%s)",
                 path, (unsigned long long)tc_linesrc_lineno(r->src),
                 tc_printable(shown, sizeof shown, line, strlen(line), 80), names);
    goto cleanup;
  }
  st = r->fmt->open(r->src, line, &r->opts, &r->counts, &r->state, err);
  if (st != TC_OK)
    goto cleanup;
  *out = r;
  r = NULL;
cleanup:
  tc_reader_close(r);
  return st;
}

tc_status tc_reader_next(tc_reader *r, tc_record *rec, int *eof, tc_err *err) {
  tc_status st = r->fmt->next(r->state, r->src, rec, eof, err);
  if (st == TC_OK && !*eof)
    r->counts.records++;
  return st;
}

const tc_reader_counts *tc_reader_get_counts(const tc_reader *r) { return &r->counts; }
const char *tc_reader_format_name(const tc_reader *r) { return r->fmt->name; }
uint64_t tc_reader_bytes_read(const tc_reader *r) { return tc_linesrc_bytes_read(r->src); }
int64_t tc_reader_size(const tc_reader *r) { return tc_linesrc_size(r->src); }

void tc_reader_close(tc_reader *r) {
  if (!r)
    return;
  if (r->fmt && r->state)
    r->fmt->close(r->state);
  tc_linesrc_close(r->src);
  free(r->format_opt);
  free(r);
}
