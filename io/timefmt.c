#include "io/timefmt.h"

#include <stdio.h>

/* Howard Hinnant's civil_from_days: proleptic Gregorian, any int64 day. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int tc_time_format_iso(int64_t t, char *buf) {
  int64_t days = t / 86400, rem = t % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  if (y < 0 || y > 9999) /* printf's widths for the years four digits do not hold */
    return snprintf(buf, TC_ISO_LEN, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
                    (unsigned)(rem / 3600), (unsigned)(rem % 3600 / 60), (unsigned)(rem % 60));
  /* the same text, digit by digit: a list writes two a row */
  unsigned v[] = {(unsigned)y / 100, (unsigned)y % 100, m, d, (unsigned)(rem / 3600),
                  (unsigned)(rem % 3600 / 60), (unsigned)(rem % 60)};
  static const char sep[] = {0, 0, '-', '-', 'T', ':', ':'};
  int n = 0;
  for (int i = 0; i < 7; i++) {
    if (sep[i])
      buf[n++] = sep[i];
    buf[n++] = (char)('0' + v[i] / 10);
    buf[n++] = (char)('0' + v[i] % 10);
  }
  buf[n++] = 'Z';
  buf[n] = '\0';
  return n;
}
