#include "host/report/select.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "host/report/mid.h"
#include "host/report/vessels.h"
#include "io/printable.h"

#define NMID 1000
#define NTYPE 256

struct tc_select {
  int have_flags, have_types, have_bbox, both;
  int flag_unknown;                /* "unknown": MMSIs with no allocated MID */
  unsigned char mid[NMID];         /* 1: a vessel of this MID matches */
  unsigned char type[NTYPE];       /* 1: a vessel of this ITU-R M.1371 code matches */
  double minlon, minlat, maxlon, maxlat;
};

tc_status tc_select_create(tc_select **out) {
  *out = calloc(1, sizeof **out);
  return *out ? TC_OK : TC_ERR_NOMEM;
}

void tc_select_free(tc_select *s) { free(s); }

void tc_select_set_both(tc_select *s, int both) { s->both = both != 0; }

int tc_select_active(const tc_select *s) { return s && (s->have_flags || s->have_types || s->have_bbox); }

/* The next comma-separated item of *p, blanks around it removed, into buf; 0 at the end. */
static int next_item(const char **p, char *buf, size_t cap, size_t *len) {
  const char *s = *p;
  if (!s)
    return 0;
  const char *c = strchr(s, ',');
  size_t n = c ? (size_t)(c - s) : strlen(s);
  *p = c ? c + 1 : NULL;
  while (n && isspace((unsigned char)*s))
    s++, n--;
  while (n && isspace((unsigned char)s[n - 1]))
    n--;
  *len = n;
  size_t k = n < cap - 1 ? n : cap - 1;
  memcpy(buf, s, k);
  buf[k] = '\0';
  return 1;
}

static tc_status bad_item(tc_err *err, const char *what, const char *item, size_t len, const char *rule) {
  char shown[TC_PRINTABLE_CAP(40)];
  if (!len)
    return tc_fail(err, TC_ERR_ARG, "%s: an empty item in the list (items are separated by single commas)", what);
  return tc_fail(err, TC_ERR_ARG, "%s '%s': %s", what, tc_printable(shown, sizeof shown, item, len, 40), rule);
}

/* A whole decimal number in [lo, hi] (no sign, no blanks). */
static int whole(const char *s, long lo, long hi, long *v) {
  if (!isdigit((unsigned char)*s))
    return 0;
  char *e;
  errno = 0;
  long x = strtol(s, &e, 10);
  if (*e || errno || x < lo || x > hi)
    return 0;
  *v = x;
  return 1;
}

/* name equals the ITU's name, or its part before " (" ("Portugal (Azores)"). */
static int state_name_is(const char *state, const char *name) {
  size_t n = strlen(name);
  if (!n || strncasecmp(state, name, n))
    return 0;
  return state[n] == '\0' || !strncmp(state + n, " (", 2);
}

tc_status tc_select_add_flags(tc_select *s, const char *list, const char *what, tc_err *err) {
  size_t nt;
  const tc_mid_entry *t = tc_mid_table(&nt);
  const char *p = list;
  char item[128];
  size_t len;
  while (next_item(&p, item, sizeof item, &len)) {
    int found = 0;
    long mid;
    if (len && len < sizeof item - 1 && !strcasecmp(item, "unknown")) {
      s->flag_unknown = found = 1;
    } else if (len == 3 && whole(item, 0, NMID - 1, &mid)) {
      if (!tc_mid_lookup((unsigned)mid))
        return bad_item(err, what, item, len, "not an allocated MID (ITU-R M.585: 201-775, docs/outputs.md)");
      s->mid[mid] = found = 1;
    } else if (len == 2) {
      for (size_t i = 0; i < nt; i++)
        if (!strcasecmp(t[i].iso2, item))
          s->mid[t[i].mid] = found = 1;
    } else if (len && len < sizeof item - 1) {
      for (size_t i = 0; i < nt; i++)
        if (state_name_is(t[i].name, item))
          s->mid[t[i].mid] = found = 1;
    }
    if (!found)
      return bad_item(err, what, item, len,
                      "not a flag state with a MID: give an ISO 3166 alpha-2 code (PA, LR, MH), a MID "
                      "(201-775), the ITU's name of the state (Panama), or 'unknown'");
  }
  s->have_flags = 1;
  return TC_OK;
}

