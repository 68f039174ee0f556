/* NMEA AIVDM/AIVDO importer: framing, 6-bit payloads, reassembly, decoding, receive
 * times, bad input, and agreement with gpsd's and libais's decodes of real samples. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/ais_bits.h"
#include "io/ais_decode.h"
#include "io/nmea_assemble.h"
#include "io/nmea_reader.h"
#include "io/nmea_sentence.h"
#include "io/reader.h"
#include "tests/support/nmea_agree.h"
#include "tests/support/nmea_expect.h"

#define FIX TC_SOURCE_DIR "/tests/data/nmea/"

/* ---- helpers ---- */

/* Payloads built bit by bit (tests/support/nmea_expect.h). */
typedef tc_nx_bitw bitw;
#define put tc_nx_put

static void sentence(const bitw *w, const char *tag, char *out, size_t cap) {
  cr_assert(tc_nx_sentence(w, tag, out, cap));
}

/* Type 1 with raw fields (speed 0.1 kn, lon/lat 1/10000', course 0.1 deg). */
static void type1(bitw *w, uint32_t mmsi, int sog, int32_t lon, int32_t lat, int cog, int hdg) {
  w->n = 0;
  put(w, 1, 6), put(w, 0, 2), put(w, mmsi, 30), put(w, 0, 4), put(w, 0, 8), put(w, sog, 10), put(w, 0, 1);
  put(w, lon, 28), put(w, lat, 27), put(w, cog, 12), put(w, hdg, 9), put(w, 0, 31);
}

typedef tc_nx_msgs msgs_t;

static msgs_t decode_file(const char *path, tc_nmea_config *cfg, tc_reader_counts *counts) {
  msgs_t v;
  tc_err e = {0};
  cr_assert_eq(tc_nx_decode_file(path, cfg, counts, &v, &e), TC_OK, "%s", e.msg);
  return v;
}

static tc_nmea_config cfg_with_base(void) {
  tc_nmea_config c;
  tc_nmea_config_default(&c);
  c.time_base = 1600000000;
  return c;
}

typedef tc_nx_run run_t;
#define read_all tc_nx_read_all

#define reason tc_nx_reason

/* ---- 6-bit payloads ---- */

Test(nmea, bits_armour_fields_and_errors) {
  tc_ais_bits b;
  tc_ais_bits_clear(&b);
  cr_assert_eq(tc_ais_bits_append(&b, "15RTgt0PAso;90TKcjM8h6g208CQ", 28, 0), TC_AIS_BITS_OK);
  cr_assert_eq(b.nbits, 168);
  cr_assert_eq(tc_ais_bits_u(&b, 0, 6), 1);
  cr_assert_eq(tc_ais_bits_u(&b, 8, 30), 371798000u);
  cr_assert_eq(tc_ais_bits_s(&b, 61, 28), -74037230); /* lon in 1/10000' (gpsd .chk) */
  cr_assert_eq(tc_ais_bits_s(&b, 42, 8), -128 + 1);   /* turn -127 */
  tc_ais_bits_clear(&b);
  cr_assert_eq(tc_ais_bits_append(&b, "15RT!", 5, 0), TC_AIS_BITS_BAD_CHAR);
  tc_ais_bits_clear(&b);
  cr_assert_eq(tc_ais_bits_append(&b, "15RT", 4, 6), TC_AIS_BITS_BAD_FILL);
  char big[400];
  memset(big, '0', sizeof big);
  tc_ais_bits_clear(&b);
  cr_assert_eq(tc_ais_bits_append(&b, big, sizeof big, 0), TC_AIS_BITS_TOO_LONG);
  /* fill bits are cut and read as zero; two appends continue mid-byte */
  tc_ais_bits_clear(&b);
  cr_assert_eq(tc_ais_bits_append(&b, "w", 1, 0), TC_AIS_BITS_OK);
  cr_assert_eq(tc_ais_bits_append(&b, "ww", 2, 4), TC_AIS_BITS_OK);
  cr_assert_eq(b.nbits, 14);
  cr_assert_eq(tc_ais_bits_u(&b, 0, 16), 0xFFFC);
  char txt[8];
  tc_ais_bits_clear(&b);
  tc_ais_bits_append(&b, "14NP0P", 6, 0); /* 6-bit 1, 4, 30, 32, 0: "AD^ " then padding */
  tc_ais_bits_text(&b, 0, 6, txt);
  cr_assert_str_eq(txt, "AD^");
}

/* ---- framing ---- */

