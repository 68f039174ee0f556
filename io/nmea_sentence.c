/* NMEA 0183 / 4.0 framing of AIS sentences: tag blocks, checksum, fields, trailer. */
#include "io/nmea_sentence.h"

#include <string.h>

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* First c in [p, e), or NULL: the spans are a few bytes, where a loop beats memchr. */
static inline const char *find(const char *p, const char *e, char c) {
  for (; p < e; p++)
    if (*p == c)
      return p;
  return NULL;
}

/* The two hex digits after the '*' at star (before end) equal x. */
static int hex_ok(const char *star, const char *end, unsigned x) {
  if (end - star < 3)
    return 0;
  int hi = hexval(star[1]), lo = hexval(star[2]);
  return hi >= 0 && lo >= 0 && x == (unsigned)(hi * 16 + lo);
}

/* All digits, 1..18 of them. */
static int parse_u64(const char *p, const char *e, uint64_t *v) {
  if (p >= e || e - p > 18)
    return 0;
  uint64_t x = 0;
  for (; p < e; p++) {
    if (*p < '0' || *p > '9')
      return 0;
    x = x * 10 + (uint64_t)(*p - '0');
  }
  *v = x;
  return 1;
}

/* "SSSSSSSSSS[.fff]" seconds or "MMMMMMMMMMMMM" milliseconds (> 1e11) → ms. */
static int parse_unix_ms(const char *p, const char *e, int64_t *ms) {
  const char *dot = find(p, e, '.');
  uint64_t ip, frac = 0;
  if (!parse_u64(p, dot ? dot : e, &ip))
    return 0;
  if (dot) {
    const char *f = dot + 1;
    int nd = 0;
    for (; f < e; f++) {
      if (*f < '0' || *f > '9')
        return 0;
      if (nd < 3) {
        frac = frac * 10 + (uint64_t)(*f - '0');
        nd++;
      }
    }
    for (; nd < 3; nd++)
      frac *= 10;
  }
  if (ip > 100000000000ull) {
    if (ip > 100000000000000ull) /* beyond year 5138 even as ms */
      return 0;
    *ms = (int64_t)ip;
  } else {
    *ms = (int64_t)ip * 1000 + (int64_t)frac;
  }
  return 1;
}

int64_t tc_nmea_civil_ms(int y, int m, int d, int hh, int mm, int ss, int ms) {
  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 || hh < 0 || hh > 23 || mm < 0 ||
      mm > 59 || ss < 0 || ss > 60 || ms < 0 || ms > 999)
    return TC_NMEA_NO_TIME;
  /* days from civil (proleptic Gregorian), era-based */
  y -= m <= 2;
  int64_t era = y / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  return ((days * 24 + hh) * 60 + mm) * 60000 + (int64_t)ss * 1000 + ms;
}

/* One tag block body [p, e) up to (not including) '*'. */
static int parse_tag_fields(const char *p, const char *e, tc_nmea_sentence *out) {
  while (p < e) {
    const char *c = find(p, e, ',');
    const char *fe = c ? c : e;
    if (fe - p < 2 || p[1] != ':')
      return 0;
    if (p[0] == 'c') {
      int64_t ms;
      if (!parse_unix_ms(p + 2, fe, &ms) || ms <= 0)
        return 0;
      out->times.ms[TC_NMEA_TSRC_TAG] = ms;
    } else if (p[0] == 'g') {
      const char *a = p + 2, *d1 = find(a, fe, '-');
      const char *d2 = d1 ? find(d1 + 1, fe, '-') : NULL;
      uint64_t n, t, id;
      if (!d2 || !parse_u64(a, d1, &n) || !parse_u64(d1 + 1, d2, &t) || !parse_u64(d2 + 1, fe, &id) ||
          n < 1 || t < 1 || n > t || t > 99 || id > 0xFFFFFFFFu)
        return 0;
      out->has_group = 1;
      out->g_num = (unsigned)n;
      out->g_total = (unsigned)t;
      out->g_id = (uint32_t)id;
    }
    p = c ? c + 1 : e;
  }
  return 1;
}