/* Lower case, '-' and '_' as spaces. */
static void norm(char *d, const char *s, size_t cap) {
  size_t i = 0;
  for (; s[i] && i < cap - 1; i++)
    d[i] = s[i] == '-' || s[i] == '_' ? ' ' : (char)tolower((unsigned char)s[i]);
  d[i] = '\0';
}

/* Whether item names code c: tc_ship_type_name(c) or its first word. */
static int type_name_is(int c, const char *item) {
  char name[64];
  norm(name, tc_ship_type_name(c), sizeof name);
  if (!name[0])
    return 0;
  if (!strcmp(name, item))
    return 1;
  size_t w = strcspn(name, " ");
  /* "high speed craft" reads as "high speed" too: its first word is "high-speed" */
  if (!strncmp(name, "high speed", 10))
    w = 10;
  return strlen(item) == w && !strncmp(name, item, w);
}

tc_status tc_select_add_types(tc_select *s, const char *list, const char *what, tc_err *err) {
  const char *p = list;
  char item[128], low[128];
  size_t len;
  while (next_item(&p, item, sizeof item, &len)) {
    int found = 0;
    long a, b;
    char *dash = strchr(item, '-');
    norm(low, item, sizeof low);
    if (len && len < sizeof item - 1 && !strcmp(low, "unknown")) {
      s->type[0] = found = 1;
    } else if (whole(item, 0, NTYPE - 1, &a)) {
      s->type[a] = found = 1;
    } else if (dash && isdigit((unsigned char)item[0])) {
      *dash = '\0';
      if (!whole(item, 0, NTYPE - 1, &a) || !whole(dash + 1, 0, NTYPE - 1, &b) || a > b) {
        *dash = '-';
        return bad_item(err, what, item, len, "a range is two codes 0-255, the first not above the second (80-89)");
      }
      for (long c = a; c <= b; c++)
        s->type[c] = 1;
      found = 1;
    } else if (len && len < sizeof item - 1) {
      for (int c = 1; c < NTYPE; c++)
        if (type_name_is(c, low))
          s->type[c] = found = 1;
    }
    if (!found)
      return bad_item(err, what, item, len,
                      "not a ship type: give an ITU-R M.1371 code 0-255 (30), a range (80-89), 'unknown', or "
                      "one of fishing, towing, dredging, diving, military, sailing, pleasure craft, pilot, "
                      "search and rescue, tug, port tender, law enforcement, medical, wing in ground, "
                      "high-speed craft, passenger, cargo, tanker, other, special craft");
  }
  s->have_types = 1;
  return TC_OK;
}

tc_status tc_select_set_bbox(tc_select *s, const char *text, const char *what, tc_err *err) {
  static const char *const names[4] = {"minlon", "minlat", "maxlon", "maxlat"};
  double v[4];
  const char *p = text;
  char item[128];
  size_t len;
  int n = 0;
  while (next_item(&p, item, sizeof item, &len)) {
    if (n == 4)
      return tc_fail(err, TC_ERR_ARG, "%s: more than four numbers (give minlon,minlat,maxlon,maxlat)", what);
    char *e;
    errno = 0;
    v[n] = strtod(item, &e);
    if (!len || *e || errno || !isfinite(v[n]))
      return bad_item(err, what, item, len,
                      n == 0 || n == 2 ? "not a longitude in degrees (minlon,minlat,maxlon,maxlat)"
                                       : "not a latitude in degrees (minlon,minlat,maxlon,maxlat)");
    n++;
  }
  if (n < 4)
    return tc_fail(err, TC_ERR_ARG, "%s: %d number%s, not four (give minlon,minlat,maxlon,maxlat)", what, n,
                   n == 1 ? "" : "s");
  for (int i = 0; i < 4; i++) {
    double lim = i % 2 ? 90 : 180;
    if (v[i] < -lim || v[i] > lim)
      return tc_fail(err, TC_ERR_ARG, "%s: %s %g outside -%g..%g (a box across the antimeridian has minlon > "
                     "maxlon, e.g. 170,-10,-170,10)", what, names[i], v[i], lim, lim);
  }
  if (v[1] > v[3])
    return tc_fail(err, TC_ERR_ARG, "%s: minlat %g above maxlat %g", what, v[1], v[3]);
  s->minlon = v[0];
  s->minlat = v[1];
  s->maxlon = v[2];
  s->maxlat = v[3];
  s->have_bbox = 1;
  return TC_OK;
}