Test(nmea, sentence_fields_checksum_tags_trailer_pghp) {
  tc_nmea_sentence s;
  int64_t pg = 0;
  size_t used;
  const char *l1 = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
  cr_assert_eq(tc_nmea_parse(l1, strlen(l1), &s, &pg, &used), TC_NMEA_AIS);
  cr_assert_eq(used, strlen(l1));
  cr_assert_str_eq(s.talker, "AI");
  cr_assert(s.frag_count == 1 && s.frag_num == 1 && s.seq_id == -1 && s.channel == 'A' && s.fill == 0);
  cr_assert_eq(s.payload_len, 28);
  cr_assert_eq(s.times.ms[TC_NMEA_TSRC_TAG], TC_NMEA_NO_TIME);
  const char *bad = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B";
  cr_assert_eq(tc_nmea_parse(bad, strlen(bad), &s, &pg, &used), TC_NMEA_BAD_CHECKSUM);
  const char *cut = "!AIVDM,1,1,,A,15RTgt0PA";
  cr_assert_eq(tc_nmea_parse(cut, strlen(cut), &s, &pg, &used), TC_NMEA_BAD_CHECKSUM);
  const char *ms = "\\c:1599239526500,s:sdr-experiments,T:2020-09-04 18.12.06*5D\\!AIVDM,1,1,,A,"
                   "B>cSnNP00FVur7UaC7WQ3wS1jCJJ,0*73'";
  cr_assert_eq(tc_nmea_parse(ms, strlen(ms), &s, &pg, &used), TC_NMEA_AIS);
  cr_assert_eq(s.times.ms[TC_NMEA_TSRC_TAG], 1599239526500);
  const char *g = "\\g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37\\!AIVDM,2,1,6,A,"
                  "53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000,0*63";
  cr_assert_eq(tc_nmea_parse(g, strlen(g), &s, &pg, &used), TC_NMEA_AIS);
  cr_assert(s.has_group && s.g_num == 1 && s.g_total == 2 && s.g_id == 1604);
  cr_assert_eq(s.times.ms[TC_NMEA_TSRC_TAG], 1418169601000);
  cr_assert(s.frag_count == 2 && s.seq_id == 6);
  const char *tr = "!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30,d-080,S2118,t050056.00,T56.4837741,"
                   "r003669946,1325394060,1325394001";
  cr_assert_eq(tc_nmea_parse(tr, strlen(tr), &s, &pg, &used), TC_NMEA_AIS);
  cr_assert_eq(s.times.ms[TC_NMEA_TSRC_TRAILER], 1325394060000);
  const char *ph = "$PGHP,1,2010,6,11,11,46,12,451,219,1,992190917,1,58*14";
  cr_assert_eq(tc_nmea_parse(ph, strlen(ph), &s, &pg, &used), TC_NMEA_PGHP);
  cr_assert_eq(pg, 1276256772451); /* 2010-06-11T11:46:12.451Z */
  const char *gga = "$GPGGA,1*4B";
  cr_assert_eq(tc_nmea_parse(gga, strlen(gga), &s, &pg, &used), TC_NMEA_OTHER);
  const char *badg = "\\g:1-2--001,c:1326055296*3C\\!AIVDM,2,1,3,A,E7`B1:dW7oHth@@@@@@@@@@@@@@6@6R;mMQM@1"
                     "0888Qr8`8888888888,0*65";
  cr_assert_eq(tc_nmea_parse(badg, strlen(badg), &s, &pg, &used), TC_NMEA_BAD_TAG);
  const char *badsum = "\\c:1662052384,s:FM112*00\\!AIVDM,2,2,1,A,00000000000,2*25";
  cr_assert_eq(tc_nmea_parse(badsum, strlen(badsum), &s, &pg, &used), TC_NMEA_BAD_TAG);
  /* two units on one line (gfw bad-type5.nmea): the parser stops at the second */
  const char *two = "\\s:rMT2083,t:marinetraffic,c:1698785962*4C\\!AIVDM,2,1,9,A,53do3d800003TP7CK?8=9U=@4j0@"
                    "D9E==T00001521o484d@04A3i1Eh,0*68\\s:rMT2083,t:marinetraffic,c:1698785961*4F\\!AIVDM,2,"
                    "2,9,A,88888888880,2*2D";
  cr_assert_eq(tc_nmea_parse(two, strlen(two), &s, &pg, &used), TC_NMEA_AIS);
  cr_assert(used > 0 && used < strlen(two) && two[used] == '\\');
  cr_assert_eq(tc_nmea_parse(two + used, strlen(two) - used, &s, &pg, &used), TC_NMEA_AIS);
  cr_assert_eq(s.frag_num, 2);
  cr_assert_eq(s.times.ms[TC_NMEA_TSRC_TAG], 1698785961000);
  cr_assert_eq(tc_nmea_parse("# comment", 9, &s, &pg, &used), TC_NMEA_IGNORED);
}

