/* io/reader (detection, counts, strict mode) and the CSV dialects (generic,
 * MarineCadastre, DMA), on hand-made edge cases and on the real samples in
 * TC_SHARED_DATA. The line source itself is tested in test_linesrc.c. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/csv_fields.h"
#include "io/reader.h"
#include "support/csv_helpers.h"

/* ---- generic CSV ---- */

Test(generic, bom_crlf_quotes_aliases_nulls) {
  const char *p = tcsv_text_file("edge.csv",
                            "\xEF\xBB\xBF"
                            "Name,MMSI,t,Latitude,LONGITUDE,Speed,Course,Heading\r\n"
                            "\r\n"
                            "\"Vessel, one\",123456789,2021-03-20T00:00:00Z,57.5,11.25,12.5,90.5,91\r\n"
                            "\"say \"\"hi\"\"\",123456789,2021-03-20T00:10:00+01:00,-33.125,-70.0625,NA,nan,\r\n"
                            "   \r\n"
                            "x,987654321,1616198400,0.1,-0.1,,N/A,511\r\n"
                            "x, 987654321 ,2021-03-20 00:00:01.5, 91 ,181,1e1,3.6e2,359.9");
  tcsv_result r;
  tcsv_read_all(p, NULL, 0, &r);
  cr_assert_eq(r.open_st, TC_OK, "%s", r.err.msg);
  cr_assert_eq(r.next_st, TC_OK, "%s", r.err.msg);
  cr_assert_str_eq(r.format, "csv");
  cr_assert_eq(r.np, 4);
  cr_assert_eq(r.ns, 0);
  cr_assert_eq(r.counts.skipped, 0);
  const int64_t t0 = tcsv_utc("2021-03-20T00:00:00");
  cr_assert_eq(r.p[0].mmsi, 123456789);
  cr_assert_eq(r.p[0].t, t0);
  cr_assert_eq(r.p[0].lat, 57.5);
  cr_assert_eq(r.p[0].lon, 11.25);
  cr_assert_eq(r.p[0].sog, 12.5f);
  cr_assert_eq(r.p[0].cog, 90.5f);
  cr_assert_eq(r.p[0].heading, 91);
  cr_assert_eq(r.p[1].t, t0 - 3000);
  cr_assert_eq(r.p[1].lat, -33.125);
  cr_assert(isnan(r.p[1].sog) && isnan(r.p[1].cog));
  cr_assert_eq(r.p[1].heading, TC_HEADING_UNKNOWN);
  cr_assert_eq(r.p[2].t, 1616198400);
  cr_assert(isnan(r.p[2].sog) && isnan(r.p[2].cog));
  cr_assert_eq(r.p[2].heading, 511);
  cr_assert_eq(r.p[3].mmsi, 987654321);
  cr_assert_eq(r.p[3].t, t0 + 1);
  cr_assert_eq(r.p[3].lat, 91.0); /* cleaning is the importer's job */
  cr_assert_eq(r.p[3].lon, 181.0);
  cr_assert_eq(r.p[3].sog, 10.0f);
  cr_assert_eq(r.p[3].cog, 360.0f);
  cr_assert_eq(r.p[3].heading, 359);
  tcsv_result_free(&r);
}

Test(generic, missing_optional_columns_and_other_delimiters) {
  tcsv_result r;
  tcsv_read_all(tcsv_text_file("min.csv", "lat;lon;timestamp;mmsi\n1.5;2.5;2021-01-01T00:00:00Z;42\n"), NULL, 0,
           &r);
  cr_assert_eq(r.np, 1, "%s", r.err.msg);
  cr_assert_eq(r.p[0].mmsi, 42);
  cr_assert_eq(r.p[0].lat, 1.5);
  cr_assert_eq(r.p[0].lon, 2.5);
  cr_assert(isnan(r.p[0].sog) && isnan(r.p[0].cog));
  cr_assert_eq(r.p[0].heading, 511);
  tcsv_result_free(&r);
  tcsv_read_all(tcsv_text_file("tab.tsv", "MMSI\tdatetime\tlatitude\tlongitude\tcog\n7\t0\t3\t4\t5\n"), NULL, 0, &r);
  cr_assert_eq(r.np, 1, "%s", r.err.msg);
  cr_assert_eq(r.p[0].cog, 5.0f);
  cr_assert(isnan(r.p[0].sog));
  tcsv_result_free(&r);
}

