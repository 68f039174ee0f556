#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/report/report.h"
#include "host/report/textout.h"
#include "host/report/vessels.h"

void tc_report_defaults(tc_report_opts *o) {
  memset(o, 0, sizeof *o);
  o->title = "trajcorr encounter candidates";
  o->max_panels = 200;
  o->margin_s = 3 * 3600;
}

int tc_report_find_leaflet(const tc_report_opts *o, char *dir, size_t cap) {
  const char *env = getenv("TC_LEAFLET_DIR");
  const char *d = o->leaflet_dir ? o->leaflet_dir : env && *env ? env : "/usr/share/javascript/leaflet";
  char p[4096];
  snprintf(p, sizeof p, "%s/leaflet.css", d);
  if (access(p, R_OK) != 0)
    return 0;
  snprintf(dir, cap, "%s", d);
  return 1;
}

/* Copies a file into the page, dropping source-map comments (nothing may be fetched). */
static tc_status inline_file(FILE *out, const char *path, tc_err *err) {
  FILE *f = fopen(path, "r");
  if (!f)
    return tc_fail(err, TC_ERR_IO, "%s: %s", path, strerror(errno));
  char line[8192];
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "//# sourceMappingURL", 20) && strncmp(line, "/*# sourceMappingURL", 20))
      fputs(line, out);
  int bad = ferror(f);
  fclose(f);
  return bad ? tc_fail(err, TC_ERR_IO, "%s: read error", path) : TC_OK;
}

/* The candidates' table: its head only. report.js renders the rows from the page's data,
 * a page of them at a time, and sorts, filters and searches over all of them; one HTML
 * row per candidate would make a month's page too big to open. */
static void table(FILE *f) {
  fputs("<div class=\"pager\" id=\"pager\"><button type=\"button\" id=\"p-first\" title=\"first page\">&laquo;</button>"
        "<button type=\"button\" id=\"p-prev\" title=\"previous page\">&lsaquo; prev</button>"
        "<label>page <input id=\"p-num\" type=\"number\" min=\"1\" value=\"1\"></label> <span id=\"p-of\"></span>"
        "<button type=\"button\" id=\"p-next\" title=\"next page\">next &rsaquo;</button>"
        "<button type=\"button\" id=\"p-last\" title=\"last page\">&raquo;</button>"
        "<label>rows a page <select id=\"p-size\"><option>50</option><option selected>100</option><option>200</option>"
        "<option>500</option></select></label><span id=\"p-rows\"></span></div>\n"
        "<div class=\"tablebox\"><table id=\"candidates\"><thead><tr><th data-key=\"rank\">#</th><th data-key=\"score\">score</th>"
        "<th data-key=\"start\">start (UTC)</th><th data-key=\"end\">end (UTC)</th><th data-key=\"duration\">hours</th><th data-key=\"a\">vessel a</th>"
        "<th data-key=\"b\">vessel b</th><th data-key=\"min_dist\">min m</th><th data-key=\"shore\">shore km</th>"
        "<th data-key=\"port\">port / anchorage</th><th data-key=\"reasons\">reasons</th><th data-key=\"events\">events</th><th data-key=\"id\">id</th>"
        "</tr></thead><tbody></tbody></table></div>\n<div id=\"selected\"></div>\n", f);
}

typedef struct {
  char key[16];
  size_t n, near_port;
  double best;
} bucket;

static int cmp_key(const void *a, const void *b) { return strcmp(((const bucket *)a)->key, ((const bucket *)b)->key); }
static int cmp_count(const void *a, const void *b) {
  const bucket *x = a, *y = b;
  if (x->n != y->n)
    return x->n > y->n ? -1 : 1;
  return strcmp(x->key, y->key);
}