/* ---- reassembly ---- */

static unsigned drops;
static void count_drop(void *ctx, uint64_t line, unsigned have, unsigned total) {
  (void)ctx, (void)line, (void)have, (void)total;
  drops++;
}

static tc_asm_result add(tc_nmea_asm *a, const char *line, uint64_t ln, tc_nmea_msg *m) {
  tc_nmea_sentence s;
  int64_t pg;
  size_t used;
  cr_assert_eq(tc_nmea_parse(line, strlen(line), &s, &pg, &used), TC_NMEA_AIS, "%s", line);
  return tc_nmea_asm_add(a, &s, &s.times, ln, m);
}

Test(nmea, assemble_interleaved_orphans_and_incomplete) {
  static const char *a1 = "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C";
  static const char *a2 = "!AIVDM,2,2,1,A,88888888880,2*25";
  static const char *b1 = "!AIVDM,2,1,2,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1F";
  static const char *b2 = "!AIVDM,2,2,2,A,88888888880,2*26";
  static const char *one = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
  tc_nmea_asm *a;
  tc_err e;
  tc_nmea_msg m;
  drops = 0;
  cr_assert_eq(tc_nmea_asm_create(2, 3, count_drop, NULL, &a, &e), TC_OK);
  cr_assert_eq(add(a, a1, 1, &m), TC_ASM_PENDING);
  cr_assert_eq(add(a, b1, 2, &m), TC_ASM_PENDING);
  cr_assert_eq(add(a, a2, 3, &m), TC_ASM_DONE);
  cr_assert(m.lineno == 1 && m.nfrag == 2 && m.bits.nbits == 424);
  cr_assert(add(a, b2, 4, &m) == TC_ASM_DONE && m.lineno == 2);
  cr_assert_eq(add(a, a2, 5, &m), TC_ASM_ORPHAN); /* its first part is gone */
  cr_assert_eq(add(a, a1, 6, &m), TC_ASM_PENDING);
  cr_assert_eq(add(a, a1, 7, &m), TC_ASM_PENDING); /* restart: the open one is incomplete */
  cr_assert_eq(drops, 1);
  cr_assert_eq(add(a, b1, 8, &m), TC_ASM_PENDING);
  cr_assert_eq(add(a, "!AIVDM,2,1,3,B,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1D", 9, &m),
               TC_ASM_PENDING); /* table of 2 full: the oldest goes */
  cr_assert_eq(drops, 2);
  cr_assert_eq(add(a, a2, 10, &m), TC_ASM_ORPHAN);
  cr_assert_eq(add(a, one, 11, &m), TC_ASM_DONE);
  cr_assert_eq(add(a, one, 12, &m), TC_ASM_DONE);
  cr_assert_eq(add(a, b2, 13, &m), TC_ASM_ORPHAN); /* b1 is too old (max_age 3) */
  cr_assert_eq(drops, 3);
  cr_assert_eq(tc_nmea_asm_open_groups(a), 1);
  tc_nmea_asm_flush(a);
  cr_assert(drops == 4 && tc_nmea_asm_open_groups(a) == 0);
  tc_nmea_asm_free(a);
  tc_nmea_asm_free(NULL);
}

Test(nmea, assemble_by_tag_block_group) {
  /* libais tagblock.nmea: a 2-part type 5 whose parts carry g:, another sentence between */
  msgs_t v;
  tc_nmea_config c = cfg_with_base();
  tc_reader_counts counts = {0};
  v = decode_file(FIX "libais/tagblock.nmea", &c, &counts);
  cr_assert_eq(v.n, 4);
  cr_assert(v.m[1].d.type == 5 && v.m[1].line == 1);
  cr_assert_str_eq(v.m[1].d.st.name, "ROSINANTE");
  cr_assert_eq(v.m[1].t, 1418169601000); /* c: of the first part */
  cr_assert_eq(counts.skipped, 0);
  free(v.m);
}

/* ---- decoding ---- */

static tc_ais_result decode_w(const bitw *w, tc_ais_decoded *d) {
  char line[300];
  tc_nmea_sentence s;
  int64_t pg;
  size_t used;
  tc_ais_bits b;
  sentence(w, NULL, line, sizeof line);
  cr_assert_eq(tc_nmea_parse(line, strlen(line), &s, &pg, &used), TC_NMEA_AIS, "%s", line);
  tc_ais_bits_clear(&b);
  cr_assert_eq(tc_ais_bits_append(&b, s.payload, s.payload_len, s.fill), TC_AIS_BITS_OK);
  cr_assert_eq(b.nbits, w->n);
  return tc_ais_decode(&b, d);
}

