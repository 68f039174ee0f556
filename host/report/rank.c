#include "host/report/rank.h"

#include "host/report/evlinks.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  tc_candidate *k;
  size_t used;
} acc;

static void add(acc *a, double w, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(acc *a, double w, const char *fmt, ...) {
  if (w == 0)
    return;
  a->k->score += w;
  char what[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  size_t cap = sizeof a->k->reasons;
  if (a->used >= cap - 1)
    return;
  int n = snprintf(a->k->reasons + a->used, cap - a->used, "%s%s %+.1f", a->used ? "; " : "", what, w);
  if (n > 0)
    a->used += (size_t)n < cap - a->used ? (size_t)n : cap - 1 - a->used;
}

enum { K_UNKNOWN, K_TANKER, K_CARGO, K_FISHING, K_SERVICE, K_OTHER };

static int kind(int32_t t) {
  if (t >= 80 && t <= 89) return K_TANKER;
  if (t >= 70 && t <= 79) return K_CARGO;
  if (t == 30) return K_FISHING;
  if (t == 31 || t == 32 || t == 33 || t == 36 || t == 37 || t == 50 || t == 51 || t == 52 ||
      t == 53 || t == 55 || t == 58 || (t >= 60 && t <= 69))
    return K_SERVICE;
  return t > 0 ? K_OTHER : K_UNKNOWN;
}

static const char *service_name(int32_t t) {
  if (t == 31 || t == 32 || t == 52) return "tug";
  if (t == 50) return "pilot";
  if (t == 51) return "search and rescue";
  if (t == 53) return "port tender";
  if (t == 55) return "law enforcement";
  if (t == 58) return "medical";
  if (t == 33) return "dredger";
  if (t == 36 || t == 37) return "leisure craft";
  if (t >= 60 && t <= 69) return "passenger ship";
  return "service vessel";
}

static void gap_reason(acc *a, char v, int64_t before, int64_t after) {
  if (before > 0 && before >= after)
    add(a, TC_W_GAP, "%c dark %.1f h before", v, before / 3600.0);
  else if (after > 0)
    add(a, TC_W_GAP, "%c dark %.1f h after", v, after / 3600.0);
}

/* Spec events §4 evidence from the linked events: per vessel its longest covered gap
 * (before or after, as the gap reasons without events), loitering at the place, and a
 * dark rendezvous of the pair; those at a port or anchorage weigh less or nothing. */
static void event_reasons(acc *a, tc_candidate *k) {
  const tc_event_lists *l = k->ev;
  const tc_encounter *e = &k->e;
  k->gap_before_a = k->gap_after_a = k->gap_before_b = k->gap_after_b = 0;
  k->tags &= ~(unsigned)(TC_TAG_GAP_BEFORE_A | TC_TAG_GAP_AFTER_A | TC_TAG_GAP_BEFORE_B | TC_TAG_GAP_AFTER_B);
  for (int v = 0; v < 2; v++) {
    const tc_evlink *best = NULL;
    int64_t blen = 0;
    for (unsigned i = 0; i < k->n_links; i++) {
      const tc_evlink *x = &k->links[i];
      if (x->kind != TC_EVL_GAP || x->vessel != (v ? 'b' : 'a'))
        continue;
      const tc_gap *g = &l->gaps[x->index];
      int64_t len = g->t1 - g->t0;
      if (g->coverage >= TC_LINK_MIN_COVERAGE && len > blen) {
        best = x;
        blen = len;
      }
    }
    if (best) {
      const tc_gap *g = &l->gaps[best->index];
      int before = g->t0 + g->t1 < e->start + e->end; /* its middle before the meeting's */
      const char *pl = tc_evlink_place(k, best);
      if (v) {
        *(before ? &k->gap_before_b : &k->gap_after_b) = blen;
        k->tags |= before ? TC_TAG_GAP_BEFORE_B : TC_TAG_GAP_AFTER_B;
      } else {
        *(before ? &k->gap_before_a : &k->gap_after_a) = blen;
        k->tags |= before ? TC_TAG_GAP_BEFORE_A : TC_TAG_GAP_AFTER_A;
      }
      if (pl)
        add(a, TC_W_GAP_AT_PLACE, "%c dark %.1f h %s at %s", v ? 'b' : 'a', blen / 3600.0, before ? "before" : "after",
            pl);
      else
        add(a, TC_W_GAP, "%c dark %.1f h %s", v ? 'b' : 'a', blen / 3600.0, before ? "before" : "after");
    }
  }
  for (int v = 0; v < 2; v++)
    for (unsigned i = 0; i < k->n_links; i++) {
      const tc_evlink *x = &k->links[i];
      if (x->kind == TC_EVL_LOITER && x->vessel == (v ? 'b' : 'a') && !tc_evlink_place(k, x)) {
        const tc_loiter *r = &l->loiter[x->index];
        add(a, TC_W_LOITER, "%c loitering %.1f h here", x->vessel, (r->end - r->start) / 3600.0);
        break;
      }
    }
  unsigned away = 0, at = 0;
  const char *pl = NULL;
  for (unsigned i = 0; i < k->n_links; i++) {
    const tc_evlink *x = &k->links[i];
    if (x->kind != TC_EVL_DARK)
      continue;
    const char *p = tc_evlink_place(k, x);
    if (p) {
      at++;
      pl = pl ? pl : p;
    } else {
      away++;
    }
  }
  if (away)
    add(a, TC_W_DARK_PAIR, "dark rendezvous of the pair (%u within 30 d)", k->n_dark);
  else if (at)
    add(a, TC_W_DARK_PAIR_AT_PLACE, "dark rendezvous of the pair (%u within 30 d) at %s", k->n_dark, pl);
}

void tc_rank(tc_candidate *k, const tc_rank_ctx *r) {
  acc a = {k, 0};
  k->score = 0;
  k->reasons[0] = '\0';
  const tc_encounter *e = &k->e;

  if (k->tags & TC_TAG_WATCH_A)
    add(&a, TC_W_WATCHLIST, "watchlist a");
  if (k->tags & TC_TAG_WATCH_B)
    add(&a, TC_W_WATCHLIST, "watchlist b");

  double h = (double)(e->end - e->start) / 3600.0;
  if (h > 24.0)
    add(&a, TC_W_DURATION_DAY, "duration %.1f h (over a day)", h);
  else
    add(&a, round(fmin(TC_W_DURATION_MAX, fmax(0.0, h - 2.0) * TC_W_DURATION_PER_H) * 10) / 10,
        "duration %.1f h", h);
  if (k->crowd > 0)
    add(&a, fmax(TC_W_CROWD_MAX, TC_W_CROWD * k->crowd), "crowded: %d other encounter%s within %.0f km", k->crowd,
        k->crowd == 1 ? "" : "s", TC_CROWD_RADIUS_M / 1000);

  if (isfinite(k->shore_m)) {
    double km = k->shore_m / 1000.0;
    if (k->shore_m >= 370400.0)
      add(&a, TC_W_TERRITORIAL + TC_W_HIGH_SEAS, "high seas %.0f km from shore", km);
    else if (k->shore_m >= 22224.0)
      add(&a, TC_W_TERRITORIAL, "offshore %.0f km", km);
    else if (k->shore_m < 2000.0)
      add(&a, TC_W_NEAR_SHORE, "near shore %.1f km", km);
  }

  if (k->port[0] && isfinite(k->port_m)) {
    if (k->port_m <= r->port_radius_m)
      add(&a, TC_W_AT_PORT, "at %s (%.1f km)", k->port, k->port_m / 1000.0);
    else if (k->port_m <= 2 * r->port_radius_m)
      add(&a, TC_W_NEAR_PORT, "near %s (%.1f km)", k->port, k->port_m / 1000.0);
  }

  if (e->speed_a_kn < 1.0 && e->speed_b_kn < 1.0)
    add(&a, TC_W_BOTH_SLOW, "both slow (%.1f, %.1f kn)", e->speed_a_kn, e->speed_b_kn);

  int ka = kind(k->va.ship_type), kb = kind(k->vb.ship_type);
  int lo = ka < kb ? ka : kb, hi = ka < kb ? kb : ka;
  if (ka == K_SERVICE || kb == K_SERVICE)
    add(&a, TC_W_SERVICE, "%s involved", service_name(ka == K_SERVICE ? k->va.ship_type : k->vb.ship_type));
  else if (lo == K_TANKER && hi == K_TANKER)
    add(&a, TC_W_TANKER_TANKER, "tanker-tanker");
  else if (lo == K_CARGO && hi == K_FISHING)
    add(&a, TC_W_FISH_CARRIER, "fishing-carrier");
  else if (lo == K_TANKER && hi == K_FISHING)
    add(&a, TC_W_FISH_TANKER, "fishing-tanker");
  else if (lo == K_CARGO && hi == K_CARGO)
    add(&a, TC_W_CARGO_CARGO, "cargo-cargo");
  if (r->have_vessels) {
    if (!k->va.name[0] && !k->va.imo && !k->va.ship_type)
      add(&a, TC_W_NO_STATIC, "no static data a");
    if (!k->vb.name[0] && !k->vb.imo && !k->vb.ship_type)
      add(&a, TC_W_NO_STATIC, "no static data b");
  }

  if (k->ev) {
    event_reasons(&a, k);
  } else if (r->have_gaps) {
    gap_reason(&a, 'a', k->gap_before_a, k->gap_after_a);
    gap_reason(&a, 'b', k->gap_before_b, k->gap_after_b);
  }
  k->score = round(k->score * 10) / 10;
}