Test(generic, repeated_header_and_header_only) {
  tcsv_result r;
  tcsv_read_all(tcsv_text_file("rep.csv", "mmsi,t,lat,lon\n1,0,1,1\nmmsi,t,lat,lon\n2,0,1,1\n"), NULL, 0, &r);
  cr_assert_eq(r.np, 2);
  cr_assert_eq(r.counts.skipped, 0);
  tcsv_result_free(&r);
  tcsv_read_all(tcsv_text_file("hdr.csv", "mmsi,t,lat,lon\n\n"), NULL, 0, &r);
  cr_assert_eq(r.open_st, TC_OK);
  cr_assert_eq(r.next_st, TC_OK);
  cr_assert_eq(r.np, 0);
  tcsv_result_free(&r);
}

static const char bad_rows[] = "mmsi,timestamp,lat,lon,sog\n"
                               "1,2021-01-01T00:00:00Z,1,2,3\n"
                               "2,2021-01-01T00:00:00Z,abc,2,3\n"
                               "3,2021-02-30T00:00:00Z,1,2,3\n"
                               "4,2021-01-01T00:00:00Z,1\n"
                               "x5,2021-01-01T00:00:00Z,1,2,3\n"
                               "6,2021-01-01T00:00:00Z,1,2,fast\n"
                               "7,2021-01-01T00:00:00Z,1,\"2,3\n"
                               "8,2021-01-01T00:00:00Z,1,1.5.5,3\n"
                               "9,2021-01-01T00:00:00Z,91,181,3\n";

Test(generic, bad_rows_counted_with_exact_samples) {
  const char *p = tcsv_text_file("bad.csv", bad_rows);
  char want[5][600];
  snprintf(want[0], 600, "%s:3: column 'lat': 'abc' is not a number", p);
  snprintf(want[1], 600, "%s:4: column 'time': '2021-02-30T00:00:00Z' is not a valid time", p);
  snprintf(want[2], 600, "%s:5: 3 fields, need at least 5", p);
  snprintf(want[3], 600, "%s:6: column 'mmsi': 'x5' is not an integer", p);
  snprintf(want[4], 600, "%s:7: column 'sog': 'fast' is not a number", p);
  tcsv_result r;
  tcsv_read_all(p, NULL, 0, &r);
  cr_assert_eq(r.next_st, TC_OK, "%s", r.err.msg);
  cr_assert_eq(r.np, 2);
  cr_assert_eq(r.p[0].mmsi, 1);
  cr_assert_eq(r.p[1].mmsi, 9);
  cr_assert_eq(r.counts.skipped, 7);
  cr_assert_eq(r.counts.nsamples, TC_READER_MAX_SAMPLES);
  for (int i = 0; i < 5; i++)
    cr_assert_str_eq(r.counts.samples[i], want[i]);
  cr_assert_eq(tcsv_reason_count(&r.counts, "column 'lat' not a number"), 1);
  cr_assert_eq(tcsv_reason_count(&r.counts, "column 'lon' not a number"), 1);
  cr_assert_eq(tcsv_reason_count(&r.counts, "column 'time' not a valid time"), 1);
  cr_assert_eq(tcsv_reason_count(&r.counts, "too few fields"), 1);
  cr_assert_eq(tcsv_reason_count(&r.counts, "unterminated quote"), 1);
  uint64_t sum = 0;
  for (size_t i = 0; i < r.counts.nreasons; i++)
    sum += r.counts.reasons[i].count;
  cr_assert_eq(sum, r.counts.skipped);
  tcsv_result_free(&r);

  /* strict: the first bad row is the error, with the same message */
  tcsv_read_all(p, NULL, 1, &r);
  cr_assert_eq(r.open_st, TC_OK);
  cr_assert_eq(r.next_st, TC_ERR_FORMAT);
  cr_assert_str_eq(r.err.msg, want[0]);
  cr_assert_eq(r.np, 1);
  tcsv_result_free(&r);
}

