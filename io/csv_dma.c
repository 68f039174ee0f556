/* Danish Maritime Authority daily CSV (aisdk_YYYYMMDD): "# Timestamp,Type of mobile,
 * MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,
 * Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,
 * Destination,ETA,Data source type". Times are "DD/MM/YYYY HH:MM:SS" UTC; ship types
 * are text; base stations, SAR aircraft and aids to navigation are not vessel tracks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv_fields.h"
#include "io/csv_static.h"
#include "io/formats.h"

typedef struct {
  tc_csv_ctx x;
  tc_csv_row row;
  tc_csv_poscols cols;
  int mobile, imo, callsign, name, type, cargo, width, length, draught, dest;
  int need;
  char *header;
  tc_csv_static_cache *cache;
  int pending;
  tc_vessel_static st;
} dma_state;

static int dma_detect(const char *line) {
  return strcasestr(line, "type of mobile") && strcasestr(line, "timestamp") ? 90 : 0;
}

static int col(const tc_csv_row *h, const char *a, const char *b) {
  const char *const al[3] = {a, b, NULL};
  return tc_csv_find_column(h, al);
}

static int eq_text(const tc_csv_field *f, const char *s) {
  const char *p = f->p;
  size_t n = f->n, k = strlen(s);
  while (n && (*p == ' ' || *p == '\t'))
    p++, n--;
  while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
    n--;
  return n == k && !strncasecmp(p, s, k);
}

/* DMA's ship type names -> ITU-R M.1371 codes (first digit; 0 where not clear). */
static const struct {
  const char *name;
  int code;
} ship_types[] = {
    {"WIG", 20},         {"Fishing", 30},           {"Towing", 31},
    {"Towing long/wide", 32}, {"Dredging", 33},     {"Diving", 34},
    {"Military", 35},    {"Sailing", 36},           {"Pleasure", 37},
    {"HSC", 40},         {"Pilot", 50},             {"SAR", 51},
    {"Tug", 52},         {"Port tender", 53},       {"Anti-pollution", 54},
    {"Law enforcement", 55}, {"Medical", 58},       {"Not party to conflict", 59},
    {"Passenger", 60},   {"Cargo", 70},             {"Tanker", 80},
    {"Other", 90},
};

/* Hazard categories refine 2x, 4x, 6x-9x: "Category X" -> x1 ... "Category OS" -> x4. */
static int ship_type(const tc_csv_field *type, const tc_csv_field *cargo) {
  static const char *const cat[4] = {"Category X", "Category Y", "Category Z", "Category OS"};
  int code = 0;
  for (size_t i = 0; i < sizeof ship_types / sizeof ship_types[0] && !code; i++)
    if (eq_text(type, ship_types[i].name))
      code = ship_types[i].code;
  if (cargo && (code == 20 || code == 40 || code >= 60))
    for (int i = 0; i < 4; i++)
      if (eq_text(cargo, cat[i]))
        return code + i + 1;
  return code;
}

static void dma_close(void *state) {
  dma_state *d = state;
  if (!d)
    return;
  tc_csv_row_free(&d->row);
  tc_csv_static_cache_free(d->cache);
  free(d->header);
  free(d);
}

