#include "io/timeparse.h"

/* Howard Hinnant's days_from_civil: exact for every proleptic Gregorian date. */
int64_t tc_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                   /* [0, 399] */
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  /* [0, 365] */
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
  return era * 146097 + doe - 719468;
}

int tc_date_valid(int64_t y, unsigned m, unsigned d) {
  static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1)
    return 0;
  unsigned lim = mdays[m - 1];
  if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
    lim = 29;
  return d <= lim;
}

/* Reads exactly k digits at *p; 0 when any is not a digit. */
static int digits(const char **p, const char *e, int k, unsigned *v) {
  unsigned x = 0;
  if (e - *p < k)
    return 0;
  for (int i = 0; i < k; i++) {
    unsigned c = (unsigned char)(*p)[i] - '0';
    if (c > 9)
      return 0;
    x = x * 10 + c;
  }
  *p += k;
  *v = x;
  return 1;
}

/* Skips ".ddd" (fraction, floored away) if present; 0 on a dot without digits. */
static int skip_fraction(const char **p, const char *e) {
  if (*p < e && (**p == '.' || **p == ',')) {
    const char *q = ++*p;
    while (*p < e && (unsigned)(**p - '0') <= 9)
      ++*p;
    return *p > q;
  }
  return 1;
}

/* "HH:MM[:SS[.fff]]" (or without colons when the date had none); returns seconds of day. */
static int clock_part(const char **p, const char *e, int64_t *sod) {
  unsigned hh, mi, ss = 0;
  if (!digits(p, e, 2, &hh) || *p >= e || **p != ':')
    return 0;
  ++*p;
  if (!digits(p, e, 2, &mi))
    return 0;
  if (*p < e && **p == ':') {
    ++*p;
    if (!digits(p, e, 2, &ss) || !skip_fraction(p, e))
      return 0;
  }
  if (hh > 23 || mi > 59 || ss > 59)
    return 0;
  *sod = (int64_t)hh * 3600 + mi * 60 + ss;
  return 1;
}

/* "Z", "+HH:MM", "+HHMM", "+HH" or nothing; *off is what to subtract from local time. */
static int zone_part(const char **p, const char *e, int64_t *off) {
  *off = 0;
  if (*p == e)
    return 1;
  char c = **p;
  if (c == 'Z' || c == 'z') {
    ++*p;
    return 1;
  }
  if (c != '+' && c != '-')
    return 0;
  ++*p;
  unsigned hh, mm = 0;
  if (!digits(p, e, 2, &hh))
    return 0;
  if (*p < e && **p == ':')
    ++*p;
  if (*p < e && !digits(p, e, 2, &mm))
    return 0;
  if (hh > 23 || mm > 59)
    return 0;
  *off = (int64_t)(hh * 3600 + mm * 60) * (c == '-' ? -1 : 1);
  return 1;
}

/* Integer or decimal Unix seconds, floored. At most 15 integer digits. */
static int unix_seconds(const char *p, const char *e, int64_t *t) {
  int neg = 0;
  if (p < e && (*p == '-' || *p == '+'))
    neg = *p++ == '-';
  const char *d0 = p;
  int64_t v = 0;
  while (p < e && (unsigned)(*p - '0') <= 9) {
    if (p - d0 >= 15)
      return 0;
    v = v * 10 + (*p++ - '0');
  }
  if (p == d0)
    return 0;
  int frac_nonzero = 0;
  if (p < e && *p == '.') {
    p++;
    while (p < e && (unsigned)(*p - '0') <= 9)
      frac_nonzero |= *p++ != '0';
  }
  if (p != e)
    return 0;
  *t = neg ? -v - frac_nonzero : v;
  return 1;
}

int tc_time_parse(const char *s, size_t n, int64_t *t) {
  const char *p = s, *e = s + n;
  while (p < e && (*p == ' ' || *p == '\t'))
    p++;
  while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
    e--;
  unsigned y, m, d;
  int64_t sod = 0, off = 0;
  if (e - p >= 10 && p[4] == '-' && p[7] == '-') { /* ISO 8601 */
    if (!digits(&p, e, 4, &y) || !(p++, digits(&p, e, 2, &m)) || !(p++, digits(&p, e, 2, &d)))
      return 0;
    if (p < e && (*p == 'T' || *p == 't' || *p == ' ')) {
      p++;
      if (!clock_part(&p, e, &sod) || !zone_part(&p, e, &off))
        return 0;
    }
  } else if (e - p >= 10 && p[2] == '/' && p[5] == '/') { /* DMA: DD/MM/YYYY HH:MM:SS */
    if (!digits(&p, e, 2, &d) || !(p++, digits(&p, e, 2, &m)) || !(p++, digits(&p, e, 4, &y)))
      return 0;
    if (p < e) {
      if (*p != ' ')
        return 0;
      p++;
      if (!clock_part(&p, e, &sod))
        return 0;
    }
  } else {
    return unix_seconds(p, e, t);
  }
  if (p != e || !tc_date_valid(y, m, d))
    return 0;
  *t = tc_days_from_civil(y, m, d) * 86400 + sod - off;
  return 1;
}