Test(generic, long_bad_value_is_cut_in_the_sample) {
  char text[512];
  snprintf(text, sizeof text, "mmsi,t,lat,lon\n1,0,%s,1\n",
           "0123456789abcdefghij0123456789abcdefghijKLMNOPQRSTUVWXYZ");
  const char *p = tcsv_text_file("longbad.csv", text);
  char want[700];
  snprintf(want, sizeof want, "%s:2: column 'lat': '0123456789abcdefghij0123456789abcdefghij\xe2\x80\xa6' is not a number", p);
  tcsv_result r;
  tcsv_read_all(p, NULL, 0, &r);
  cr_assert_str_eq(r.counts.samples[0], want);
  tcsv_result_free(&r);
}

Test(generic, missing_required_column_names_file_and_column) {
  const char *p = tcsv_text_file("nolon.csv", "mmsi,timestamp,latitude,speed\n1,0,1,1\n");
  tcsv_result r;
  tcsv_read_all(p, NULL, 0, &r);
  cr_assert_eq(r.open_st, TC_ERR_FORMAT);
  cr_assert(strstr(r.err.msg, p) && strstr(r.err.msg, "'lon"), "%s", r.err.msg);
  p = tcsv_text_file("notime.csv", "MMSI,LAT,LON\n1,1,1\n");
  tcsv_read_all(p, "csv", 0, &r);
  cr_assert_eq(r.open_st, TC_ERR_FORMAT);
  cr_assert(strstr(r.err.msg, p) && strstr(r.err.msg, "'time"), "%s", r.err.msg);
}

Test(reader, empty_unknown_and_forced_formats) {
  tcsv_result r;
  const char *p = tcsv_text_file("empty.csv", "");
  tcsv_read_all(p, NULL, 0, &r);
  cr_assert_eq(r.open_st, TC_ERR_FORMAT);
  cr_assert(strstr(r.err.msg, p) && strstr(r.err.msg, "empty"), "%s", r.err.msg);
  tcsv_read_all(tcsv_text_file("blank.csv", "\n  \r\n\n"), NULL, 0, &r);
  cr_assert_eq(r.open_st, TC_ERR_FORMAT);
  cr_assert(strstr(r.err.msg, "empty"), "%s", r.err.msg);
  p = tcsv_text_file("prose.txt", "hello world\nthis is not AIS\n");
  tcsv_read_all(p, NULL, 0, &r);
  cr_assert_eq(r.open_st, TC_ERR_FORMAT);
  cr_assert(strstr(r.err.msg, p) && strstr(r.err.msg, "unrecognised"), "%s", r.err.msg);
  tcsv_read_all(p, "bogus", 0, &r);
  cr_assert_eq(r.open_st, TC_ERR_ARG);
  cr_assert(strstr(r.err.msg, "bogus"), "%s", r.err.msg);
  tcsv_read_all(tcsv_text_file("auto.csv", "mmsi,t,lat,lon\n1,0,1,1\n"), "auto", 0, &r);
  cr_assert_eq(r.np, 1);
  tcsv_result_free(&r);
}

Test(reader, counts_skip_reasons_overflow) {
  tc_reader_counts c;
  memset(&c, 0, sizeof c);
  char reason[32];
  for (int i = 0; i < 40; i++) {
    snprintf(reason, sizeof reason, "reason %d", i);
    tc_reader_counts_skip(&c, reason, "sample");
  }
  tc_reader_counts_skip(&c, "reason 0", NULL);
  cr_assert_eq(c.skipped, 41);
  cr_assert_eq(c.nreasons, TC_READER_MAX_REASONS);
  cr_assert_eq(c.nsamples, TC_READER_MAX_SAMPLES);
  cr_assert_eq(tcsv_reason_count(&c, "reason 0"), 2);
  cr_assert_eq(tcsv_reason_count(&c, "other reasons"), 41 - 2 - (TC_READER_MAX_REASONS - 2));
}

