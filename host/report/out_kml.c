#include <errno.h>
#include <math.h>
#include <string.h>

#include "host/report/textout.h"
#include "host/report/vessels.h"
#include "host/report/writers.h"

static void data(FILE *f, const char *name, const char *value) {
  fprintf(f, "<Data name=\"%s\"><value>", name);
  tc_put_xml(f, value);
  fputs("</value></Data>", f);
}

static void dataf(FILE *f, const char *name, double v, int dec) {
  char b[64] = "";
  if (isfinite(v))
    snprintf(b, sizeof b, "%.*f", dec, v);
  data(f, name, b);
}

static void datai(FILE *f, const char *name, long long v) {
  char b[32] = "";
  if (v > 0)
    snprintf(b, sizeof b, "%lld", v);
  data(f, name, b);
}

static void vessel_line(FILE *f, char role, uint32_t mmsi, const char *flag, const tc_vessel_static *v) {
  fprintf(f, "%c: %u", role, mmsi);
  if (flag[0])
    fprintf(f, " [%s]", flag);
  if (v->name[0]) {
    fputc(' ', f);
    tc_put_xml(f, v->name);
  }
  if (v->imo)
    fprintf(f, " IMO %u", v->imo);
  if (v->ship_type)
    fprintf(f, " (%s)", tc_ship_type_name(v->ship_type));
  fputs("&lt;br/&gt;", f);
}

static void encounter(FILE *f, const tc_candidate *k) {
  const tc_encounter *e = &k->e;
  char t0[TC_ISO_LEN], t1[TC_ISO_LEN], tags[256];
  tc_fmt_iso(e->start, t0);
  tc_fmt_iso(e->end, t1);
  tc_tags_str(k->tags, tags, sizeof tags);
  fprintf(f, "<Placemark id=\"e%s\"><name>%u - %u</name>\n<description>", k->id, e->mmsi_a, e->mmsi_b);
  /* The description is HTML shown in the balloon: escaped once for XML. */
  vessel_line(f, 'a', e->mmsi_a, k->flag_a, &k->va);
  vessel_line(f, 'b', e->mmsi_b, k->flag_b, &k->vb);
  fprintf(f, "%s to %s (%.1f h), min %.0f m, score %.1f&lt;br/&gt;", t0, t1, (e->end - e->start) / 3600.0,
          e->min_dist_m, k->score);
  tc_put_xml(f, k->reasons);
  fprintf(f, "</description>\n<TimeSpan><begin>%s</begin><end>%s</end></TimeSpan><styleUrl>#enc</styleUrl>\n"
             "<ExtendedData>", t0, t1);
  data(f, "id", k->id);
  datai(f, "mmsi_a", e->mmsi_a);
  datai(f, "mmsi_b", e->mmsi_b);
  data(f, "start", t0);
  data(f, "end", t1);
  datai(f, "duration_s", e->end - e->start);
  datai(f, "close_slots", e->close_slots);
  dataf(f, "min_dist_m", e->min_dist_m, 3);
  dataf(f, "median_dist_m", e->median_dist_m, 3);
  dataf(f, "mean_lat", e->mean_lat, 6);
  dataf(f, "mean_lon", e->mean_lon, 6);
  dataf(f, "speed_a_kn", e->speed_a_kn, 4);
  dataf(f, "speed_b_kn", e->speed_b_kn, 4);
  dataf(f, "score", k->score, 1);
  data(f, "reasons", k->reasons);
  data(f, "flag_a", k->flag_a);
  data(f, "flag_b", k->flag_b);
  data(f, "name_a", k->va.name);
  data(f, "name_b", k->vb.name);
  datai(f, "imo_a", k->va.imo);
  datai(f, "imo_b", k->vb.imo);
  data(f, "callsign_a", k->va.callsign);
  data(f, "callsign_b", k->vb.callsign);
  datai(f, "type_a", k->va.ship_type);
  datai(f, "type_b", k->vb.ship_type);
  dataf(f, "shore_dist_m", k->shore_m, 0);
  data(f, "port", k->port);
  dataf(f, "port_dist_m", k->port_m, 0);
  dataf(f, "crowd", k->crowd >= 0 ? k->crowd : NAN, 0);
  data(f, "tags", tags);
  fprintf(f, "</ExtendedData>\n<Point><coordinates>%.6f,%.6f,0</coordinates></Point></Placemark>\n",
          e->mean_lon, e->mean_lat);
}

/* gx:Track: Google Earth's time slider shows each vessel where it was at the time. */
static void track(FILE *f, const tc_candidate *k, const tc_columns *t, char role) {
  if (t->n == 0)
    return;
  fprintf(f, "<Placemark><name>%u (%c) %s</name><styleUrl>#trk_%c</styleUrl>\n<gx:Track>",
          role == 'a' ? k->e.mmsi_a : k->e.mmsi_b, role, k->id, role);
  char w[TC_ISO_LEN];
  for (size_t i = 0; i < t->n; i++) {
    tc_fmt_iso(t->t[i], w);
    fprintf(f, "<when>%s</when>", w);
  }
  fputc('\n', f);
  for (size_t i = 0; i < t->n; i++)
    fprintf(f, "<gx:coord>%.6f %.6f 0</gx:coord>", t->lon[i], t->lat[i]);
  fputs("</gx:Track></Placemark>\n", f);
}

tc_status tc_write_kml(FILE *f, const tc_candidates *c, tc_err *err) {
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<kml xmlns=\"http://www.opengis.net/kml/2.2\" xmlns:gx=\"http://www.google.com/kml/ext/2.2\">\n"
        "<Document><name>trajcorr encounters</name>\n<description>", f);
  tc_put_xml(f, c->note);
  fputs("</description>\n"
        "<Style id=\"enc\"><IconStyle><color>ff0000ff</color><scale>1.1</scale></IconStyle></Style>\n"
        "<Style id=\"trk_a\"><LineStyle><color>ffff7f00</color><width>2</width></LineStyle>"
        "<IconStyle><color>ffff7f00</color><scale>0.6</scale></IconStyle></Style>\n"
        "<Style id=\"trk_b\"><LineStyle><color>ff00a5ff</color><width>2</width></LineStyle>"
        "<IconStyle><color>ff00a5ff</color><scale>0.6</scale></IconStyle></Style>\n"
        "<Folder><name>Encounters</name>\n", f);
  for (size_t i = 0; i < c->n; i++)
    encounter(f, &c->v[i]);
  fputs("</Folder>\n", f);
  if (c->track_a) {
    fputs("<Folder><name>Tracks</name>\n", f);
    for (size_t i = 0; i < c->n; i++) {
      track(f, &c->v[i], &c->track_a[i], 'a');
      track(f, &c->v[i], &c->track_b[i], 'b');
    }
    fputs("</Folder>\n", f);
  }
  fputs("</Document></kml>\n", f);
  errno = 0; /* fflush's own error, or none when an earlier write failed */
  if (fflush(f) != 0 || ferror(f))
    return tc_fail(err, TC_ERR_IO, "KML: write failed: %s", errno ? strerror(errno) : "I/O error");
  return TC_OK;
}