Test(nmea, decode_not_available_values) {
  bitw w;
  tc_ais_decoded d;
  type1(&w, 244000953, 1023, 181 * 600000, 91 * 600000, 3600, 511);
  cr_assert_eq(decode_w(&w, &d), TC_AIS_OK);
  cr_assert(d.has_pos && !d.pos_available);
  cr_assert(isnan(d.sog) && isnan(d.cog) && d.heading == 511);
  type1(&w, 244000953, 1022, -600000 * 70, 600000 * 43, 3599, 400); /* heading 400 is invalid */
  cr_assert_eq(decode_w(&w, &d), TC_AIS_OK);
  cr_assert(d.pos_available && fabs(d.lon + 70) < 1e-12 && fabs(d.lat - 43) < 1e-12);
  cr_assert(fabs(d.sog - 102.2f) < 1e-4 && fabs(d.cog - 359.9f) < 1e-4 && d.heading == 511);
  type1(&w, 244000953, 0, 0, 91 * 600000, 0, 0); /* lat alone not available */
  cr_assert_eq(decode_w(&w, &d), TC_AIS_OK);
  cr_assert(!d.pos_available && d.heading == 0);
  put(&w, 0, 18); /* 186 bits: too long for a type 1 */
  cr_assert_eq(decode_w(&w, &d), TC_AIS_BAD_BIT_COUNT);
  /* type 27: 1/10 minute positions, whole knots and degrees */
  w.n = 0;
  put(&w, 27, 6), put(&w, 1, 2), put(&w, 236091959, 30), put(&w, 0, 6);
  put(&w, -92521, 18), put(&w, 52239, 17), put(&w, 63, 6), put(&w, 511, 9), put(&w, 0, 2);
  cr_assert_eq(decode_w(&w, &d), TC_AIS_OK);
  cr_assert(fabs(d.lon - -92521 / 600.0) < 1e-12 && fabs(d.lat - 52239 / 600.0) < 1e-12);
  cr_assert(isnan(d.sog) && isnan(d.cog) && d.pos_available);
  put(&w, 0, 4); /* 100 bits: neither 96 nor 168 */
  cr_assert_eq(decode_w(&w, &d), TC_AIS_BAD_BIT_COUNT);
  w.n = 0;
  put(&w, 27, 6), put(&w, 0, 32), put(&w, 0, 6), put(&w, 181 * 600, 18), put(&w, 91 * 600, 17);
  put(&w, 5, 6), put(&w, 90, 9), put(&w, 0, 2);
  cr_assert_eq(decode_w(&w, &d), TC_AIS_OK);
  cr_assert(!d.pos_available && d.sog == 5 && d.cog == 90);
  /* unknown and ignored types */
  w.n = 0;
  put(&w, 0, 6), put(&w, 0, 162);
  cr_assert_eq(decode_w(&w, &d), TC_AIS_UNKNOWN_TYPE);
  w.n = 0;
  put(&w, 40, 6), put(&w, 0, 162);
  cr_assert_eq(decode_w(&w, &d), TC_AIS_UNKNOWN_TYPE);
  w.n = 0;
  put(&w, 8, 6), put(&w, 0, 2), put(&w, 992151888, 30), put(&w, 0, 56);
  cr_assert_eq(decode_w(&w, &d), TC_AIS_IGNORED);
  cr_assert_eq(d.mmsi, 992151888);
  /* type 4: base station, its clock */
  w.n = 0;
  put(&w, 4, 6), put(&w, 0, 2), put(&w, 3669702, 30), put(&w, 2007, 14), put(&w, 5, 4), put(&w, 14, 5);
  put(&w, 19, 5), put(&w, 57, 6), put(&w, 39, 6), put(&w, 1, 1), put(&w, -45811417, 28), put(&w, 22130260, 27);
  put(&w, 0, 34);
  cr_assert_eq(decode_w(&w, &d), TC_AIS_OK);
  cr_assert(d.non_vessel && d.has_utc && d.utc_ms == 1179172659000); /* 2007-05-14T19:57:39Z */
}

/* ---- the reader: records, counts, times ---- */