/* ---- numbers ---- */

/* The hand-written parser must give exactly strtod's (correctly rounded) double. */
Test(fields, parse_double_matches_strtod) {
  char buf[64];
  unsigned seed = 12345;
  for (int i = 0; i < 300000; i++) {
    seed = seed * 1103515245u + 12345u;
    int ni = (int)(seed >> 16) % 5, nf = (int)(seed >> 8) % 19, k = 0;
    if (seed & 1)
      buf[k++] = '-';
    for (int j = 0; j < ni; j++)
      buf[k++] = (char)('0' + (seed = seed * 1103515245u + 12345u, (seed >> 16) % 10));
    if (nf || !ni) {
      buf[k++] = '.';
      for (int j = 0; j < nf + !ni; j++)
        buf[k++] = (char)('0' + (seed = seed * 1103515245u + 12345u, (seed >> 16) % 10));
    }
    if (i % 7 == 0)
      k += sprintf(buf + k, "e%d", (int)((seed >> 12) % 60) - 30);
    buf[k] = '\0';
    double got, want = strtod(buf, NULL);
    cr_assert(tc_csv_parse_double(buf, (size_t)k, &got), "'%s' refused", buf);
    cr_assert(!memcmp(&got, &want, sizeof got), "'%s': %.17g != %.17g", buf, got, want);
  }
  const char *ok[] = {"57.602225", "-37.00757499999997", "174.80923333333340", "0.1", ".5", "5.",
                      "+3", "1e308", "4.9e-324", "123456789012345678901234567890", "0.000000000000000000000001234"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    double got, want = strtod(ok[i], NULL);
    cr_assert(tc_csv_parse_double(ok[i], strlen(ok[i]), &got), "%s", ok[i]);
    cr_assert(!memcmp(&got, &want, sizeof got), "'%s': %.17g != %.17g", ok[i], got, want);
  }
  const char *bad[] = {"", " ", "-", ".", "abc", "1.2.3", "1e", "1e+", "nan", "inf", "0x10", "1,5", "12a"};
  double v;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    cr_assert(!tc_csv_parse_double(bad[i], strlen(bad[i]), &v), "'%s' accepted", bad[i]);
  /* fields are not NUL-terminated: only n bytes count */
  cr_assert(tc_csv_parse_double("12.5,99", 4, &v) && v == 12.5);
}

Test(fields, parse_u32_and_split) {
  uint32_t v;
  cr_assert(tc_csv_parse_u32("367752440", 9, &v) && v == 367752440u);
  cr_assert(tc_csv_parse_u32(" 42.0 ", 6, &v) && v == 42);
  cr_assert(tc_csv_parse_u32("4294967295", 10, &v) && v == UINT32_MAX);
  cr_assert(!tc_csv_parse_u32("4294967296", 10, &v));
  cr_assert(!tc_csv_parse_u32("-1", 2, &v));
  cr_assert(!tc_csv_parse_u32("42.5", 4, &v));
  cr_assert(!tc_csv_parse_u32("", 0, &v));
  tc_csv_row r;
  tc_csv_row_init(&r);
  const char *line = "a,\"b,\"\"c\"\"\",,\"\",x\"y";
  cr_assert_eq(tc_csv_split(&r, line, strlen(line), ','), TC_OK);
  cr_assert_eq(r.n, 5);
  cr_assert(r.f[0].n == 1 && r.f[0].p[0] == 'a');
  cr_assert(r.f[1].n == 5 && !memcmp(r.f[1].p, "b,\"c\"", 5));
  cr_assert_eq(r.f[2].n, 0);
  cr_assert_eq(r.f[3].n, 0);
  cr_assert(r.f[4].n == 3 && !memcmp(r.f[4].p, "x\"y", 3));
  cr_assert_eq(tc_csv_split(&r, "a,\"open", 7, ','), TC_ERR_FORMAT);
  cr_assert_eq(tc_csv_split(&r, "", 0, ','), TC_OK);
  cr_assert_eq(r.n, 1);
  tc_csv_row_free(&r);
  tc_csv_row_free(NULL);
}

