/* Minimal JSON-lines field extraction for the NMEA expectation files. */
#include "nmea_expect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *ws(const char *p, const char *e) {
  while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
    p++;
  return p;
}

static const char *skip_string(const char *p, const char *e) {
  for (p++; p < e; p++) {
    if (*p == '\\')
      p++;
    else if (*p == '"')
      return p + 1;
  }
  return e;
}

/* End of the value starting at p. */
static const char *skip_value(const char *p, const char *e) {
  if (p >= e)
    return e;
  if (*p == '"')
    return skip_string(p, e);
  if (*p == '{' || *p == '[') {
    int depth = 0;
    for (; p < e; p++) {
      if (*p == '"') {
        p = skip_string(p, e) - 1;
      } else if (*p == '{' || *p == '[') {
        depth++;
      } else if (*p == '}' || *p == ']') {
        if (--depth == 0)
          return p + 1;
      }
    }
    return e;
  }
  while (p < e && *p != ',' && *p != '}' && *p != ']')
    p++;
  return p;
}

tc_nx_span tc_nx_line(const char *line) {
  tc_nx_span s = {line, strlen(line)};
  return s;
}

tc_nx_span tc_nx_get(tc_nx_span obj, const char *key) {
  tc_nx_span none = {NULL, 0};
  if (!obj.p)
    return none;
  const char *p = ws(obj.p, obj.p + obj.n), *e = obj.p + obj.n;
  if (p >= e || *p != '{')
    return none;
  size_t klen = strlen(key);
  p++;
  for (;;) {
    p = ws(p, e);
    if (p >= e || *p != '"')
      return none;
    const char *ks = p + 1, *ke = skip_string(p, e) - 1;
    p = ws(ke + 1, e);
    if (p >= e || *p != ':')
      return none;
    p = ws(p + 1, e);
    const char *ve = skip_value(p, e);
    if ((size_t)(ke - ks) == klen && !memcmp(ks, key, klen)) {
      tc_nx_span v = {p, (size_t)(ve - p)};
      return v;
    }
    p = ws(ve, e);
    if (p >= e || *p != ',')
      return none;
    p++;
  }
}

tc_nx_span tc_nx_at(tc_nx_span arr, size_t i) {
  tc_nx_span none = {NULL, 0};
  if (!arr.p)
    return none;
  const char *p = ws(arr.p, arr.p + arr.n), *e = arr.p + arr.n;
  if (p >= e || *p != '[')
    return none;
  p++;
  for (size_t k = 0;; k++) {
    p = ws(p, e);
    if (p >= e || *p == ']')
      return none;
    const char *ve = skip_value(p, e);
    if (k == i) {
      tc_nx_span v = {p, (size_t)(ve - p)};
      return v;
    }
    p = ws(ve, e);
    if (p >= e || *p != ',')
      return none;
    p++;
  }
}

int tc_nx_is_null(tc_nx_span v) { return v.p && v.n == 4 && !memcmp(v.p, "null", 4); }

int tc_nx_num(tc_nx_span v, double *out) {
  char buf[64];
  if (!v.p || v.n == 0 || v.n >= sizeof buf)
    return 0;
  const char *p = v.p;
  size_t n = v.n;
  if (*p == '"') {
    if (n < 2)
      return 0;
    p++;
    n -= 2;
  }
  memcpy(buf, p, n);
  buf[n] = '\0';
  char *end;
  double d = strtod(buf, &end);
  if (end == buf || *end)
    return 0;
  *out = d;
  return 1;
}

