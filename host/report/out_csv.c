#include <errno.h>
#include <math.h>
#include <string.h>

#include "host/report/textout.h"
#include "host/report/writers.h"
#include "host/report/encounters_csv.h"
#include "host/report/evlinks.h"

const char *const tc_csv_columns[] = {
    "mmsi_a", "mmsi_b", "start", "end", "duration_s", "close_slots", "min_dist_m", "median_dist_m",
    "mean_lat", "mean_lon", "speed_a_kn", "speed_b_kn", "id", "score", "flag_a", "flag_b",
    "name_a", "name_b", "imo_a", "imo_b", "callsign_a", "callsign_b", "type_a", "type_b",
    "shore_dist_m", "port", "port_dist_m", "crowd", "tags", "reasons",
    "n_gaps", "n_loitering", "n_dark", "events"};
const int tc_csv_ncolumns = (int)(sizeof tc_csv_columns / sizeof tc_csv_columns[0]);

static void num(FILE *f, double v, int decimals) {
  if (isfinite(v))
    fprintf(f, "%.*f", decimals, v);
}

static void uint_or_empty(FILE *f, long long v) {
  if (v > 0)
    fprintf(f, "%lld", v);
}

tc_status tc_write_csv(FILE *f, const tc_candidates *c, tc_err *err) {
  for (int i = 0; i < tc_csv_ncolumns; i++)
    fprintf(f, "%s%s", i ? "," : "", tc_csv_columns[i]);
  fputc('\n', f);
  for (size_t i = 0; i < c->n; i++) {
    const tc_candidate *k = &c->v[i];
    const tc_encounter *e = &k->e;
    char tags[256];
    tc_encounter_csv_fields(f, e);
    fprintf(f, ",%s,%.1f,%s,%s,", k->id, k->score, k->flag_a, k->flag_b);
    tc_put_csv(f, k->va.name);
    fputc(',', f);
    tc_put_csv(f, k->vb.name);
    fputc(',', f);
    uint_or_empty(f, k->va.imo);
    fputc(',', f);
    uint_or_empty(f, k->vb.imo);
    fputc(',', f);
    tc_put_csv(f, k->va.callsign);
    fputc(',', f);
    tc_put_csv(f, k->vb.callsign);
    fputc(',', f);
    uint_or_empty(f, k->va.ship_type);
    fputc(',', f);
    uint_or_empty(f, k->vb.ship_type);
    fputc(',', f);
    num(f, k->shore_m, 0);
    fputc(',', f);
    tc_put_csv(f, k->port);
    fputc(',', f);
    num(f, k->port_m, 0);
    fputc(',', f);
    if (k->crowd >= 0)
      fprintf(f, "%d", k->crowd);
    fputc(',', f);
    tc_tags_str(k->tags, tags, sizeof tags);
    fputs(tags, f);
    fputc(',', f);
    tc_put_csv(f, k->reasons);
    if (k->ev) { /* the linked events (spec events §4); empty when none were computed */
      char refs[TC_EVLINKS_MAX * 64];
      tc_evlinks_refs(k, refs, sizeof refs);
      fprintf(f, ",%u,%u,%u,", k->n_gaps, k->n_loiter, k->n_dark);
      tc_put_csv(f, refs);
    } else {
      fputs(",,,,", f);
    }
    fputc('\n', f);
  }
  errno = 0; /* fflush's own error, or none when an earlier write failed */
  if (fflush(f) != 0 || ferror(f))
    return tc_fail(err, TC_ERR_IO, "CSV: write failed: %s", errno ? strerror(errno) : "I/O error");
  return TC_OK;
}
