/* tc_format_nmea: AIVDM/AIVDO sentences → position and static records. */
#include "io/nmea_reader.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/nmea_sentence.h"

#define ST24_SLOTS 4096 /* direct-mapped cache of type 24 halves, by MMSI */

typedef struct {
  uint32_t mmsi;
  unsigned fields; /* TC_AIS_ST_* seen so far */
  tc_vessel_static st;
} st24_entry;

struct tc_nmea_stream {
  tc_nmea_config cfg;
  char *path;
  tc_reader_counts *counts;
  tc_nmea_asm *as;
  tc_nmea_stats stats;
  int64_t pghp_ms;        /* $PGHP time waiting for the next AIS sentence */
  int64_t base_clock_ms;  /* UTC of the last base station report */
  uint64_t lineno;
  int any_time;           /* some message had a time */
  uint64_t no_time;       /* messages dropped for want of a time */
  uint64_t first_no_time_line;
  tc_status fail;         /* strict mode: first problem, reported after the line */
  char fail_msg[300];
  tc_record *q;           /* queued records [qhead, qn) */
  size_t qhead, qn, qcap;
  int nomem;
  st24_entry *st24;
  tc_nmea_tap_fn tap;
  void *tap_ctx;
};

void tc_nmea_config_default(tc_nmea_config *c) {
  memset(c, 0, sizeof *c);
  c->nclocks = 4;
  c->clocks[0] = TC_NMEA_CLOCK_TAG;
  c->clocks[1] = TC_NMEA_CLOCK_TRAILER;
  c->clocks[2] = TC_NMEA_CLOCK_PGHP;
  c->clocks[3] = TC_NMEA_CLOCK_TIME_BASE;
  c->time_base = INT64_MIN;
  c->max_groups = 64;
  c->max_age = 200;
  c->no_time_limit = 1000;
}

static void skip(tc_nmea_stream *s, const char *reason, uint64_t line) {
  char sample[256];
  const char *smp = NULL;
  if (s->counts->nsamples < TC_READER_MAX_SAMPLES) {
    snprintf(sample, sizeof sample, "%s:%llu: %s", s->path, (unsigned long long)line, reason);
    smp = sample;
  }
  tc_reader_counts_skip(s->counts, reason, smp);
  if (s->cfg.strict && s->fail == TC_OK && strcmp(reason, "position not available")) {
    s->fail = TC_ERR_FORMAT;
    snprintf(s->fail_msg, sizeof s->fail_msg, "%s:%llu: %s (strict mode)", s->path, (unsigned long long)line,
             reason);
  }
}

static void on_drop(void *ctx, uint64_t first_line, unsigned have, unsigned total) {
  (void)have;
  (void)total;
  skip(ctx, "incomplete group", first_line);
}

tc_status tc_nmea_stream_create(const tc_nmea_config *c, const char *path, tc_reader_counts *counts,
                                tc_nmea_stream **out, tc_err *err) {
  tc_status st = TC_OK;
  tc_nmea_stream *s = NULL;
  *out = NULL;
  if (!c || !counts || c->nclocks > TC_NMEA_CLOCK_COUNT) {
    st = tc_fail(err, TC_ERR_ARG, "NMEA reader: bad configuration");
    goto cleanup;
  }
  for (size_t i = 0; i < c->nclocks; i++)
    if ((unsigned)c->clocks[i] >= TC_NMEA_CLOCK_COUNT) {
      st = tc_fail(err, TC_ERR_ARG, "NMEA reader: unknown clock %d", (int)c->clocks[i]);
      goto cleanup;
    }
  s = calloc(1, sizeof *s);
  if (!s || !(s->path = strdup(path ? path : "-")) || !(s->st24 = calloc(ST24_SLOTS, sizeof *s->st24))) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory for the NMEA reader", path ? path : "-");
    goto cleanup;
  }
  s->cfg = *c;
  s->counts = counts;
  s->pghp_ms = s->base_clock_ms = TC_NMEA_NO_TIME;
  if ((st = tc_nmea_asm_create(c->max_groups, c->max_age ? c->max_age : 1, on_drop, s, &s->as, err)) != TC_OK) {
    tc_err_prefix(err, "%s: ", s->path);
    goto cleanup;
  }
  *out = s;
  s = NULL;