/* $PGHP,1,yyyy,m,d,h,m,s,ms,... [p = after "$PGHP,", e = '*'] */
static int parse_pghp(const char *p, const char *e, int64_t *ms) {
  int v[8];
  for (int i = 0; i < 8; i++) {
    const char *c = find(p, e, ',');
    if (!c)
      return 0;
    uint64_t x;
    if (!parse_u64(p, c, &x) || x > 9999)
      return 0;
    v[i] = (int)x;
    p = c + 1;
  }
  if (v[0] != 1)
    return 0;
  *ms = tc_nmea_civil_ms(v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
  return *ms != TC_NMEA_NO_TIME;
}

/* First Unix time among the comma-separated trailer fields [p, e). */
static void parse_trailer(const char *p, const char *e, tc_nmea_sentence *out) {
  while (p < e) {
    const char *c = find(p, e, ',');
    const char *fe = c ? c : e;
    int64_t ms;
    if (fe - p >= 9 && p[0] >= '1' && p[0] <= '9' && parse_unix_ms(p, fe, &ms) &&
        ms >= 100000000000ll) {
      out->times.ms[TC_NMEA_TSRC_TRAILER] = ms;
      return;
    }
    p = c ? c + 1 : e;
  }
}

static const char *next_unit(const char *p, const char *e) {
  for (; p < e; p++)
    if (*p == '\\' || *p == '!' || *p == '$')
      return p;
  return e;
}

/* Like next_unit for the text after a checksum, where a '\' opens another unit only
 * if a tag block really follows ("...\!" ahead): some logs append escapes such as
 * a literal "\x0d\x0a" after the checksum. */
static const char *next_trailer_unit(const char *p, const char *e) {
  for (;;) {
    p = next_unit(p, e);
    if (p == e || *p != '\\')
      return p;
    for (const char *q = p + 1; q + 1 < e; q++)
      if (q[0] == '\\' && (q[1] == '!' || q[1] == '$' || q[1] == '\\'))
        return p;
    p++;
  }
}

/* Field i (0-based) bounds within [p, e) separated by ','; returns end of field. */
static const char *field_end(const char *p, const char *e) {
  const char *c = find(p, e, ',');
  return c ? c : e;
}

/* Where the unit starting at p (tag blocks, then a sentence) is followed by another:
 * lets the caller go on after a bad unit on a line that carries several. */
static const char *skip_unit(const char *p, const char *end) {
  while (p < end && *p == '\\') {
    const char *q = memchr(p + 1, '\\', (size_t)(end - p - 1));
    if (!q)
      return end;
    p = q + 1;
  }
  return p < end ? next_unit(p + 1, end) : end;
}

#define FAIL(kind)                                \
  do {                                            \
    *used = (size_t)(skip_unit(unit, end) - s);   \
    return (kind);                                \
  } while (0)

tc_nmea_kind tc_nmea_parse(const char *s, size_t len, tc_nmea_sentence *out, int64_t *pghp_ms,
                           size_t *used) {
  const char *p = s, *end = s + len;
  *used = len;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
    p++;
  if (p == end || *p == '#')
    return TC_NMEA_IGNORED;
  const char *unit = p;
  memset(out, 0, sizeof *out);
  for (int i = 0; i < TC_NMEA_TSRC_COUNT; i++)
    out->times.ms[i] = TC_NMEA_NO_TIME;

  /* tag blocks, then the sentence: one pass each computes the checksum and finds '*' */
  while (p < end && *p == '\\') {
    unsigned x = 0;
    const char *q = p + 1;
    while (q < end && *q != '*' && *q != '\\')
      x ^= (unsigned char)*q++;
    if (end - q < 4 || *q != '*' || q[3] != '\\' || !hex_ok(q, end, x) || !parse_tag_fields(p + 1, q, out))
      FAIL(TC_NMEA_BAD_TAG);
    p = q + 4;
  }
  if (p == end || (*p != '!' && *p != '$'))
    FAIL(TC_NMEA_MALFORMED);
  unsigned x = 0;
  const char *star = p + 1;
  for (; star < end && *star != '*'; star++) {
    unsigned char c = (unsigned char)*star;
    if (c == '!' || c == '\\' || c == '$') /* cut short: another unit began */
      FAIL(TC_NMEA_MALFORMED);
    x ^= c;
  }
  if (star == end || !hex_ok(star, end, x))
    FAIL(TC_NMEA_BAD_CHECKSUM);
  const char *tail = star + 3;
  const char *unit_end = next_trailer_unit(tail, end);
  *used = (size_t)(unit_end - s);

  const char *body = p + 1;
  if (*p == '$') {
    if (star - body >= 5 && memcmp(body, "PGHP,", 5) == 0)
      return parse_pghp(body + 5, star, pghp_ms) ? TC_NMEA_PGHP : TC_NMEA_MALFORMED;
    return TC_NMEA_OTHER;
  }
  if (star - body < 6 || body[5] != ',' || body[2] != 'V' || body[3] != 'D' ||
      (body[4] != 'M' && body[4] != 'O'))
    return TC_NMEA_OTHER;
  out->talker[0] = body[0];
  out->talker[1] = body[1];
  out->own = body[4] == 'O';

  const char *f = body + 6, *fe;
  uint64_t v;
  fe = field_end(f, star); /* fragment count */
  if (!parse_u64(f, fe, &v) || v < 1 || v > 9 || fe == star)
    FAIL(TC_NMEA_MALFORMED);
  out->frag_count = (unsigned)v;
  f = fe + 1;
  fe = field_end(f, star); /* fragment number */
  if (!parse_u64(f, fe, &v) || v < 1 || v > out->frag_count || fe == star)
    FAIL(TC_NMEA_MALFORMED);
  out->frag_num = (unsigned)v;
  f = fe + 1;
  fe = field_end(f, star); /* sequential message id */
  out->seq_id = -1;
  if (fe > f) {
    if (!parse_u64(f, fe, &v) || v > 9)
      FAIL(TC_NMEA_MALFORMED);
    out->seq_id = (int)v;
  }
  if (fe == star)
    FAIL(TC_NMEA_MALFORMED);
  f = fe + 1;
  fe = field_end(f, star); /* channel */
  if (fe - f > 1 || fe == star)
    FAIL(TC_NMEA_MALFORMED);
  out->channel = fe > f ? *f : 0;
  f = fe + 1;
  fe = field_end(f, star); /* payload */
  if (fe == star)
    FAIL(TC_NMEA_MALFORMED);
  out->payload = f;
  out->payload_len = (size_t)(fe - f);
  f = fe + 1;
  fe = field_end(f, star); /* fill bits */
  if (fe != star || fe - f > 1)
    FAIL(TC_NMEA_MALFORMED);
  out->fill = fe > f ? *f - '0' : 0;
  if (out->fill < 0 || out->fill > 5)
    FAIL(TC_NMEA_MALFORMED);
  parse_trailer(tail, unit_end, out);
  return TC_NMEA_AIS;
}

const char *tc_nmea_kind_reason(tc_nmea_kind k) {
  switch (k) {
  case TC_NMEA_OTHER:
    return "not an AIS sentence";
  case TC_NMEA_BAD_CHECKSUM:
    return "bad checksum";
  case TC_NMEA_BAD_TAG:
    return "bad tag block";
  case TC_NMEA_MALFORMED:
    return "malformed sentence";
  default:
    return NULL;
  }
}