/* Counts per key (day, or flag pair), sorted by key or by count. */
static void counts(FILE *f, const tc_candidates *c, int by_flag, const char *id, const char *head) {
  bucket *b = calloc(c->n ? c->n : 1, sizeof *b);
  size_t nb = 0;
  if (!b)
    return;
  for (size_t i = 0; i < c->n; i++) {
    const tc_candidate *k = &c->v[i];
    char key[16];
    if (by_flag) {
      const char *x = k->flag_a[0] ? k->flag_a : "??", *y = k->flag_b[0] ? k->flag_b : "??";
      snprintf(key, sizeof key, "%s-%s", strcmp(x, y) <= 0 ? x : y, strcmp(x, y) <= 0 ? y : x);
    } else {
      tc_fmt_day(k->e.start, key);
    }
    size_t j = 0;
    while (j < nb && strcmp(b[j].key, key))
      j++;
    if (j == nb) {
      snprintf(b[nb].key, sizeof b[nb].key, "%s", key);
      b[nb++].best = -INFINITY;
    }
    b[j].n++;
    b[j].near_port += (k->tags & TC_TAG_NEAR_PORT) != 0;
    if (k->score > b[j].best)
      b[j].best = k->score;
  }
  qsort(b, nb, sizeof *b, by_flag ? cmp_count : cmp_key);
  fprintf(f, "<div><table id=\"%s\"><thead><tr><th>%s</th><th>encounters</th><th>near port</th><th>top score</th></tr></thead><tbody>",
          id, head);
  for (size_t j = 0; j < nb; j++)
    fprintf(f, "<tr><td>%s</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td><td class=\"num\">%.1f</td></tr>", b[j].key,
            b[j].n, b[j].near_port, b[j].best);
  fputs("</tbody></table></div>", f);
  free(b);
}

/* The controls; report.js fills the flag and type lists from the data and applies them. */
static void filters(FILE *f) {
  fputs("<div id=\"filters\">"
        "<label>search (MMSI, name, IMO, call sign)<input id=\"f-q\" type=\"search\" placeholder=\"636012345 or name\"></label>"
        "<label>score from<input id=\"f-score-lo\" type=\"number\" step=\"0.5\"></label>"
        "<label>to<input id=\"f-score-hi\" type=\"number\" step=\"0.5\"></label>"
        "<label>flag (either vessel)<select id=\"f-flag\"><option value=\"\">any</option></select></label>"
        "<label>ship type (either)<select id=\"f-type\"><option value=\"\">any</option></select></label>"
        "<label>from (UTC day)<input id=\"f-from\" type=\"date\"></label>"
        "<label>to (UTC day)<input id=\"f-to\" type=\"date\"></label>"
        "<label>port<select id=\"f-port\"><option value=\"\">any</option><option value=\"in\">in port</option>"
        "<option value=\"out\">not in port</option></select></label>"
        "<label>linked events<select id=\"f-ev\"><option value=\"\">any or none</option><option value=\"any\">any shown kind</option>"
        "<option value=\"gap\">a gap</option><option value=\"loitering\">loitering</option>"
        "<option value=\"dark\">a dark rendezvous</option></select></label>"
        "<button type=\"button\" id=\"f-area-draw\" title=\"then drag a rectangle on the map\">draw area</button>"
        "<button type=\"button\" id=\"f-area-clear\" disabled>clear area</button>"
        "<button type=\"button\" id=\"f-reset\">reset</button>"
        "<button type=\"button\" id=\"export-csv\">export CSV</button>"
        "<button type=\"button\" id=\"export-geojson\">export GeoJSON</button>"
        "<span id=\"f-count\"></span></div>\n"
        "<div id=\"ev-kinds\">events shown: "
        "<label><input type=\"checkbox\" id=\"ev-gap\" checked> <span class=\"ev key ev-gap\">AIS gaps</span></label> "
        "<label><input type=\"checkbox\" id=\"ev-loitering\" checked> <span class=\"ev key ev-loitering\">loitering</span></label> "
        "<label><input type=\"checkbox\" id=\"ev-dark\" checked> <span class=\"ev key ev-dark\">dark rendezvous</span></label> "
        "<span id=\"ev-note\" class=\"note\"></span></div>\n", f);
}