int tc_nx_str(tc_nx_span v, char *out, size_t cap) {
  if (!v.p || v.n < 2 || v.p[0] != '"' || cap == 0)
    return 0;
  size_t k = 0;
  for (size_t i = 1; i + 1 < v.n; i++) {
    char c = v.p[i];
    if (c == '\\' && i + 2 < v.n) {
      c = v.p[++i];
      if (c == 'n')
        c = '\n';
      else if (c == 't')
        c = '\t';
      else if (c == 'u' && i + 4 < v.n) {
        char hex[5] = {v.p[i + 1], v.p[i + 2], v.p[i + 3], v.p[i + 4], 0};
        c = (char)strtol(hex, NULL, 16);
        i += 4;
      }
    }
    if (k + 1 >= cap)
      return 0;
    out[k++] = c;
  }
  out[k] = '\0';
  return 1;
}

int tc_nx_chk_field(const char *line, size_t i, char *out, size_t cap) {
  const char *p = line;
  for (size_t k = 0; k < i; k++) {
    p = strchr(p, '|');
    if (!p)
      return 0;
    p++;
  }
  size_t n = strcspn(p, "|\r\n");
  if (n + 1 > cap)
    return 0;
  memcpy(out, p, n);
  out[n] = '\0';
  return 1;
}

/* ---- synthetic sentences ---- */

/* Fields wider than 64 bits (spare, padding) are zero above bit 63. */
void tc_nx_put(tc_nx_bitw *w, int64_t v, unsigned len) {
  for (unsigned i = 0; i < len && w->n < sizeof w->bit; i++) {
    unsigned sh = len - 1 - i;
    w->bit[w->n++] = sh < 64 ? (unsigned char)(((uint64_t)v >> sh) & 1u) : 0;
  }
}

int tc_nx_sentence(const tc_nx_bitw *w, const char *tag, char *out, size_t cap) {
  char pay[200], body[300];
  size_t nc = (w->n + 5) / 6, k;
  if (nc >= sizeof pay)
    return 0;
  for (k = 0; k < nc; k++) {
    unsigned v = 0;
    for (size_t b = 0; b < 6; b++)
      v = v << 1 | (6 * k + b < w->n ? w->bit[6 * k + b] : 0);
    pay[k] = (char)(v < 40 ? v + 48 : v + 56);
  }
  pay[k] = '\0';
  int n = snprintf(body, sizeof body, "AIVDM,1,1,,A,%s,%zu", pay, nc * 6 - w->n);
  if (n < 0 || (size_t)n >= sizeof body)
    return 0;
  unsigned x = 0, t = 0;
  for (const char *p = body; *p; p++)
    x ^= (unsigned char)*p;
  if (tag) {
    for (const char *p = tag; *p; p++)
      t ^= (unsigned char)*p;
    n = snprintf(out, cap, "\\%s*%02X\\!%s*%02X", tag, t, body, x);
  } else {
    n = snprintf(out, cap, "!%s*%02X", body, x);
  }
  return n > 0 && (size_t)n < cap;
}

/* ---- comparison of an expected decode with ours ---- */

#define WHY(...)                              \
  do {                                        \
    snprintf(why, cap, __VA_ARGS__);          \
    return 0;                                 \
  } while (0)

static void trim_text(char *s) {
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '@'))
    n--;
  s[n] = '\0';
}

/* NaN in ours stands for the expected not-available value na (or a NaN, "nan"). */
static int num_ok(double ours, double exp, double na, double tol) {
  if (isnan(ours))
    return isnan(exp) || exp == na;
  return fabs(ours - exp) <= tol;
}

/* Courses of 360 and more are not available (AIS: 3600 = n/a, above is invalid). */
static int course_ok(double ours, double exp) {
  if (isnan(ours))
    return isnan(exp) || exp >= 360.0;
  return fabs(ours - exp) <= 0.05;
}

static int text_field(tc_nx_span obj, const char *key, const char *ours, char *why, size_t cap) {
  char e[64];
  if (!tc_nx_str(tc_nx_get(obj, key), e, sizeof e))
    WHY("%s missing in the expectation", key);
  trim_text(e);
  if (strcmp(e, ours))
    WHY("%s '%s' expected '%s'", key, ours, e);
  return 1;
}