/* A plain character-by-character reading of the same quoting rules, as the reference
 * for the vectorised splitter. Returns -1 for an open quote, else the field count;
 * fields are written NUL-separated into out. */
static int ref_split(const char *s, char delim, char *out) {
  int n = 0;
  for (;;) {
    n++;
    if (*s == '"') {
      for (s++;; s++) {
        if (!*s)
          return -1;
        if (*s == '"' && s[1] == '"')
          *out++ = *s++;
        else if (*s == '"')
          break;
        else
          *out++ = *s;
      }
      s++;
    }
    while (*s && *s != delim)
      *out++ = *s++;
    *out++ = '\0';
    if (!*s)
      return n;
    s++;
  }
}

Test(fields, split_matches_reference_on_random_lines) {
  static const char alphabet[] = "ab,,,\" ;x\t";
  char line[200], want[400];
  unsigned seed = 777;
  tc_csv_row r;
  tc_csv_row_init(&r);
  for (int it = 0; it < 200000; it++) {
    seed = seed * 1103515245u + 12345u;
    size_t len = (seed >> 16) % 90;
    int few_quotes = it % 3 != 0;
    for (size_t i = 0; i < len; i++) {
      seed = seed * 1103515245u + 12345u;
      char c = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
      line[i] = few_quotes && c == '"' ? 'q' : c;
    }
    line[len] = '\0';
    const char delim = it % 5 == 0 ? ';' : ',';
    int n = ref_split(line, delim, want);
    tc_status st = tc_csv_split(&r, line, len, delim);
    if (n < 0) {
      cr_assert_eq(st, TC_ERR_FORMAT, "'%s' should be an open quote", line);
      continue;
    }
    cr_assert_eq(st, TC_OK, "'%s'", line);
    cr_assert_eq(r.n, (size_t)n, "'%s': %zu fields, want %d", line, r.n, n);
    const char *w = want;
    for (int i = 0; i < n; i++) {
      size_t wl = strlen(w);
      cr_assert(r.f[i].n == wl && !memcmp(r.f[i].p, w, wl), "'%s' field %d: '%.*s', want '%s'",
                line, i, (int)r.f[i].n, r.f[i].p, w);
      w += wl + 1;
    }
  }
  tc_csv_row_free(&r);
}

/* ---- MarineCadastre ---- */

static void check_mc(const char *path, size_t want_static) {
  struct stat sb;
  if (stat(path, &sb) != 0)
    cr_skip("sample %s absent", path);
  tcsv_result r;
  tcsv_read_all(path, NULL, 0, &r);
  cr_assert_eq(r.open_st, TC_OK, "%s", r.err.msg);
  cr_assert_eq(r.next_st, TC_OK, "%s", r.err.msg);
  cr_assert_str_eq(r.format, "marinecadastre");
  cr_assert_eq(r.np, tcsv_count_data_lines(path));
  cr_assert_eq(r.counts.skipped, 0);
  cr_assert_eq(r.ns, want_static);
  tcsv_result_free(&r);
}

/* Static record counts: the rows whose static fields (name, IMO, callsign, type,
 * length, width, draught; empty rows ignored) differ from that vessel's previous
 * ones, counted independently with Python's csv module. */
