/* Generic CSV: a header names the columns (any order, any case, common aliases);
 * mmsi, time, lat and lon are required, sog, cog and heading optional. */
#include <stdlib.h>
#include <string.h>

#include "io/csv_fields.h"
#include "io/printable.h"
#include "io/formats.h"

static const char *const al_mmsi[] = {"mmsi", "ssvid", "vessel_id", NULL};
static const char *const al_time[] = {"timestamp", "time", "basedatetime", "datetime", "t",
                                      "timestamp_utc", "unix_time", NULL};
static const char *const al_lat[] = {"lat", "latitude", NULL};
static const char *const al_lon[] = {"lon", "long", "longitude", "lng", NULL};
static const char *const al_sog[] = {"sog", "speed", "speed_knots", NULL};
static const char *const al_cog[] = {"cog", "course", NULL};
static const char *const al_heading[] = {"heading", "true_heading", NULL};

typedef struct {
  tc_csv_ctx x;
  tc_csv_row row;
  tc_csv_poscols cols;
  int need;
  char delim;
  char *header;
} gen_state;

/* Finds the columns; returns how many of the four required ones are there. */
static int map_columns(const tc_csv_row *h, tc_csv_poscols *c) {
  c->mmsi = tc_csv_find_column(h, al_mmsi);
  c->t = tc_csv_find_column(h, al_time);
  c->lat = tc_csv_find_column(h, al_lat);
  c->lon = tc_csv_find_column(h, al_lon);
  c->sog = tc_csv_find_column(h, al_sog);
  c->cog = tc_csv_find_column(h, al_cog);
  c->heading = tc_csv_find_column(h, al_heading);
  return (c->mmsi >= 0) + (c->t >= 0) + (c->lat >= 0) + (c->lon >= 0);
}

/* 50 with all required columns; 1 with some (so that open names what is missing). */
static int gen_detect(const char *line) {
  tc_csv_row h;
  tc_csv_poscols c;
  int score = 0;
  tc_csv_row_init(&h);
  if (tc_csv_split(&h, line, strlen(line), tc_csv_guess_delim(line)) == TC_OK) {
    int req = map_columns(&h, &c);
    score = req == 4 ? 50 : (req > 0 || c.sog >= 0 || c.cog >= 0) && h.n > 1 ? 1 : 0;
  }
  tc_csv_row_free(&h);
  return score;
}

static void gen_close(void *state) {
  gen_state *g = state;
  if (!g)
    return;
  tc_csv_row_free(&g->row);
  free(g->header);
  free(g);
}

static tc_status gen_open(tc_linesrc *src, const char *first_line, const tc_reader_opts *o,
                          tc_reader_counts *counts, void **state, tc_err *err) {
  tc_status st = TC_OK;
  const char *path = tc_linesrc_path(src);
  gen_state *g = calloc(1, sizeof *g);
  *state = NULL;
  if (!g || !(g->header = strdup(first_line))) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
    goto cleanup;
  }
  g->x = (tc_csv_ctx){path, src, counts, o->strict, g->header, strlen(g->header)};
  g->delim = tc_csv_guess_delim(first_line);
  if (tc_csv_split(&g->row, first_line, strlen(first_line), g->delim) != TC_OK) {
    st = tc_fail(err, TC_ERR_FORMAT, "%s:%llu: cannot split the CSV header (open quote?)", path,
                 (unsigned long long)tc_linesrc_lineno(src));
    goto cleanup;
  }
  map_columns(&g->row, &g->cols);
  static const char *const need_names[4] = {"mmsi", "time (timestamp, time, basedatetime, datetime, t)",
                                            "lat (lat, latitude)", "lon (lon, long, longitude)"};
  const int idx[4] = {g->cols.mmsi, g->cols.t, g->cols.lat, g->cols.lon};
  for (int i = 0; i < 4; i++)
    if (idx[i] < 0) {
      char shown[TC_PRINTABLE_CAP(120)];
      st = tc_fail(err, TC_ERR_FORMAT, "%s:%llu: CSV header has no column '%s' (header: '%s')",
                   path, (unsigned long long)tc_linesrc_lineno(src), need_names[i],
                   tc_printable(shown, sizeof shown, first_line, strlen(first_line), 120));
      goto cleanup;
    }
  g->need = tc_csv_poscols_need(&g->cols);
  *state = g;
  g = NULL;
cleanup:
  gen_close(g);
  return st;
}

static tc_status gen_next(void *state, tc_linesrc *src, tc_record *rec, int *eof, tc_err *err) {
  gen_state *g = state;
  (void)src;
  for (;;) {
    int ok;
    TC_TRY(tc_csv_next_row(&g->x, &g->row, g->delim, g->need, eof, err));
    if (*eof)
      return TC_OK;
    TC_TRY(tc_csv_parse_fix(&g->x, &g->row, &g->cols, &rec->fix, &ok, err));
    if (ok) {
      rec->kind = TC_REC_POSITION;
      return TC_OK;
    }
  }
}

const tc_reader_format tc_format_csv = {"csv", gen_detect, gen_open, gen_next, gen_close};