static char *tmpfile_with(const char *name, const char *text) {
  static char path[512];
  const char *dir = getenv("TC_TEST_TMP");
  char cmd[600];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir ? dir : "/tmp");
  cr_assert_eq(system(cmd), 0);
  snprintf(path, sizeof path, "%s/%s", dir ? dir : "/tmp", name);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs(text, f);
  cr_assert_eq(fclose(f), 0);
  return path;
}

Test(nmea, reader_not_available_positions_are_not_fixes) {
  bitw w;
  char a[300], b[300], text[700];
  type1(&w, 244000953, 1023, 181 * 600000, 91 * 600000, 3600, 511);
  sentence(&w, "c:1500000000", a, sizeof a);
  type1(&w, 244000953, 1023, 4 * 600000, 51 * 600000, 3600, 511);
  sentence(&w, "c:1500000010", b, sizeof b);
  snprintf(text, sizeof text, "%s\n%s\n", a, b);
  run_t r = read_all(tmpfile_with("na.nmea", text), INT64_MIN, 0);
  cr_assert_eq(r.st, TC_OK, "%s", r.err);
  cr_assert_eq(r.npos, 1);
  cr_assert_eq(r.r[0].fix.t, 1500000010);
  cr_assert(isnan(r.r[0].fix.sog) && isnan(r.r[0].fix.cog) && r.r[0].fix.heading == 511);
  cr_assert_eq(reason(&r.counts, "position not available"), 1);
  free(r.r);
}

Test(nmea, reader_broken_files_count_and_never_give_positions) {
  static const struct {
    const char *file, *why;
    uint64_t n;
  } cases[] = {
      {"gfw/bad-tagblock-group.nmea", "bad tag block", 2}, {"gfw/spire-test.nmea", "bad tag block", 4},
      {"gfw/type1-bad-bitcount.nmea", "bad bit count", 12}, {"gfw/bad-type5.nmea", "bad bit count", 3},
      {"gfw/single-message-type-5.nmea", "bad checksum", 1},
  };
  run_t r = read_all(FIX "gfw/errors.nmea", INT64_MIN, 0);
  cr_assert_eq(r.st, TC_OK, "%s", r.err);
  cr_assert_eq(r.npos, 1); /* only its line 5 is sound */
  cr_assert(reason(&r.counts, "bad checksum") == 2 && reason(&r.counts, "bad bit count") == 2);
  cr_assert_str_eq(r.counts.samples[0], FIX "gfw/errors.nmea:1: bad bit count");
  free(r.r);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char path[512];
    snprintf(path, sizeof path, FIX "%s", cases[i].file);
    r = read_all(path, 1600000000, 1);
    cr_assert_eq(r.st, TC_OK, "%s: %s", cases[i].file, r.err);
    cr_assert_eq(r.n, 0, "%s gave records", cases[i].file);
    cr_assert_eq(reason(&r.counts, cases[i].why), cases[i].n, "%s: %s", cases[i].file, cases[i].why);
    uint64_t sum = 0;
    for (size_t k = 0; k < r.counts.nreasons; k++)
      sum += r.counts.reasons[k].count;
    cr_assert_eq(r.counts.skipped, sum);
    free(r.r);
  }
}

Test(nmea, reader_strict_stops_at_first_bad_sentence) {
  tc_reader_opts o = {"nmea", 1, INT64_MIN};
  tc_reader *rd;
  tc_err e = {0};
  tc_record rec;
  int eof = 0;
  tc_status st = tc_reader_open(FIX "gfw/errors.nmea", &o, &rd, &e);
  if (st == TC_OK) {
    st = tc_reader_next(rd, &rec, &eof, &e);
    tc_reader_close(rd);
  }
  cr_assert_eq(st, TC_ERR_FORMAT);
  cr_assert(strstr(e.msg, "errors.nmea:1: bad bit count"), "%s", e.msg);
}