Test(marinecadastre, sample_2022_gz) {
  const char *path = TC_SHARED_DATA "/marinecadastre-csv/AIS_2022_01_03_first99999.csv.gz";
  check_mc(path, 10639);
  tcsv_result r;
  tcsv_read_all(path, NULL, 0, &r);
  cr_assert_eq(r.np, 99999);
  /* 367379190,2022-01-03T00:00:00,30.3706,-88.56408,0,336.2,511,EAGLE,IMO8207721,WTD4583,31,0,28,11,3.3,52,A */
  const tc_vessel_static *s = tcsv_static_of(&r, 367379190, NULL);
  cr_assert(s);
  cr_assert_str_eq(s->name, "EAGLE");
  cr_assert_eq(s->imo, 8207721);
  cr_assert_str_eq(s->callsign, "WTD4583");
  cr_assert_eq(s->ship_type, 31);
  cr_assert_eq(s->length_m, 28.0f);
  cr_assert_eq(s->width_m, 11.0f);
  cr_assert_eq(s->draught_m, 3.3f);
  cr_assert_eq(s->t, tcsv_utc("2022-01-03T00:00:00"));
  cr_assert_str_eq(s->destination, "");
  /* quoted names with "" escapes; unknown IMO and dimensions */
  s = tcsv_static_of(&r, 367704390, NULL);
  cr_assert(s);
  cr_assert_str_eq(s->name, "RAY \"CHIEF\" TONEY");
  cr_assert_eq(s->imo, 0);
  cr_assert_eq(s->length_m, 25.0f);
  cr_assert(isnan(s->width_m) && isnan(s->draught_m));
  int found = 0;
  for (size_t i = 0; i < r.np; i++)
    if (r.p[i].mmsi == 367379190 && r.p[i].t == tcsv_utc("2022-01-03T00:00:00")) {
      cr_assert_eq(r.p[i].lat, 30.3706);
      cr_assert_eq(r.p[i].lon, -88.56408);
      cr_assert_eq(r.p[i].sog, 0.0f);
      cr_assert_eq(r.p[i].cog, 336.2f);
      cr_assert_eq(r.p[i].heading, 511);
      found = 1;
      break;
    }
  cr_assert(found);
  /* no vessel has two identical static records in a row */
  for (size_t i = 0; i < r.ns; i++)
    for (size_t j = i + 1; j < r.ns; j++)
      if (r.s[j].mmsi == r.s[i].mmsi) {
        cr_assert(strcmp(r.s[j].name, r.s[i].name) || strcmp(r.s[j].callsign, r.s[i].callsign) ||
                      r.s[j].imo != r.s[i].imo || r.s[j].ship_type != r.s[i].ship_type ||
                      memcmp(&r.s[j].length_m, &r.s[i].length_m, sizeof(float)) ||
                      memcmp(&r.s[j].width_m, &r.s[i].width_m, sizeof(float)) ||
                      memcmp(&r.s[j].draught_m, &r.s[i].draught_m, sizeof(float)),
                  "mmsi %u repeated", r.s[i].mmsi);
        break;
      }
  tcsv_result_free(&r);
}

Test(marinecadastre, sample_aisdb_2023) {
  const char *path = TC_SHARED_DATA "/marinecadastre-csv/aisdb_test_data_noaa_20230101.csv";
  check_mc(path, 998);
  tcsv_result r;
  tcsv_read_all(path, NULL, 0, &r);
  /* 636021061,2023-01-11T00:00:00,26.09241,-80.04806,8.8,272.7,270.0,MSC NAISHA III,IMO9307839,5LCB4,70,8.0,208.0,30.0,8.0,70.0,A */
  const tc_vessel_static *s = tcsv_static_of(&r, 636021061, NULL);
  cr_assert(s);
  cr_assert_str_eq(s->name, "MSC NAISHA III");
  cr_assert_eq(s->imo, 9307839);
  cr_assert_str_eq(s->callsign, "5LCB4");
  cr_assert_eq(s->ship_type, 70);
  cr_assert_eq(s->length_m, 208.0f);
  cr_assert_eq(s->width_m, 30.0f);
  cr_assert_eq(s->draught_m, 8.0f);
  cr_assert_eq(r.p[1].heading, 270);
  cr_assert_eq(r.p[1].sog, 8.8f);
  tcsv_result_free(&r);
  /* forced generic: positions only */
  tcsv_read_all(path, "csv", 0, &r);
  cr_assert_str_eq(r.format, "csv");
  cr_assert_eq(r.np, 1000);
  cr_assert_eq(r.ns, 0);
  tcsv_result_free(&r);
}