static void timeline(FILE *f) {
  fputs("<div id=\"timeline-box\"><canvas id=\"timeline\" role=\"img\" aria-label=\"timeline of candidates\"></canvas>"
        "<div class=\"slider\"><button type=\"button\" id=\"t-play\" title=\"play the timeline\">&#9654;</button>"
        "<input id=\"t-slider\" type=\"range\"><span id=\"t-label\"></span></div>"
        "<p class=\"note\">Timeline: a bar per candidate from start to end, higher for a higher score (faded when filtered "
        "out); the slider picks a time and the candidates under way then (within an hour) grow on the map.</p></div>\n", f);
}

static void vessel_info(FILE *f, char role, uint32_t mmsi, const char *flag, const tc_vessel_static *v) {
  fprintf(f, "<tr><th class=\"v%c\">%c</th><td>%u</td><td>%s</td><td>", role, role, mmsi, flag);
  tc_put_xml(f, v->name);
  fputs("</td><td>", f);
  if (v->imo)
    fprintf(f, "%u", v->imo);
  fputs("</td><td>", f);
  tc_put_xml(f, v->callsign);
  fprintf(f, "</td><td>%s</td></tr>", tc_ship_type_name(v->ship_type));
}

static void panel(FILE *f, const tc_candidates *c, size_t i, const tc_report_opts *o) {
  const tc_candidate *k = &c->v[i];
  const tc_encounter *e = &k->e;
  char t0[TC_ISO_LEN], t1[TC_ISO_LEN];
  tc_fmt_iso(e->start, t0);
  tc_fmt_iso(e->end, t1);
  fprintf(f, "<details class=\"enc\" id=\"panel-%zu\" data-i=\"%zu\"><summary><b>#%zu</b> score %.1f &mdash; "
             "<span class=\"va\">%u</span> &amp; <span class=\"vb\">%u</span>, %s, %.1f h <code>%s</code></summary>"
             "<div class=\"body\"><div class=\"trackbox\"><div class=\"trackmap\"></div></div><div class=\"plots\">",
          i, i, i + 1, k->score, e->mmsi_a, e->mmsi_b, t0, (e->end - e->start) / 3600.0, k->id);
  static const tc_columns none = {0};
  tc_report_plots(f, k, c->track_a ? &c->track_a[i] : &none, c->track_b ? &c->track_b[i] : &none, o->margin_s);
  fputs("</div><div class=\"info\"><table><tr><th></th><th>MMSI</th><th>flag</th><th>name</th><th>IMO</th>"
        "<th>call sign</th><th>type</th></tr>", f);
  vessel_info(f, 'a', e->mmsi_a, k->flag_a, &k->va);
  vessel_info(f, 'b', e->mmsi_b, k->flag_b, &k->vb);
  fprintf(f, "</table><p>%s to %s, %d close grid times, min %.0f m, median %.0f m apart, median speeds %.2f and %.2f kn, "
             "at %.5f, %.5f.</p><ul>", t0, t1, e->close_slots, e->min_dist_m, e->median_dist_m, e->speed_a_kn,
          e->speed_b_kn, e->mean_lat, e->mean_lon);
  /* one reason a line */
  const char *r = k->reasons;
  while (*r) {
    size_t n = strcspn(r, ";");
    char item[TC_REASONS_MAX];
    snprintf(item, sizeof item, "%.*s", (int)n, r);
    fputs("<li>", f);
    tc_put_xml(f, item);
    fputs("</li>", f);
    r += n;
    while (*r == ';' || *r == ' ')
      r++;
  }
  fputs("</ul></div></div></details>\n", f);
}