static int dims_field(tc_nx_span obj, const tc_ais_decoded *d, char *why, size_t cap) {
  double b, s, p, sb;
  if (!tc_nx_num(tc_nx_get(obj, "to_bow"), &b) || !tc_nx_num(tc_nx_get(obj, "to_stern"), &s) ||
      !tc_nx_num(tc_nx_get(obj, "to_port"), &p) || !tc_nx_num(tc_nx_get(obj, "to_starboard"), &sb))
    WHY("dimensions missing in the expectation");
  if (!num_ok(d->st.length_m, b + s, 0, 1e-6) || !num_ok(d->st.width_m, p + sb, 0, 1e-6))
    WHY("length/width %g/%g expected %g/%g", d->st.length_m, d->st.width_m, b + s, p + sb);
  return 1;
}

static int static_fields(tc_nx_span o, const tc_ais_decoded *d, char *why, size_t cap) {
  double v = NAN;
  if ((d->st_fields & TC_AIS_ST_NAME) && !text_field(o, "shipname", d->st.name, why, cap))
    return 0;
  if ((d->st_fields & TC_AIS_ST_CALLSIGN) && !text_field(o, "callsign", d->st.callsign, why, cap))
    return 0;
  if ((d->st_fields & TC_AIS_ST_DEST) && !text_field(o, "destination", d->st.destination, why, cap))
    return 0;
  if (d->st_fields & TC_AIS_ST_IMO) {
    if (!tc_nx_num(tc_nx_get(o, "imo"), &v) || v != d->st.imo)
      WHY("imo %u expected %.0f", d->st.imo, v);
  }
  if (d->st_fields & TC_AIS_ST_TYPE) {
    if (!tc_nx_num(tc_nx_get(o, "shiptype"), &v) || v != d->st.ship_type)
      WHY("shiptype %d expected %.0f", d->st.ship_type, v);
  }
  if ((d->st_fields & TC_AIS_ST_DIMS) && !dims_field(o, d, why, cap))
    return 0;
  if (d->st_fields & TC_AIS_ST_DRAUGHT) {
    if (!tc_nx_num(tc_nx_get(o, "draught"), &v) || !num_ok(d->st.draught_m, v, 0, 0.05))
      WHY("draught %g expected %g", d->st.draught_m, v);
  }
  return 1;
}

int tc_nx_compare(tc_nx_span o, tc_nx_source src, const tc_ais_decoded *d, char *why, size_t cap) {
  double v = NAN, lat = NAN, lon = NAN;
  if (!tc_nx_num(tc_nx_get(o, "type"), &v) || v != d->type)
    WHY("type %d expected %g", d->type, v);
  if (!tc_nx_num(tc_nx_get(o, "mmsi"), &v) || v != d->mmsi)
    WHY("mmsi %u expected %.0f", d->mmsi, v);
  if (d->has_pos) {
    /* gpsd rounds type 27 to 0.1 degree and prints 6 decimals; libais keeps float32,
     * whose spacing is 1.5e-5 degree beyond 128 degrees of longitude */
    double tol = d->type == 27 && src == TC_NX_GPSD ? 0.05 + 1e-9 : src == TC_NX_GPSD ? 1e-6 : 2e-5;
    if (!tc_nx_num(tc_nx_get(o, "lat"), &lat) || !tc_nx_num(tc_nx_get(o, "lon"), &lon))
      WHY("lat/lon missing in the expectation");
    if (fabs(d->lat - lat) > tol || fabs(d->lon - lon) > tol)
      WHY("lat/lon %.7f %.7f expected %.7f %.7f", d->lat, d->lon, lat, lon);
    if (d->pos_available != !(lat == 91.0 || lon == 181.0))
      WHY("position availability %d for %.7f %.7f", d->pos_available, lat, lon);
  }
  if (d->has_pos && d->type != 4) {
    double sog_na = d->type == 27 ? 63 : d->type == 9 ? 1023 : 102.3;
    double sog_scale = d->type == 9 && src == TC_NX_LIBAIS ? 10.0 : 1.0; /* libais: 0.1 kn */
    char word[8];
    tc_nx_span sp = tc_nx_get(o, "speed");
    if (tc_nx_str(sp, word, sizeof word) && !strcmp(word, "fast")) /* gpsd: 102.2 kn or more */
      v = d->type == 9 ? 1022 : 102.2;
    else if (!tc_nx_num(sp, &v))
      WHY("speed missing in the expectation");
    if (!num_ok(d->sog, v * sog_scale, sog_na, 0.05 * sog_scale))
      WHY("speed %g expected %g", d->sog, v);
    if (!tc_nx_num(tc_nx_get(o, "course"), &v) || !course_ok(d->cog, v))
      WHY("course %g expected %g", d->cog, v);
    if (d->type != 27 && d->type != 9) {
      if (!tc_nx_num(tc_nx_get(o, "heading"), &v))
        WHY("heading missing in the expectation");
      if (d->heading != (v >= 0 && v < 360 ? v : 511))
        WHY("heading %u expected %g", d->heading, v);
    }
  }
  return static_fields(o, d, why, cap);
}

