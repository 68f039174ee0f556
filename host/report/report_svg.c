/* SVG plots of one candidate: the distance between the two vessels (interpolated
 * between fixes no more than an hour apart) and each vessel's speed (reported sog, or
 * implied by consecutive fixes), over the encounter and a margin, the encounter shaded. */
#include <math.h>
#include <stdio.h>

#include "host/report/anchorage.h"
#include "host/report/evlinks.h"
#include "host/report/report.h"
#include "host/report/textout.h"
#include "kernels/geo.h"

#define W 560
#define H 150
#define L 48 /* left margin for the y labels */
#define B 22 /* bottom margin for the time labels */
#define MAX_STEPS 400

typedef struct {
  int64_t t0, t1;
  double y0, y1;
} frame;

static double px(const frame *f, double t) { return L + (t - f->t0) * (double)(W - L - 6) / (double)(f->t1 - f->t0); }
static double py(const frame *f, double v) {
  double y = H - B - (v - f->y0) * (H - B - 8) / (f->y1 - f->y0);
  return y < 4 ? 4 : y;
}

/* Position of a track at t, interpolated across gaps of at most an hour. */
static int pos_at(const tc_columns *c, int64_t t, double *lat, double *lon) {
  size_t lo = 0, hi = c->n;
  while (lo < hi) {
    size_t m = lo + (hi - lo) / 2;
    if (c->t[m] <= t)
      lo = m + 1;
    else
      hi = m;
  }
  if (lo == 0)
    return 0;
  size_t i = lo - 1;
  if (c->t[i] == t) {
    *lat = c->lat[i];
    *lon = c->lon[i];
    return 1;
  }
  if (i + 1 >= c->n || c->t[i + 1] - c->t[i] > 3600)
    return 0;
  tc_interp(c->lat[i], c->lon[i], c->lat[i + 1], c->lon[i + 1],
            (double)(t - c->t[i]) / (double)(c->t[i + 1] - c->t[i]), lat, lon);
  return 1;
}

static double speed_at(const tc_columns *c, size_t i) {
  if (tc_anchorage_sog_known(c->sog[i]))
    return c->sog[i];
  size_t j = i + 1 < c->n ? i + 1 : i, k = i + 1 < c->n ? i : i - 1;
  if (c->n < 2 || c->t[j] == c->t[k] || c->t[j] - c->t[k] > 3600)
    return NAN;
  return tc_haversine_m(c->lat[k], c->lon[k], c->lat[j], c->lon[j]) / (double)(c->t[j] - c->t[k]) / TC_KNOT_MPS;
}

/* The linked events (spec events §4) inside the plot's time, as thin bands along the top:
 * gaps and loitering of a (first row) and b (second), dark rendezvous' overlaps (third). */
static void event_bands(FILE *f, const frame *fr, const tc_candidate *k) {
  for (unsigned i = 0; k->ev && i < k->n_links; i++) {
    const tc_evlink *x = &k->links[i];
    int64_t t0, t1;
    const char *cls;
    if (x->kind == TC_EVL_GAP) {
      t0 = k->ev->gaps[x->index].t0, t1 = k->ev->gaps[x->index].t1, cls = "gap";
    } else if (x->kind == TC_EVL_LOITER) {
      t0 = k->ev->loiter[x->index].start, t1 = k->ev->loiter[x->index].end, cls = "loitering";
    } else {
      const tc_dark *d = &k->ev->dark[x->index];
      t0 = d->a0 > d->b0 ? d->a0 : d->b0, t1 = d->a1 < d->b1 ? d->a1 : d->b1, cls = "dark";
    }
    if (t1 < fr->t0 || t0 > fr->t1)
      continue;
    double x0 = px(fr, (double)(t0 < fr->t0 ? fr->t0 : t0)), x1 = px(fr, (double)(t1 > fr->t1 ? fr->t1 : t1));
    int row = x->kind == TC_EVL_DARK ? 2 : x->vessel == 'b';
    char ref[128];
    tc_evlink_ref(k, x, ref, sizeof ref);
    fprintf(f, "<rect class=\"ev ev-%s ev-%c\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"4\"><title>%s</title></rect>",
            cls, x->vessel ? x->vessel : 'p', x0, 4 + 5 * row, x1 - x0 > 1 ? x1 - x0 : 1, ref);
  }
}