/* ---- DMA ---- */

Test(dma, header_sample_non_vessels_and_statics) {
  const char *path = TC_SHARED_DATA "/dma-csv-format/ship-tracking_aisdk_header.csv";
  struct stat sb;
  if (stat(path, &sb) != 0)
    cr_skip("sample absent");
  tcsv_result r;
  tcsv_read_all(path, NULL, 0, &r);
  cr_assert_eq(r.open_st, TC_OK, "%s", r.err.msg);
  cr_assert_str_eq(r.format, "dma");
  /* 138 data rows: 8 Base Station and 4 AtoN rows are not vessels */
  cr_assert_eq(tcsv_count_data_lines(path), 138);
  cr_assert_eq(r.counts.non_vessel, 12);
  cr_assert_eq(r.np, 126);
  cr_assert_eq(r.counts.skipped, 0);
  cr_assert_eq(r.ns, 10); /* counted independently with Python */
  cr_assert_eq(r.p[0].mmsi, 215810000);
  cr_assert_eq(r.p[0].t, tcsv_utc("2018-06-01T00:00:00"));
  cr_assert_eq(r.p[0].lat, 55.921028);
  cr_assert_eq(r.p[0].lon, 17.320418);
  cr_assert_eq(r.p[0].sog, 12.5f);
  cr_assert_eq(r.p[0].heading, 256);
  /* ...,Class A,266220000,91.000000,181.000000,Unknown value,,,,,9320063,SHZA,ASTINA,Tanker,Category X,20,130,GPS,5.9,FREDERICIA,... */
  const tc_vessel_static *s = tcsv_static_of(&r, 266220000, NULL);
  cr_assert(s);
  cr_assert_str_eq(s->name, "ASTINA");
  cr_assert_eq(s->imo, 9320063);
  cr_assert_str_eq(s->callsign, "SHZA");
  cr_assert_eq(s->ship_type, 81); /* tanker, hazard category X */
  cr_assert_eq(s->width_m, 20.0f);
  cr_assert_eq(s->length_m, 130.0f);
  cr_assert_eq(s->draught_m, 5.9f);
  cr_assert_str_eq(s->destination, "FREDERICIA");
  s = tcsv_static_of(&r, 250515000, NULL);
  cr_assert(s && s->ship_type == 70 && s->imo == 9291717);
  /* a vessel whose static data grows: two records */
  const tc_vessel_static *a = tcsv_static_of(&r, 265518830, "SUVI-SIRKKA");
  cr_assert(a);
  cr_assert_str_eq(a->callsign, "");
  cr_assert_eq(a->imo, 0); /* "Unknown" */
  cr_assert_eq(a->ship_type, 0);
  int n = 0;
  for (size_t i = 0; i < r.ns; i++)
    if (r.s[i].mmsi == 265518830) {
      n++;
      if (n == 2) {
        cr_assert_str_eq(r.s[i].callsign, "SA9908");
        cr_assert_eq(r.s[i].ship_type, 36); /* Sailing */
        cr_assert_eq(r.s[i].length_m, 12.0f);
        cr_assert_eq(r.s[i].width_m, 4.0f);
      }
    }
  cr_assert_eq(n, 2);
  for (size_t i = 0; i < r.np; i++)
    cr_assert(r.p[i].mmsi != 2190064 && r.p[i].mmsi != 992191000, "a non-vessel was returned");
  tcsv_result_free(&r);
}