static tc_status dma_open(tc_linesrc *src, const char *first_line, const tc_reader_opts *o,
                          tc_reader_counts *counts, void **state, tc_err *err) {
  tc_status st = TC_OK;
  const char *path = tc_linesrc_path(src);
  dma_state *d = calloc(1, sizeof *d);
  *state = NULL;
  if (!d || !(d->header = strdup(first_line)) || tc_csv_static_cache_create(&d->cache) != TC_OK) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
    goto cleanup;
  }
  d->x = (tc_csv_ctx){path, src, counts, o->strict, d->header, strlen(d->header)};
  if (tc_csv_split(&d->row, first_line, strlen(first_line), ',') != TC_OK) {
    st = tc_fail(err, TC_ERR_FORMAT, "%s:%llu: cannot split the DMA header", path,
                 (unsigned long long)tc_linesrc_lineno(src));
    goto cleanup;
  }
  const tc_csv_row *h = &d->row;
  d->cols = (tc_csv_poscols){col(h, "mmsi", NULL),      col(h, "# timestamp", "timestamp"),
                             col(h, "latitude", NULL),  col(h, "longitude", NULL),
                             col(h, "sog", NULL),       col(h, "cog", NULL),
                             col(h, "heading", NULL)};
  d->mobile = col(h, "type of mobile", NULL);
  static const char *const req[5] = {"MMSI", "# Timestamp", "Latitude", "Longitude",
                                     "Type of mobile"};
  const int idx[5] = {d->cols.mmsi, d->cols.t, d->cols.lat, d->cols.lon, d->mobile};
  for (int i = 0; i < 5; i++)
    if (idx[i] < 0) {
      st = tc_fail(err, TC_ERR_FORMAT, "%s:%llu: DMA header has no column '%s'", path,
                   (unsigned long long)tc_linesrc_lineno(src), req[i]);
      goto cleanup;
    }
  d->imo = col(h, "imo", NULL);
  d->callsign = col(h, "callsign", NULL);
  d->name = col(h, "name", NULL);
  d->type = col(h, "ship type", NULL);
  d->cargo = col(h, "cargo type", NULL);
  d->width = col(h, "width", NULL);
  d->length = col(h, "length", NULL);
  d->draught = col(h, "draught", NULL);
  d->dest = col(h, "destination", NULL);
  d->need = tc_csv_poscols_need(&d->cols);
  if (d->mobile + 1 > d->need)
    d->need = d->mobile + 1;
  *state = d;
  d = NULL;
cleanup:
  dma_close(d);
  return st;
}

static const tc_csv_field *fld(const tc_csv_row *r, int c) {
  static const tc_csv_field none = {"", 0};
  return c >= 0 && (size_t)c < r->n ? &r->f[c] : &none;
}

static void read_static(const dma_state *d, const tc_fix *f, tc_vessel_static *st) {
  const tc_csv_row *r = &d->row;
  uint32_t imo;
  memset(st, 0, sizeof *st);
  st->mmsi = f->mmsi;
  st->t = f->t;
  st->imo = tc_csv_parse_u32(fld(r, d->imo)->p, fld(r, d->imo)->n, &imo) ? imo : 0; /* "Unknown" */
  tc_csv_copy_text(st->name, sizeof st->name, fld(r, d->name)->p, fld(r, d->name)->n);
  tc_csv_copy_text(st->callsign, sizeof st->callsign, fld(r, d->callsign)->p, fld(r, d->callsign)->n);
  tc_csv_copy_text(st->destination, sizeof st->destination, fld(r, d->dest)->p, fld(r, d->dest)->n);
  st->ship_type = ship_type(fld(r, d->type), d->cargo >= 0 ? fld(r, d->cargo) : NULL);
  st->length_m = tc_csv_parse_dim(fld(r, d->length)->p, fld(r, d->length)->n);
  st->width_m = tc_csv_parse_dim(fld(r, d->width)->p, fld(r, d->width)->n);
  st->draught_m = tc_csv_parse_dim(fld(r, d->draught)->p, fld(r, d->draught)->n);
}

static int non_vessel(const tc_csv_field *mobile) {
  return eq_text(mobile, "Base Station") || eq_text(mobile, "SAR Airborne") ||
         eq_text(mobile, "AtoN");
}

static tc_status dma_next(void *state, tc_linesrc *src, tc_record *rec, int *eof, tc_err *err) {
  dma_state *d = state;
  (void)src;
  *eof = 0;
  if (d->pending) {
    d->pending = 0;
    rec->kind = TC_REC_STATIC;
    rec->st = d->st;
    return TC_OK;
  }
  for (;;) {
    int ok, changed;
    TC_TRY(tc_csv_next_row(&d->x, &d->row, ',', d->need, eof, err));
    if (*eof)
      return TC_OK;
    if (non_vessel(&d->row.f[d->mobile])) {
      d->x.counts->non_vessel++;
      continue;
    }
    TC_TRY(tc_csv_parse_fix(&d->x, &d->row, &d->cols, &rec->fix, &ok, err));
    if (!ok)
      continue;
    rec->kind = TC_REC_POSITION;
    read_static(d, &rec->fix, &d->st);
    if (!tc_vessel_static_empty(&d->st)) {
      if (tc_csv_static_changed(d->cache, &d->st, &changed) != TC_OK)
        return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory for the vessel table", d->x.path);
      d->pending = changed;
    }
    return TC_OK;
  }
}

const tc_reader_format tc_format_dma = {"dma", dma_detect, dma_open, dma_next, dma_close};