cleanup:
  tc_nmea_stream_free(s);
  return st;
}

void tc_nmea_stream_free(tc_nmea_stream *s) {
  if (!s)
    return;
  tc_nmea_asm_free(s->as);
  free(s->st24);
  free(s->q);
  free(s->path);
  free(s);
}

void tc_nmea_stream_set_tap(tc_nmea_stream *s, tc_nmea_tap_fn fn, void *ctx) {
  s->tap = fn;
  s->tap_ctx = ctx;
}

const tc_nmea_stats *tc_nmea_stream_stats(const tc_nmea_stream *s) { return &s->stats; }

static tc_record *push(tc_nmea_stream *s) {
  if (s->qhead == s->qn)
    s->qhead = s->qn = 0;
  if (s->qn == s->qcap) {
    size_t cap = s->qcap ? 2 * s->qcap : 16;
    tc_record *q = realloc(s->q, cap * sizeof *q);
    if (!q) {
      s->nomem = 1;
      return NULL;
    }
    s->q = q;
    s->qcap = cap;
  }
  tc_record *r = &s->q[s->qn++];
  memset(r, 0, sizeof *r);
  return r;
}

int tc_nmea_stream_pop(tc_nmea_stream *s, tc_record *rec) {
  if (s->qhead == s->qn)
    return 0;
  *rec = s->q[s->qhead++];
  return 1;
}

static int64_t pick_time(const tc_nmea_stream *s, const tc_nmea_msg *m) {
  for (size_t i = 0; i < s->cfg.nclocks; i++) {
    int64_t t = TC_NMEA_NO_TIME;
    switch (s->cfg.clocks[i]) {
    case TC_NMEA_CLOCK_TAG: t = m->times.ms[TC_NMEA_TSRC_TAG]; break;
    case TC_NMEA_CLOCK_TRAILER: t = m->times.ms[TC_NMEA_TSRC_TRAILER]; break;
    case TC_NMEA_CLOCK_PGHP: t = m->times.ms[TC_NMEA_TSRC_PGHP]; break;
    case TC_NMEA_CLOCK_BASE_STATION: t = s->base_clock_ms; break;
    case TC_NMEA_CLOCK_TIME_BASE:
      if (s->cfg.time_base != INT64_MIN && s->cfg.time_base > INT64_MIN / 1000 &&
          s->cfg.time_base < INT64_MAX / 1000)
        t = s->cfg.time_base * 1000;
      break;
    default: break;
    }
    if (t != TC_NMEA_NO_TIME)
      return t;
  }
  return TC_NMEA_NO_TIME;
}

static int64_t floor_sec(int64_t ms) { return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); }

/* Type 24 parts come one at a time: each is merged with what the other part said
 * last, so a record never loses a field the vessel sent. */
static void merge24(tc_nmea_stream *s, tc_ais_decoded *d) {
  st24_entry *e = &s->st24[(d->mmsi * 2654435761u) >> 20 & (ST24_SLOTS - 1)];
  if (e->mmsi != d->mmsi || e->fields == 0) {
    memset(e, 0, sizeof *e);
    e->mmsi = d->mmsi;
    e->st = d->st;
  }
  if (d->st_fields & TC_AIS_ST_NAME)
    memcpy(e->st.name, d->st.name, sizeof e->st.name);
  if (d->st_fields & TC_AIS_ST_CALLSIGN)
    memcpy(e->st.callsign, d->st.callsign, sizeof e->st.callsign);
  if (d->st_fields & TC_AIS_ST_TYPE)
    e->st.ship_type = d->st.ship_type;
  if (d->st_fields & TC_AIS_ST_DIMS) {
    e->st.length_m = d->st.length_m;
    e->st.width_m = d->st.width_m;
  }
  e->fields |= d->st_fields;
  d->st = e->st;
  d->st_fields = e->fields;
}

