/* The self-contained HTML report (docs/outputs.md): a Leaflet map of every candidate
 * over the shoreline (no tiles: nothing is fetched), a sortable table, per-day and
 * per-flag-pair counts, and a panel per candidate with both tracks on a small map and
 * SVG plots of their distance and speeds over time. Leaflet is inlined from Debian's
 * libjs-leaflet, read at run time; without it the page says so and keeps the rest. */
#ifndef TC_REPORT_H
#define TC_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "host/report/candidates.h"
#include "host/report/coast.h"
#include "io/json.h"

typedef struct {
  const char *title;
  const char *source;       /* store or list the candidates came from */
  const tc_coast *coast;    /* shoreline layer; NULL for none */
  const char *leaflet_dir;  /* NULL: $TC_LEAFLET_DIR, else /usr/share/javascript/leaflet */
  size_t max_panels;        /* candidates (in list order) that get a panel; 0 = 200 */
  int64_t margin_s;         /* track time shown around each encounter */
} tc_report_opts;

void tc_report_defaults(tc_report_opts *o);
/* Whether Leaflet was found (so the page has maps); fills path with the directory. */
int tc_report_find_leaflet(const tc_report_opts *o, char *dir, size_t cap);
tc_status tc_report_write(const char *path, const tc_candidates *c, const tc_report_opts *o, tc_err *err);

/* Pieces (report_*.c). The style and script are host/report/page/report.css and
 * report.js, embedded at build time (host/report/page/embed.cmake). */
extern const char tc_report_css[];
extern const char tc_report_js[];
/* Two SVG plots for candidate k: distance between the vessels, and their speeds. */
void tc_report_plots(FILE *f, const tc_candidate *k, const tc_columns *a, const tc_columns *b, int64_t margin_s);
/* The page's JSON data: candidates, decimated tracks of the panels, shoreline; every
 * '<' written as \u003c so no "</script>" can end the script element early. */
tc_status tc_report_data(FILE *f, const tc_candidates *c, size_t panels, const tc_coast *coast, tc_err *err);
/* The events of the candidates' store (report_events.c) into doc: "events" (each kind's
 * linked events, then at most TC_REPORT_EVENTS_UNLINKED others, dark rendezvous in their
 * rank order; at most TC_REPORT_EVENTS_MAX of each kind in all) and "net" (each candidate vessel's neighbours in the network, at
 * most TC_REPORT_NEIGHBOURS). Nothing when no events were computed. */
#define TC_REPORT_EVENTS_MAX 2000
#define TC_REPORT_EVENTS_UNLINKED 300
#define TC_REPORT_NEIGHBOURS 30
tc_status tc_report_events_data(json_t *doc, const tc_candidates *c, tc_err *err);
/* Land as closed rings [[lon, lat], ...] (longitudes unwrapped round the box's middle),
 * stitched from the shoreline's pieces, clipped to the box lat0..lat1, lon0..lon1
 * (lon0 < lon1, either may pass +-180) and thinned to tol degrees; lakes are rings
 * inside land rings (fill even-odd). NULL when out of memory. */
json_t *tc_report_land(const tc_coast *coast, double lat0, double lat1, double lon0, double lon1, double tol);

#endif