static tc_status page(FILE *f, const tc_candidates *c, const tc_report_opts *o, tc_err *err) {
  char dir[4096], path[4200];
  int leaflet = tc_report_find_leaflet(o, dir, sizeof dir);
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        /* nothing may be fetched: the browser itself refuses any load from outside the page */
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
        "style-src 'unsafe-inline'; img-src data: blob:; connect-src 'none'; font-src 'none'; form-action 'none'\">"
        "<title>", f);
  tc_put_xml(f, o->title);
  fputs("</title>\n", f);
  if (leaflet) {
    fputs("<style>\n", f);
    snprintf(path, sizeof path, "%s/leaflet.css", dir);
    TC_TRY(inline_file(f, path, err));
    fputs("</style>\n", f);
  }
  fprintf(f, "<style>%s</style></head>\n<body>\n<header><h1>", tc_report_css);
  tc_put_xml(f, o->title);
  fprintf(f, "</h1><p>%zu candidates", c->n);
  if (o->source) {
    fputs(" from ", f);
    tc_put_xml(f, o->source);
  }
  if (c->n) {
    int64_t a = c->v[0].e.start, b = c->v[0].e.end;
    for (size_t i = 1; i < c->n; i++) {
      a = c->v[i].e.start < a ? c->v[i].e.start : a;
      b = c->v[i].e.end > b ? c->v[i].e.end : b;
    }
    char s0[TC_ISO_LEN], s1[TC_ISO_LEN];
    tc_fmt_iso(a, s0);
    tc_fmt_iso(b, s1);
    fprintf(f, ", %s to %s", s0, s1);
  }
  fputs("</p><p class=\"note\">", f);
  tc_put_xml(f, c->note);
  fputs("</p></header>\n<section>", f);
  filters(f);
  fputs("<div id=\"map\"></div><p class=\"note\">Circles: candidates coloured by score "
        "(dark red &ge; 8, red &ge; 4, orange &ge; 0, grey below), those the filters keep<span id=\"map-note\"></span>. "
        "Land filled, shoreline drawn. Click a circle or a row for its pair.</p>", f);
  timeline(f);
  fputs("</section>\n<section><h2>Summary</h2><div class=\"summary\">", f);
  counts(f, c, 0, "per-day", "day (UTC)");
  counts(f, c, 1, "per-flag", "flags");
  fputs("</div></section>\n<section><h2>Candidates</h2><p class=\"note\">Click a column to sort (all candidates, "
        "not only the page shown), a row for its pair: its panel when it has one, else its details below the table.</p>\n", f);
  table(f);
  size_t panels = c->n < o->max_panels ? c->n : o->max_panels;
  fprintf(f, "</section>\n<section id=\"panels\"><h2>Panels</h2><p class=\"note\">The first %zu candidates in list order; "
             "tracks %.0f h either side (blue a, orange b; thick while they met); shaded: the encounter; dashed: 500 m; "
             "bands along the top: linked events of a, of b and of the pair (grey gaps, green loitering, purple dark "
             "rendezvous).</p>\n",
          panels, o->margin_s / 3600.0);
  for (size_t i = 0; i < panels; i++)
    panel(f, c, i, o);
  fputs("</section>\n<pre id=\"tc-export\"></pre>\n<script type=\"application/json\" id=\"tc-data\">", f);
  TC_TRY(tc_report_data(f, c, panels, o->coast, err));
  fputs("</script>\n", f);
  if (leaflet) {
    fputs("<script>\n", f);
    snprintf(path, sizeof path, "%s/leaflet.min.js", dir);
    if (access(path, R_OK) != 0)
      snprintf(path, sizeof path, "%s/leaflet.js", dir);
    TC_TRY(inline_file(f, path, err));
    fputs("\n</script>\n", f);
  }
  fprintf(f, "<script>\n%s</script>\n</body></html>\n", tc_report_js);
  return TC_OK;
}

tc_status tc_report_write(const char *path, const tc_candidates *c, const tc_report_opts *o, tc_err *err) {
  tc_atomic a;
  TC_TRY(tc_atomic_open(&a, path, err));
  tc_status s = page(a.f, c, o, err);
  errno = 0; /* fflush's own error, or none when an earlier write failed */
  if (s == TC_OK && (fflush(a.f) != 0 || ferror(a.f)))
    s = tc_fail(err, TC_ERR_IO, "%s: write failed: %s", path, errno ? strerror(errno) : "I/O error");
  if (s == TC_OK)
    s = tc_atomic_commit(&a, err);
  tc_atomic_abort(&a);
  return s;
}