static void message(tc_nmea_stream *s, const tc_nmea_msg *m) {
  tc_ais_decoded d;
  tc_ais_result r = tc_ais_decode(&m->bits, &d);
  s->stats.messages++;
  int64_t t = TC_NMEA_NO_TIME;
  if (r == TC_AIS_OK && d.has_utc)
    s->base_clock_ms = d.utc_ms;
  if (r == TC_AIS_OK || r == TC_AIS_IGNORED)
    s->stats.by_type[d.type]++;
  if (r == TC_AIS_OK && !d.non_vessel)
    t = pick_time(s, m);
  if (s->tap)
    s->tap(s->tap_ctx, m, r, &d, t);
  switch (r) {
  case TC_AIS_IGNORED: s->stats.ignored_types++; return;
  case TC_AIS_UNKNOWN_TYPE: skip(s, "unknown message type", m->lineno); return;
  case TC_AIS_BAD_BIT_COUNT: skip(s, "bad bit count", m->lineno); return;
  default: break;
  }
  if (d.non_vessel) {
    s->counts->non_vessel++;
    return;
  }
  int want_pos = d.has_pos && d.pos_available;
  if (d.has_pos && !d.pos_available)
    skip(s, "position not available", m->lineno);
  if (!want_pos && !d.st_fields)
    return;
  if (t == TC_NMEA_NO_TIME) {
    if (s->no_time++ == 0)
      s->first_no_time_line = m->lineno;
    skip(s, "no time", m->lineno);
    return;
  }
  s->any_time = 1;
  int64_t sec = floor_sec(t);
  if (want_pos) {
    tc_record *rec = push(s);
    if (!rec)
      return;
    rec->kind = TC_REC_POSITION;
    rec->fix.t = sec;
    rec->fix.lat = d.lat;
    rec->fix.lon = d.lon;
    rec->fix.mmsi = d.mmsi;
    rec->fix.sog = d.sog;
    rec->fix.cog = d.cog;
    rec->fix.heading = d.heading;
  }
  if (d.st_fields) {
    if (d.type == 24)
      merge24(s, &d);
    tc_record *rec = push(s);
    if (!rec)
      return;
    rec->kind = TC_REC_STATIC;
    rec->st = d.st;
    rec->st.t = sec;
  }
}

static void unit(tc_nmea_stream *s, const tc_nmea_sentence *sn, int64_t pghp) {
  tc_nmea_times times = sn->times;
  times.ms[TC_NMEA_TSRC_PGHP] = pghp;
  tc_nmea_msg m;
  switch (tc_nmea_asm_add(s->as, sn, &times, s->lineno, &m)) {
  case TC_ASM_DONE: message(s, &m); break;
  case TC_ASM_PENDING: break;
  case TC_ASM_ORPHAN: skip(s, "orphan fragment", s->lineno); break;
  case TC_ASM_BAD_CHAR: skip(s, "bad payload character", s->lineno); break;
  case TC_ASM_BAD_FILL: skip(s, "bad fill bits", s->lineno); break;
  case TC_ASM_TOO_LONG: skip(s, "bad bit count", s->lineno); break;
  }
}

static tc_status check(tc_nmea_stream *s, tc_err *err) {
  if (s->nomem)
    return tc_fail(err, TC_ERR_NOMEM, "%s:%llu: out of memory queueing records", s->path,
                   (unsigned long long)s->lineno);
  if (s->fail != TC_OK)
    return tc_fail(err, s->fail, "%s", s->fail_msg);
  if (!s->any_time && s->no_time >= (s->cfg.no_time_limit ? s->cfg.no_time_limit : 1))
    return tc_fail(err, TC_ERR_FORMAT,
                   "%s:%llu: AIS messages without a receive time (no tag block c:, no Unix time after "
                   "the checksum, no $PGHP before them) and no time base given: %llu messages, none "
                   "with a time",
                   s->path, (unsigned long long)s->first_no_time_line, (unsigned long long)s->no_time);
  return TC_OK;
}