Test(nmea, reader_times_from_tag_blocks_trailers_and_base) {
  run_t r = read_all(FIX "gfw/sample.nmea", INT64_MIN, 0); /* c: in milliseconds */
  cr_assert_eq(r.st, TC_OK, "%s", r.err);
  cr_assert(r.n == 3 && r.r[0].kind == TC_REC_POSITION && r.r[0].fix.t == 1599239526);
  /* type 24 A then B: the B record keeps the A name */
  cr_assert(r.r[1].kind == TC_REC_STATIC && !strcmp(r.r[1].st.name, "DAKUWAQA") && r.r[1].st.t == 1599239587);
  cr_assert(!strcmp(r.r[2].st.name, "DAKUWAQA") && !strcmp(r.r[2].st.callsign, "H985200"));
  cr_assert(r.r[2].st.ship_type == 37 && r.r[2].st.t == 1599239644);
  free(r.r);
  r = read_all(FIX "libais/typeexamples.nmea", INT64_MIN, 0); /* USCG trailer */
  cr_assert_eq(r.st, TC_OK, "%s", r.err);
  cr_assert(r.npos >= 1 && r.r[0].fix.mmsi == 367033650 && r.r[0].fix.t == 1325394060);
  cr_assert_eq(r.counts.non_vessel, 3); /* types 4, 9, 21 */
  free(r.r);
  r = read_all(FIX "libais/tagblock.nmea", INT64_MIN, 0); /* c: in seconds */
  cr_assert_eq(r.st, TC_OK, "%s", r.err);
  cr_assert(r.n == 4 && r.r[0].fix.t == 1418172113 && r.r[1].kind == TC_REC_STATIC && r.r[1].st.t == 1418169601);
  free(r.r);
  /* no time anywhere: a clear error, never a fix at time 0 */
  r = read_all(FIX "gfw/mixed_types.nmea", INT64_MIN, 0);
  cr_assert_eq(r.st, TC_ERR_FORMAT);
  cr_assert(strstr(r.err, "mixed_types.nmea:6") && strstr(r.err, "time"), "%s", r.err);
  cr_assert_eq(r.n, 0);
  free(r.r);
  r = read_all(FIX "gfw/mixed_types.nmea", 1700000000, 0);
  cr_assert_eq(r.st, TC_OK, "%s", r.err);
  cr_assert(r.npos > 20);
  for (size_t i = 0; i < r.n; i++)
    cr_assert_eq(r.r[i].kind == TC_REC_POSITION ? r.r[i].fix.t : r.r[i].st.t, 1700000000);
  free(r.r);
}

Test(nmea, reader_time_preference_is_configurable) {
  bitw w;
  char a[300], text[700], b4[300];
  type1(&w, 244000953, 10, 4 * 600000, 51 * 600000, 100, 90);
  sentence(&w, "c:1500000000", a, sizeof a);
  w.n = 0; /* a base station saying 2007-05-14T19:57:39Z */
  put(&w, 4, 6), put(&w, 0, 2), put(&w, 3669702, 30), put(&w, 2007, 14), put(&w, 5, 4), put(&w, 14, 5);
  put(&w, 19, 5), put(&w, 57, 6), put(&w, 39, 6), put(&w, 1, 1), put(&w, 0, 28), put(&w, 0, 27), put(&w, 0, 34);
  sentence(&w, NULL, b4, sizeof b4);
  snprintf(text, sizeof text, "%s\n%s,1400000000\n%s\n", b4, a, a + strcspn(a, "!"));
  const char *path = tmpfile_with("pref.nmea", text);
  int64_t want[3][3] = {{1500000000, 1500000000, -1}, {1400000000, 1400000000, -1}, {1179172659, 1500000000, 1179172659}};
  for (int k = 0; k < 3; k++) {
    tc_nmea_config c;
    tc_nmea_config_default(&c);
    if (k == 1) { /* trailer before tag */
      c.clocks[0] = TC_NMEA_CLOCK_TRAILER;
      c.clocks[1] = TC_NMEA_CLOCK_TAG;
    } else if (k == 2) { /* base station first */
      c.nclocks = 2;
      c.clocks[0] = TC_NMEA_CLOCK_BASE_STATION;
      c.clocks[1] = TC_NMEA_CLOCK_TAG;
    }
    tc_reader_counts counts = {0};
    msgs_t v = decode_file(path, &c, &counts);
    cr_assert_eq(v.n, 3);
    cr_assert_eq(v.m[1].t / 1000, want[k][0], "config %d", k);
    cr_assert_eq(v.m[1].t % 1000, 0);
    if (want[k][2] > 0)
      cr_assert_eq(v.m[2].t / 1000, want[k][2]);
    else
      cr_assert_eq(counts.skipped, 1); /* the last line has no time under configs 0, 1 */
    free(v.m);
  }
}