Test(dma, mobiml_sample_with_index_column) {
  const char *path = TC_SHARED_DATA "/dma-csv-format/mobiml_test_aisdk_20180208_sample.csv";
  struct stat sb;
  if (stat(path, &sb) != 0)
    cr_skip("sample absent");
  tcsv_result r;
  tcsv_read_all(path, NULL, 0, &r);
  cr_assert_eq(r.open_st, TC_OK, "%s", r.err.msg);
  cr_assert_str_eq(r.format, "dma");
  cr_assert_eq(r.np, tcsv_count_data_lines(path));
  cr_assert_eq(r.np, 10);
  cr_assert_eq(r.ns, 0);
  cr_assert_eq(r.p[0].mmsi, 265177000);
  cr_assert_eq(r.p[0].t, tcsv_utc("2018-02-08T00:00:00"));
  cr_assert_eq(r.p[0].lat, 57.602225);
  cr_assert_eq(r.p[0].lon, 11.644943);
  cr_assert_eq(r.p[0].cog, 61.4f);
  cr_assert_eq(r.p[0].heading, 63);
  cr_assert_eq(r.p[9].t, tcsv_utc("2018-02-08T00:00:02"));
  tcsv_result_free(&r);
}

Test(dma, non_vessel_kinds_and_type_codes) {
  const char *p = tcsv_text_file("dma.csv",
                            "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Draught,Destination\n"
                            "01/06/2018 00:00:00,Base Station,2190064,55.0,10.0,,,,Unknown,,,Undefined,,,,,\n"
                            "01/06/2018 00:00:00,SAR Airborne,111219500,55.0,10.0,120,10,,Unknown,,,Undefined,,,,,\n"
                            "01/06/2018 00:00:00,AtoN,992191000,55.0,10.0,,,,Unknown,,,Undefined,,,,,\n"
                            "2018-06-01 00:00:00,Class A,219000001,55.0,10.0,1,2,3,Unknown,,,Undefined,,,,,\n"
                            "01/06/2018 00:00:05,Class B,219000002,55.5,10.5,,,,Unknown,OXAB,NAME,Pleasure,,3,10,1.5,HOME\n"
                            "01/06/2018 00:00:06,Class B,219000002,55.5,10.5,,,,Unknown,OXAB,NAME,Pleasure,,3,10,1.5,HOME\n"
                            "01/06/2018 00:00:07,Class A,219000003,55.5,10.5,,,,1234567,,,Passenger,Category OS,,,,\n");
  tcsv_result r;
  tcsv_read_all(p, NULL, 0, &r);
  cr_assert_eq(r.next_st, TC_OK, "%s", r.err.msg);
  cr_assert_eq(r.counts.non_vessel, 3);
  cr_assert_eq(r.np, 4);
  cr_assert_eq(r.p[0].mmsi, 219000001); /* ISO times are accepted too */
  cr_assert_eq(r.ns, 2);
  cr_assert_eq(r.s[0].ship_type, 37);
  cr_assert_str_eq(r.s[0].destination, "HOME");
  cr_assert_eq(r.s[0].t, tcsv_utc("2018-06-01T00:00:05"));
  cr_assert_eq(r.s[1].ship_type, 64);
  cr_assert_eq(r.s[1].imo, 1234567);
  tcsv_result_free(&r);
}

/* ---- real tracks (read in place, never copied: no licence) ---- */

Test(generic, real_tracks_row_counts) {
  static const struct {
    const char *file;
    size_t rows; /* from real-tracks/README.md */
  } f[] = {{"gibraltar_2016_06_01.csv.gz", 19999},
           {"auckland_2017_09.csv.gz", 84221},
           {"baltic_2018_04_01.csv.gz", 19999},
           {"suez_evergiven_2021_03_derived_sog.csv.gz", 22287}};
  char path[600];
  for (size_t i = 0; i < 4; i++) {
    snprintf(path, sizeof path, "%s/real-tracks/%s", TC_SHARED_DATA, f[i].file);
    struct stat sb;
    if (stat(path, &sb) != 0)
      cr_skip("%s absent", path);
    tcsv_result r;
    tcsv_read_all(path, NULL, 0, &r);
    cr_assert_eq(r.next_st, TC_OK, "%s", r.err.msg);
    cr_assert_str_eq(r.format, "csv");
    cr_assert_eq(r.np, f[i].rows, "%s: %zu rows", f[i].file, r.np);
    cr_assert_eq(r.np, tcsv_count_data_lines(path));
    tcsv_result_free(&r);
  }
}
