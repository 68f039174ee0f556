/* MarineCadastre.gov daily CSV: MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,
 * IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo[,TransceiverClass]. Every row
 * is a position and repeats the static data; a static record is emitted only when a
 * vessel's static fields change. */
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
  int name, imo, callsign, type, length, width, draft;
  int need;
  char *header;
  tc_csv_static_cache *cache;
  int pending;
  tc_vessel_static st;
} mc_state;

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int mc_detect(const char *line) {
  static const char prefix[] = "mmsi,basedatetime,lat,lon,";
  for (size_t i = 0; i < sizeof prefix - 1; i++)
    if (lower((unsigned char)line[i]) != prefix[i])
      return 0;
  return strstr(line, "VesselName") || strstr(line, "vesselname") ? 90 : 60;
}

static int col(const tc_csv_row *h, const char *name) {
  const char *const al[2] = {name, NULL};
  return tc_csv_find_column(h, al);
}

static void mc_close(void *state) {
  mc_state *m = state;
  if (!m)
    return;
  tc_csv_row_free(&m->row);
  tc_csv_static_cache_free(m->cache);
  free(m->header);
  free(m);
}

static tc_status mc_open(tc_linesrc *src, const char *first_line, const tc_reader_opts *o,
                         tc_reader_counts *counts, void **state, tc_err *err) {
  tc_status st = TC_OK;
  const char *path = tc_linesrc_path(src);
  mc_state *m = calloc(1, sizeof *m);
  *state = NULL;
  if (!m || !(m->header = strdup(first_line)) || tc_csv_static_cache_create(&m->cache) != TC_OK) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
    goto cleanup;
  }
  m->x = (tc_csv_ctx){path, src, counts, o->strict, m->header, strlen(m->header)};
  if (tc_csv_split(&m->row, first_line, strlen(first_line), ',') != TC_OK) {
    st = tc_fail(err, TC_ERR_FORMAT, "%s:%llu: cannot split the MarineCadastre header", path,
                 (unsigned long long)tc_linesrc_lineno(src));
    goto cleanup;
  }
  const tc_csv_row *h = &m->row;
  m->cols = (tc_csv_poscols){col(h, "mmsi"), col(h, "basedatetime"), col(h, "lat"), col(h, "lon"),
                             col(h, "sog"),  col(h, "cog"),          col(h, "heading")};
  static const char *const req[4] = {"MMSI", "BaseDateTime", "LAT", "LON"};
  const int idx[4] = {m->cols.mmsi, m->cols.t, m->cols.lat, m->cols.lon};
  for (int i = 0; i < 4; i++)
    if (idx[i] < 0) {
      st = tc_fail(err, TC_ERR_FORMAT, "%s:%llu: MarineCadastre header has no column '%s'", path,
                   (unsigned long long)tc_linesrc_lineno(src), req[i]);
      goto cleanup;
    }
  m->name = col(h, "vesselname");
  m->imo = col(h, "imo");
  m->callsign = col(h, "callsign");
  m->type = col(h, "vesseltype");
  m->length = col(h, "length");
  m->width = col(h, "width");
  m->draft = col(h, "draft");
  /* Only the position columns are required of a row; static ones are read when there. */
  m->need = tc_csv_poscols_need(&m->cols);
  *state = m;
  m = NULL;
cleanup:
  mc_close(m);
  return st;
}

/* "IMO9307839" (or bare digits) -> 9307839; anything else unknown (0). */
static uint32_t parse_imo(const char *p, size_t n) {
  uint32_t v;
  while (n && *p == ' ')
    p++, n--;
  if (n >= 3 && (p[0] == 'I' || p[0] == 'i') && (p[1] == 'M' || p[1] == 'm') &&
      (p[2] == 'O' || p[2] == 'o'))
    p += 3, n -= 3;
  return tc_csv_parse_u32(p, n, &v) ? v : 0;
}

static const tc_csv_field *fld(const tc_csv_row *r, int c) {
  static const tc_csv_field none = {"", 0};
  return c >= 0 && (size_t)c < r->n ? &r->f[c] : &none;
}

static void read_static(const mc_state *m, const tc_fix *f, tc_vessel_static *st) {
  const tc_csv_row *r = &m->row;
  uint32_t type;
  memset(st, 0, sizeof *st);
  st->mmsi = f->mmsi;
  st->t = f->t;
  tc_csv_copy_text(st->name, sizeof st->name, fld(r, m->name)->p, fld(r, m->name)->n);
  st->imo = parse_imo(fld(r, m->imo)->p, fld(r, m->imo)->n);
  tc_csv_copy_text(st->callsign, sizeof st->callsign, fld(r, m->callsign)->p, fld(r, m->callsign)->n);
  st->ship_type = tc_csv_parse_u32(fld(r, m->type)->p, fld(r, m->type)->n, &type) && type < 1000
                      ? (int32_t)type
                      : 0;
  st->length_m = tc_csv_parse_dim(fld(r, m->length)->p, fld(r, m->length)->n);
  st->width_m = tc_csv_parse_dim(fld(r, m->width)->p, fld(r, m->width)->n);
  st->draught_m = tc_csv_parse_dim(fld(r, m->draft)->p, fld(r, m->draft)->n);
}

static tc_status mc_next(void *state, tc_linesrc *src, tc_record *rec, int *eof, tc_err *err) {
  mc_state *m = state;
  (void)src;
  *eof = 0;
  if (m->pending) {
    m->pending = 0;
    rec->kind = TC_REC_STATIC;
    rec->st = m->st;
    return TC_OK;
  }
  for (;;) {
    int ok, changed;
    TC_TRY(tc_csv_next_row(&m->x, &m->row, ',', m->need, eof, err));
    if (*eof)
      return TC_OK;
    TC_TRY(tc_csv_parse_fix(&m->x, &m->row, &m->cols, &rec->fix, &ok, err));
    if (!ok)
      continue;
    rec->kind = TC_REC_POSITION;
    read_static(m, &rec->fix, &m->st);
    if (!tc_vessel_static_empty(&m->st)) {
      if (tc_csv_static_changed(m->cache, &m->st, &changed) != TC_OK)
        return tc_fail(err, TC_ERR_NOMEM, "%s: out of memory for the vessel table", m->x.path);
      m->pending = changed;
    }
    return TC_OK;
  }
}

const tc_reader_format tc_format_marinecadastre = {"marinecadastre", mc_detect, mc_open, mc_next,
                                                    mc_close};