Test(nmea, reader_static_records_and_non_vessels) {
  run_t r = read_all(FIX "gpsd/sample.aivdm", 1600000000, 1);
  cr_assert_eq(r.st, TC_OK, "%s", r.err);
  int found5 = 0, found19 = 0;
  for (size_t i = 0; i < r.n; i++) {
    if (r.r[i].kind == TC_REC_POSITION) {
      cr_assert_neq(r.r[i].fix.mmsi, 111265591); /* SAR aircraft stay out */
      cr_assert_neq(r.r[i].fix.mmsi, 3669702);   /* base station */
      continue;
    }
    const tc_vessel_static *s = &r.r[i].st;
    if (s->mmsi == 351759000) {
      found5 = 1;
      cr_assert_str_eq(s->name, "EVER DIADEM");
      cr_assert_str_eq(s->callsign, "3FOF8");
      cr_assert_str_eq(s->destination, "NEW YORK");
      cr_assert(s->imo == 9134270 && s->ship_type == 70 && s->length_m == 295 && s->width_m == 32);
      cr_assert(fabsf(s->draught_m - 12.2f) < 1e-4 && s->t == 1600000000);
    }
    if (s->mmsi == 367059850) {
      found19 = 1;
      cr_assert_str_eq(s->name, "CAPT.J.RIMES");
      cr_assert(s->ship_type == 70 && s->length_m == 26 && s->width_m == 8 && isnan(s->draught_m));
    }
  }
  cr_assert(found5 && found19);
  cr_assert(r.counts.non_vessel >= 8);
  free(r.r);
}

Test(nmea, detect_scores) {
  cr_assert_eq(tc_nmea_detect("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"), 95);
  cr_assert_eq(tc_nmea_detect("$PGHP,1,2010,6,11,11,46,12,451,219,1,992190917,1,58*14"), 95);
  cr_assert_eq(tc_nmea_detect("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*00"), 70);
  cr_assert_eq(tc_nmea_detect("MMSI,BaseDateTime,LAT,LON"), 0);
  cr_assert_eq(tc_nmea_detect("# Timestamp,Type of mobile,MMSI"), 0);
  tc_reader_opts o = {NULL, 0, INT64_MIN};
  tc_reader *rd;
  tc_err e = {0};
  cr_assert_eq(tc_reader_open(FIX "libais/tagblock.nmea", &o, &rd, &e), TC_OK, "%s", e.msg);
  cr_assert_str_eq(tc_reader_format_name(rd), "nmea");
  tc_reader_close(rd);
}

/* ---- never crash on garbage ---- */

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return rng;
}

Test(nmea, fuzz_random_bytes_and_truncations) {
  static const char *files[] = {"gfw/ee-multiline.nmea", "gfw/multi-part.nmea", "gfw/bad-type5.nmea",
                                "libais/tagblock.nmea", "libais/typeexamples.nmea", "gpsd/sample.aivdm"};
  char *lines[2000];
  size_t nl = 0;
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[512], buf[1024];
    snprintf(path, sizeof path, FIX "%s", files[i]);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    while (nl < 2000 && fgets(buf, sizeof buf, f))
      if (buf[0] == '!' || buf[0] == '\\')
        lines[nl++] = strdup(buf);
    fclose(f);
  }
  tc_nmea_config c = cfg_with_base();
  tc_reader_counts counts = {0};
  tc_nmea_stream *s;
  tc_err e;
  cr_assert_eq(tc_nmea_stream_create(&c, "fuzz", &counts, &s, &e), TC_OK);
  char buf[1200];
  uint64_t nrec = 0;
  for (uint64_t it = 1; it <= 40000; it++) {
    const char *src = lines[rnd() % nl];
    size_t n = strcspn(src, "\r\n");
    memcpy(buf, src, n);
    switch (rnd() % 6) {
    case 0: /* flip bytes */
      for (int k = 0; k < 3; k++)
        buf[rnd() % n] = (char)(rnd() & 0xFF);
      break;
    case 1: /* truncate */
      n = rnd() % n;
      break;
    case 2: /* random bytes, NULs included */
      n = rnd() % 300;
      for (size_t k = 0; k < n; k++)
        buf[k] = (char)(rnd() & 0xFF);
      break;
    case 3: { /* glue the head of another line */
      const char *o = lines[rnd() % nl];
      size_t m = rnd() % (strcspn(o, "\r\n") + 1);
      if (n + m >= sizeof buf)
        m = sizeof buf - 1 - n;
      memcpy(buf + n, o, m);
      n += m;
      break;
    }
    case 4: /* payload characters out of the alphabet */
      for (size_t k = 0; k < n; k++)
        if (buf[k] == '0')
          buf[k] = 'x';
      break;
    default: /* as is: lines stay in a shuffled order, fragments get orphaned */
      break;
    }
    buf[n] = '\0';
    tc_status st = tc_nmea_stream_line(s, buf, n, it, &e);
    cr_assert_eq(st, TC_OK, "%s", e.msg);
    tc_record rec;
    while (tc_nmea_stream_pop(s, &rec)) {
      nrec++;
      int64_t t = rec.kind == TC_REC_POSITION ? rec.fix.t : rec.st.t;
      cr_assert_neq(t, 0);
      if (rec.kind == TC_REC_POSITION)
        cr_assert(isfinite(rec.fix.lat) && isfinite(rec.fix.lon)); /* range is rule 1's job */
    }
  }
  cr_assert_eq(tc_nmea_stream_finish(s, &e), TC_OK);
  cr_assert(nrec > 1000 && counts.skipped > 10000);
  tc_nmea_stream_free(s);
  for (size_t i = 0; i < nl; i++)
    free(lines[i]);
}