static int chk_num(const char *line, size_t i, double *v) {
  char f[64];
  char *end;
  if (!tc_nx_chk_field(line, i, f, sizeof f) || !*f)
    return 0;
  *v = strtod(f, &end);
  return *end == '\0';
}

int tc_nx_compare_chk(const char *line, const tc_ais_decoded *d, char *why, size_t cap) {
  double type = 0, mmsi = 0, lon = 0, lat = 0, sog = 0, cog = 0, hdg = 511;
  size_t at; /* column of lon */
  double scale = 600000.0;
  if (!chk_num(line, 0, &type) || !chk_num(line, 2, &mmsi))
    WHY("unreadable .chk line");
  if (type != d->type || mmsi != d->mmsi)
    WHY("type/mmsi %d/%u expected %g/%g", d->type, d->mmsi, type, mmsi);
  switch (d->type) {
  case 1: case 2: case 3: at = 7; break;
  case 4: at = 5; break;
  case 9: at = 6; break;
  case 18: case 19: at = 6; break;
  case 27: at = 5; scale = 600.0; break;
  default: return 1;
  }
  if (!chk_num(line, at, &lon) || !chk_num(line, at + 1, &lat))
    WHY("lat/lon missing in the .chk line");
  if (llround(d->lon * scale) != (long long)lon || llround(d->lat * scale) != (long long)lat)
    WHY("lon/lat %lld/%lld expected %.0f/%.0f", llround(d->lon * scale), llround(d->lat * scale), lon, lat);
  if (d->type == 4)
    return 1;
  if (d->type == 27) {
    if (!chk_num(line, 7, &sog) || !chk_num(line, 8, &cog))
      WHY("speed/course missing");
    if (!num_ok(d->sog, sog, 63, 0) || !num_ok(d->cog, cog, 511, 0))
      WHY("speed/course %g/%g expected %g/%g", d->sog, d->cog, sog, cog);
    return 1;
  }
  size_t sc = d->type == 9 ? 4 : at - 2; /* speed column */
  if (!chk_num(line, sc, &sog) || !chk_num(line, at + 2, &cog))
    WHY("speed/course missing");
  if (d->type != 9 && !chk_num(line, at + 3, &hdg))
    WHY("heading missing");
  double sog_ours = d->type == 9 ? d->sog : d->sog * 10.0;
  if (!num_ok(sog_ours, sog, 1023, 1e-3) || !num_ok(d->cog * 10.0, cog, 3600, 1e-3))
    WHY("speed/course %g/%g expected %g/%g (unscaled)", sog_ours, d->cog * 10.0, sog, cog);
  if (d->type != 9 && d->heading != (hdg < 360 ? hdg : 511))
    WHY("heading %u expected %g", d->heading, hdg);
  return 1;
}