tc_status tc_nmea_stream_line(tc_nmea_stream *s, const char *line, size_t len, uint64_t lineno, tc_err *err) {
  s->lineno = lineno;
  s->stats.lines++;
  size_t off = 0;
  while (off < len) {
    tc_nmea_sentence sn;
    int64_t pghp = TC_NMEA_NO_TIME;
    size_t used = 0;
    tc_nmea_kind k = tc_nmea_parse(line + off, len - off, &sn, &pghp, &used);
    off += used ? used : len - off;
    switch (k) {
    case TC_NMEA_AIS:
      s->stats.sentences++;
      pghp = s->pghp_ms;
      s->pghp_ms = TC_NMEA_NO_TIME; /* a $PGHP dates the one sentence after it */
      unit(s, &sn, pghp);
      break;
    case TC_NMEA_PGHP: s->pghp_ms = pghp; break;
    case TC_NMEA_IGNORED: break;
    default: skip(s, tc_nmea_kind_reason(k), lineno); break;
    }
  }
  return check(s, err);
}

tc_status tc_nmea_stream_finish(tc_nmea_stream *s, tc_err *err) {
  tc_nmea_asm_flush(s->as);
  tc_status st = check(s, err);
  if (st == TC_OK && !s->any_time && s->no_time > 0)
    st = tc_fail(err, TC_ERR_FORMAT,
                 "%s:%llu: no AIS message has a receive time (no tag block c:, no Unix time after "
                 "the checksum, no $PGHP) and no time base was given (%llu messages dropped)",
                 s->path, (unsigned long long)s->first_no_time_line, (unsigned long long)s->no_time);
  return st;
}

int tc_nmea_detect(const char *line) {
  if (!line || (line[0] != '!' && line[0] != '\\' && strncmp(line, "$PGHP", 5) != 0))
    return 0;
  tc_nmea_sentence sn;
  int64_t pghp;
  size_t used;
  tc_nmea_kind k = tc_nmea_parse(line, strlen(line), &sn, &pghp, &used);
  return k == TC_NMEA_AIS || k == TC_NMEA_PGHP ? 95 : 70;
}

/* ---- tc_reader_format ---- */

typedef struct {
  tc_nmea_stream *s;
  int finished;
} nmea_state;

static tc_status nmea_open(tc_linesrc *src, const char *first_line, const tc_reader_opts *o,
                           tc_reader_counts *counts, void **state, tc_err *err) {
  tc_status st = TC_OK;
  tc_nmea_config c;
  nmea_state *ns = NULL;
  *state = NULL;
  tc_nmea_config_default(&c);
  if (o) {
    c.time_base = o->time_base;
    c.strict = o->strict;
  }
  if (!(ns = calloc(1, sizeof *ns))) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", tc_linesrc_path(src));
    goto cleanup;
  }
  if ((st = tc_nmea_stream_create(&c, tc_linesrc_path(src), counts, &ns->s, err)) != TC_OK)
    goto cleanup;
  /* the first line is a sentence too */
  if ((st = tc_nmea_stream_line(ns->s, first_line, strlen(first_line), tc_linesrc_lineno(src), err)) != TC_OK)
    goto cleanup;
  *state = ns;
  ns = NULL;
cleanup:
  if (ns) {
    tc_nmea_stream_free(ns->s);
    free(ns);
  }
  return st;
}

static tc_status nmea_next(void *state, tc_linesrc *src, tc_record *rec, int *eof, tc_err *err) {
  nmea_state *ns = state;
  *eof = 0;
  while (!tc_nmea_stream_pop(ns->s, rec)) {
    if (ns->finished) {
      *eof = 1;
      return TC_OK;
    }
    const char *line;
    size_t len;
    int end = 0;
    TC_TRY(tc_linesrc_next(src, &line, &len, &end, err));
    if (end) {
      ns->finished = 1;
      TC_TRY(tc_nmea_stream_finish(ns->s, err));
    } else {
      TC_TRY(tc_nmea_stream_line(ns->s, line, len, tc_linesrc_lineno(src), err));
    }
  }
  return TC_OK;
}

static void nmea_close(void *state) {
  nmea_state *ns = state;
  if (!ns)
    return;
  tc_nmea_stream_free(ns->s);
  free(ns);
}

const tc_reader_format tc_format_nmea = {"nmea", tc_nmea_detect, nmea_open, nmea_next, nmea_close};
