/* io/timeparse: every accepted form against glibc's timegm as the reference, and the
 * impossible dates and malformed strings it must refuse. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/timefmt.h"
#include "io/timeparse.h"

static int64_t ref(int y, int mo, int d, int h, int mi, int s) {
  struct tm tm = {0};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return (int64_t)timegm(&tm);
}

static int parse(const char *s, int64_t *t) { return tc_time_parse(s, strlen(s), t); }

static void expect(const char *s, int64_t want) {
  int64_t t = 12345;
  cr_assert(parse(s, &t), "'%s' was refused", s);
  cr_assert_eq(t, want, "'%s' -> %lld, want %lld", s, (long long)t, (long long)want);
}

static void refuse(const char *s) {
  int64_t t;
  cr_assert(!parse(s, &t), "'%s' was accepted as %lld", s, (long long)t);
}

Test(timeparse, iso_forms) {
  const int64_t t0 = ref(2021, 3, 20, 13, 4, 5);
  expect("2021-03-20T13:04:05Z", t0);
  expect("2021-03-20T13:04:05", t0); /* no zone: UTC (MarineCadastre) */
  expect("2021-03-20 13:04:05", t0);
  expect("2021-03-20t13:04:05z", t0);
  expect("  2021-03-20T13:04:05Z  ", t0);
  expect("2021-03-20T13:04:05.999Z", t0); /* fractions floored */
  expect("2021-03-20T13:04:05.000001", t0);
  expect("2021-03-20T15:04:05+02:00", t0);
  expect("2021-03-20T15:04:05+0200", t0);
  expect("2021-03-20T15:04:05+02", t0);
  expect("2021-03-20T07:34:05-05:30", t0);
  expect("2021-03-20T13:04:05.5-00:00", t0);
  expect("2021-03-20T13:04Z", t0 - 5);
  expect("2021-03-20", ref(2021, 3, 20, 0, 0, 0));
  expect("2021-03-21T01:00:00+12:00", ref(2021, 3, 20, 13, 0, 0)); /* offset crosses a day */
}

Test(timeparse, dma_and_unix) {
  expect("08/02/2018 00:00:00", ref(2018, 2, 8, 0, 0, 0));
  expect("31/12/2016 23:59:59", ref(2016, 12, 31, 23, 59, 59));
  expect("1616198400", 1616198400);
  expect(" 1616198400 ", 1616198400);
  expect("1616198400.75", 1616198400);
  expect("0", 0);
  expect("-1.5", -2);
  expect("-7", -7);
}

Test(timeparse, leap_years) {
  expect("2020-02-29T12:00:00Z", ref(2020, 2, 29, 12, 0, 0));
  expect("2000-02-29T00:00:00Z", ref(2000, 2, 29, 0, 0, 0));
  expect("29/02/2016 00:00:00", ref(2016, 2, 29, 0, 0, 0));
  refuse("1900-02-29T00:00:00Z");
  refuse("2021-02-29T00:00:00Z");
  refuse("29/02/2018 00:00:00");
}

Test(timeparse, impossible_and_malformed) {
  const char *bad[] = {"2021-02-30",          "2021-13-01T00:00:00Z", "2021-00-10T00:00:00Z",
                       "2021-04-31T00:00:00", "2021-01-00T00:00:00",  "2021-01-01T24:00:00Z",
                       "2021-01-01T23:60:00", "2021-01-01T23:59:60Z", "32/01/2018 00:00:00",
                       "01/13/2018 00:00:00", "abc",                  "",
                       "   ",                 "2021-01-01T00:00:00X", "2021-01-01T00:00:00+25:00",
                       "2021-1-01T00:00:00",  "2021-01-01T0:00:00",   "2021-01-01T00:00:00+2",
                       "2021-01-01T00:00:00.", "12ab",                "1.2.3",
                       "2021-01-01T00:00:00Z junk", "08/02/2018T00:00:00", "2021-01-01X00:00:00"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    refuse(bad[i]);
}

/* Every day from 1890 to 2110 at a varying time of day, in each form, against timegm. */
Test(timeparse, matches_timegm_over_centuries) {
  char buf[64];
  int64_t t;
  for (int64_t day = ref(1890, 1, 1, 0, 0, 0) / 86400; day < ref(2110, 1, 1, 0, 0, 0) / 86400; day++) {
    time_t tt = (time_t)(day * 86400 + ((day * 7919) % 86400 + 86400) % 86400);
    struct tm tm;
    cr_assert(gmtime_r(&tt, &tm));
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cr_assert(parse(buf, &t) && t == (int64_t)tt, "%s", buf);
    strftime(buf, sizeof buf, "%d/%m/%Y %H:%M:%S", &tm);
    cr_assert(parse(buf, &t) && t == (int64_t)tt, "%s", buf);
    cr_assert_eq(tc_days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday), day);
  }
}

Test(timeparse, date_valid) {
  cr_assert(tc_date_valid(2024, 2, 29));
  cr_assert(!tc_date_valid(2023, 2, 29));
  cr_assert(tc_date_valid(2023, 12, 31));
  cr_assert(!tc_date_valid(2023, 11, 31));
  cr_assert(!tc_date_valid(2023, 0, 1));
  cr_assert_eq(tc_days_from_civil(1970, 1, 1), 0);
  cr_assert_eq(tc_days_from_civil(1969, 12, 31), -1);
}

/* io/timefmt: the writers' ISO text against gmtime + strftime's fields, for times from
 * before year 0 to after 9999 (those go through snprintf), and parsed back. */
Test(timefmt, iso_text_equals_gmtime_and_parses_back) {
  uint64_t z = 88172645463325252u;
  for (int i = 0; i < 300000; i++) {
    z ^= z << 13, z ^= z >> 7, z ^= z << 17; /* xorshift64 */
    int64_t t = i < 1000 ? (int64_t)i * 86399 - 43200 : (int64_t)(z % 700000000000u) - 350000000000;
    char got[TC_ISO_LEN], want[64];
    int n = tc_time_format_iso(t, got);
    time_t tt = (time_t)t;
    struct tm tm;
    cr_assert(gmtime_r(&tt, &tm));
    snprintf(want, sizeof want, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cr_assert_str_eq(got, want, "t = %lld", (long long)t);
    cr_assert_eq(n, (int)strlen(want));
    int64_t back = 0;
    if (tm.tm_year + 1900 >= 1 && tm.tm_year + 1900 <= 9999)
      cr_assert(parse(got, &back) && back == t, "'%s' did not parse back to %lld", got, (long long)t);
  }
}