/* ---- agreement with gpsd and libais on every sample with an expected decode ---- */

Test(nmea, agreement_with_gpsd_and_libais, .timeout = 60) {
  static const char *gfw[] = {"bad-tagblock-group", "bad-type5", "ee-multiline", "errors", "mixed_types",
                              "multi-part", "sample", "single-message-type-5", "spire-test",
                              "type1-bad-bitcount", "type8"};
  tc_nx_table *t = tc_nx_table_new();
  tc_err e = {0};
  char a[512], b[512], label[128];
  cr_assert_not_null(t);
#define AGREE(call) cr_assert_eq((call), TC_OK, "%s", e.msg)
  AGREE(tc_nx_agree_gpsdecode(t, "gpsd/sample.aivdm", FIX "gpsd/sample.aivdm", FIX "gpsd/sample.aivdm.pairs.jsonl", &e));
  AGREE(tc_nx_agree_chk(t, "gpsd/sample.aivdm", FIX "gpsd/sample.aivdm", FIX "gpsd/sample.aivdm.chk", &e));
  AGREE(tc_nx_agree_libais(t, "libais/typeexamples.nmea", FIX "libais/typeexamples.nmea",
                           FIX "libais/typeexamples.json", 1, &e));
  AGREE(tc_nx_agree_libais(t, "libais/tagblock.nmea", FIX "libais/tagblock.nmea", FIX "libais/tagblock.json", 0, &e));
  static const char *lib[] = {"typeexamples.nmea", "tagblock.nmea", "test.aivdm"};
  for (size_t i = 0; i < 3; i++) {
    snprintf(a, sizeof a, FIX "libais/%s", lib[i]);
    snprintf(b, sizeof b, FIX "libais/%s.gpsdecode.jsonl", lib[i]);
    snprintf(label, sizeof label, "libais/%s", lib[i]);
    AGREE(tc_nx_agree_gpsdecode(t, label, a, b, &e));
  }
  for (size_t i = 0; i < sizeof gfw / sizeof gfw[0]; i++) {
    snprintf(a, sizeof a, FIX "gfw/%s.nmea", gfw[i]);
    snprintf(b, sizeof b, FIX "gfw/%s.nmea.gpsdecode.jsonl", gfw[i]);
    snprintf(label, sizeof label, "gfw/%s.nmea", gfw[i]);
    AGREE(tc_nx_agree_gpsdecode(t, label, a, b, &e));
  }
  /* not copied into the tree (licence not stated): read in place when present */
  static const char *shared[] = {"ais-nmea-aisdb/test_data_20211101.nm4", "ais-nmea-dma-aislib/stream_example.txt"};
  int shared_read = 0;
  for (size_t i = 0; i < 2; i++) {
    snprintf(a, sizeof a, TC_SHARED_DATA "/%s", shared[i]);
    snprintf(b, sizeof b, TC_SHARED_DATA "/%s.gpsdecode.jsonl", shared[i]);
    FILE *f = fopen(a, "r");
    if (!f)
      continue;
    fclose(f);
    shared_read++;
    AGREE(tc_nx_agree_gpsdecode(t, shared[i], a, b, &e));
  }
  const char *dir = getenv("TC_TEST_TMP");
  snprintf(a, sizeof a, "mkdir -p '%s'", dir ? dir : "/tmp");
  cr_assert_eq(system(a), 0);
  snprintf(a, sizeof a, "%s/nmea_agreement.md", dir ? dir : "/tmp");
  AGREE(tc_nx_table_write(t, a, &e));
  unsigned compared, disagree;
  char first[400];
  tc_nx_table_totals(t, &compared, &disagree, first, sizeof first);
  tc_nx_table_free(t);
  /* the in-tree fixtures alone give ~700; with the shared samples, well over 1 000 */
  unsigned want = shared_read ? 1000 : 500;
  cr_assert(compared >= want, "only %u expectations compared (%d shared files read)", compared, shared_read);
  cr_assert_eq(disagree, 0, "%u disagreements (table in %s); first: %s", disagree, a, first);
}