tc_status tc_select_from_options(const char *const *flags, size_t nflags, const char *const *types, size_t ntypes,
                                 const char *bbox, int both, tc_select **out, tc_err *err) {
  *out = NULL;
  if (both && !nflags && !ntypes)
    return tc_fail(err, TC_ERR_ARG, "--match both: no --flag or --ship-type given for both vessels to match");
  if (!nflags && !ntypes && !bbox)
    return TC_OK;
  tc_select *s;
  if (tc_select_create(&s) != TC_OK)
    return tc_fail(err, TC_ERR_NOMEM, "out of memory");
  tc_status st = TC_OK;
  for (size_t i = 0; st == TC_OK && i < nflags; i++)
    st = tc_select_add_flags(s, flags[i], "--flag", err);
  for (size_t i = 0; st == TC_OK && i < ntypes; i++)
    st = tc_select_add_types(s, types[i], "--ship-type", err);
  if (st == TC_OK && bbox)
    st = tc_select_set_bbox(s, bbox, "--bbox", err);
  if (st != TC_OK) {
    tc_select_free(s);
    return st;
  }
  tc_select_set_both(s, both);
  *out = s;
  return TC_OK;
}

int tc_select_vessel(const tc_select *s, uint32_t mmsi, int32_t ship_type) {
  if (!s)
    return 1;
  if (s->have_flags) {
    unsigned mid = tc_mmsi_mid(mmsi);
    int known = mid && tc_mid_lookup(mid);
    if (known ? !s->mid[mid] : !s->flag_unknown)
      return 0;
  }
  if (s->have_types && (ship_type < 0 || ship_type >= NTYPE || !s->type[ship_type]))
    return 0;
  return 1;
}

int tc_select_in_bbox(const tc_select *s, double lat, double lon) {
  if (!s || !s->have_bbox)
    return 1;
  if (!(lat >= s->minlat && lat <= s->maxlat))
    return 0;
  if (lon == -180)
    lon = 180; /* the antimeridian is one meridian */
  if (s->minlon <= s->maxlon) {
    if (lon == 180 && s->minlon == -180)
      return 1;
    return lon >= s->minlon && lon <= s->maxlon;
  }
  return lon >= s->minlon || lon <= s->maxlon; /* across the antimeridian */
}

int tc_select_pair(const tc_select *s, uint32_t mmsi_a, int32_t type_a, uint32_t mmsi_b, int32_t type_b, double lat,
                   double lon) {
  if (!s)
    return 1;
  if (!tc_select_in_bbox(s, lat, lon))
    return 0;
  if (!s->have_flags && !s->have_types)
    return 1;
  int a = tc_select_vessel(s, mmsi_a, type_a), b = tc_select_vessel(s, mmsi_b, type_b);
  return s->both ? a && b : a || b;
}

int tc_select_keep(const tc_select *s, const tc_candidate *k) {
  return tc_select_pair(s, k->e.mmsi_a, k->va.ship_type, k->e.mmsi_b, k->vb.ship_type, k->e.mean_lat,
                        k->e.mean_lon);
}