static void axes(FILE *f, const frame *fr, const tc_candidate *k, const char *unit) {
  /* the encounter, shaded */
  fprintf(f, "<rect class=\"span\" x=\"%.1f\" y=\"4\" width=\"%.1f\" height=\"%d\"/>", px(fr, (double)k->e.start),
          px(fr, (double)k->e.end) - px(fr, (double)k->e.start), H - B - 4);
  fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", L, H - B, W - 6, H - B);
  fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"4\" x2=\"%d\" y2=\"%d\"/>", L, L, H - B);
  static const int64_t steps[] = {600, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800};
  int64_t st = steps[0];
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    st = steps[i];
    if ((fr->t1 - fr->t0) / st <= 7)
      break;
  }
  for (int64_t t = (fr->t0 / st + 1) * st; t < fr->t1; t += st) {
    char iso[TC_ISO_LEN];
    tc_fmt_iso(t, iso);
    fprintf(f, "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", px(fr, (double)t), H - B, px(fr, (double)t),
            H - B + 4);
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.5s</text>", px(fr, (double)t), H - 6, iso + 11);
  }
  for (int i = 0; i <= 2; i++) {
    double v = fr->y0 + (fr->y1 - fr->y0) * i / 2.0;
    fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>", L - 4, py(fr, v) + 4, round(v * 10) / 10);
  }
  fprintf(f, "<text x=\"%d\" y=\"14\">%s</text>", L + 6, unit);
  event_bands(f, fr, k);
}

static void plot_distance(FILE *f, const tc_candidate *k, const tc_columns *a, const tc_columns *b, const frame *base) {
  frame fr = *base;
  int64_t step = (fr.t1 - fr.t0) / MAX_STEPS;
  if (step < 60)
    step = 60;
  double dmax = 0;
  for (int64_t t = fr.t0; t <= fr.t1; t += step) {
    double la, lo, lb, ob;
    if (pos_at(a, t, &la, &lo) && pos_at(b, t, &lb, &ob)) {
      double d = tc_haversine_m(la, lo, lb, ob);
      if (d > dmax)
        dmax = d;
    }
  }
  fr.y0 = 0;
  fr.y1 = dmax < 1000 ? 1000 : dmax > 10000 ? 10000 : ceil(dmax / 1000) * 1000; /* clipped at 10 km */
  fprintf(f, "<svg class=\"plot plot-dist\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">"
             "<title>distance between the vessels (m)</title>", W, H, W, H);
  axes(f, &fr, k, "m apart");
  fprintf(f, "<line class=\"thr\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", L, py(&fr, 500), W - 6, py(&fr, 500));
  fputs("<path class=\"dist\" d=\"", f);
  int pen = 0;
  for (int64_t t = fr.t0; t <= fr.t1; t += step) {
    double la, lo, lb, ob;
    if (pos_at(a, t, &la, &lo) && pos_at(b, t, &lb, &ob)) {
      fprintf(f, "%c%.1f %.1f", pen ? 'L' : 'M', px(&fr, (double)t), py(&fr, tc_haversine_m(la, lo, lb, ob)));
      pen = 1;
    } else {
      pen = 0;
    }
  }
  fputs("\"/></svg>", f);
}

static void speed_path(FILE *f, const tc_columns *c, const frame *fr, const char *cls) {
  fprintf(f, "<path class=\"%s\" d=\"", cls);
  int pen = 0;
  size_t stride = c->n > MAX_STEPS ? (c->n + MAX_STEPS - 1) / MAX_STEPS : 1;
  for (size_t i = 0; i < c->n; i += stride) {
    double v = speed_at(c, i);
    if (!isfinite(v) || (i && c->t[i] - c->t[i - stride] > 3600 * (int64_t)stride))
      pen = 0;
    if (!isfinite(v))
      continue;
    fprintf(f, "%c%.1f %.1f", pen ? 'L' : 'M', px(fr, (double)c->t[i]), py(fr, fmin(v, fr->y1)));
    pen = 1;
  }
  fputs("\"/>", f);
}

static void plot_speeds(FILE *f, const tc_candidate *k, const tc_columns *a, const tc_columns *b, const frame *base) {
  frame fr = *base;
  double vmax = 2;
  const tc_columns *tr[2] = {a, b};
  for (int j = 0; j < 2; j++)
    for (size_t i = 0; i < tr[j]->n; i++) {
      double v = speed_at(tr[j], i);
      if (isfinite(v) && v > vmax)
        vmax = v;
    }
  fr.y0 = 0;
  fr.y1 = vmax > 30 ? 30 : ceil(vmax);
  fprintf(f, "<svg class=\"plot plot-speed\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">"
             "<title>speeds (kn): a blue, b orange</title>", W, H, W, H);
  axes(f, &fr, k, "kn");
  speed_path(f, a, &fr, "spd-a");
  speed_path(f, b, &fr, "spd-b");
  fputs("</svg>", f);
}

void tc_report_plots(FILE *f, const tc_candidate *k, const tc_columns *a, const tc_columns *b, int64_t margin_s) {
  frame fr = {k->e.start - margin_s, k->e.end + margin_s, 0, 1};
  if (fr.t1 <= fr.t0)
    fr.t1 = fr.t0 + 1;
  plot_distance(f, k, a, b, &fr);
  plot_speeds(f, k, a, b, &fr);
}
