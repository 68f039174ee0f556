/* Import: SHA-256, cleaning counts, append and dedup across imports, bounded memory
 * (spilling, peak RSS), atomicity on failure and kill -9, duplicate sources, and the
 * `trajcorr import` / `trajcorr info` commands on the MarineCadastre samples. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "io/import.h"
#include "io/sha256.h"
#include "io/store.h"
#include "support/sanitizer.h"
#include "support/store_fixtures.h"

#define T2022 1640995200
#define MC_DIR TC_SHARED_DATA "/marinecadastre-csv"
#define MC_BIG MC_DIR "/AIS_2022_01_03_first99999.csv.gz"
#define MC_SMALL MC_DIR "/aisdb_test_data_noaa_20230101.csv"

/* Hashes s in updates of `step` bytes (0 = one update). */
static void hex_of(const char *s, size_t n, size_t step, char hex[65]) {
  tc_sha256 c;
  uint8_t d[32];
  tc_sha256_init(&c);
  if (!step)
    step = n ? n : 1;
  for (size_t o = 0; o < n; o += step)
    tc_sha256_update(&c, s + o, n - o < step ? n - o : step);
  cr_assert_eq(c.nbytes, n);
  tc_sha256_final(&c, d);
  tc_sha256_hex(d, hex);
}

/* FIPS 180-4 / NIST known answers through the library, and the same digest
 * whatever the update sizes (the file reader and the stdin tee split differently). */
Test(sha256, known_vectors_and_split_updates) {
  char h[65];
  hex_of("", 0, 0, h);
  cr_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  hex_of("abc", 3, 0, h);
  cr_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  hex_of(m, strlen(m), 7, h);
  cr_assert_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  char *mil = malloc(1000000);
  cr_assert_not_null(mil);
  memset(mil, 'a', 1000000);
  hex_of(mil, 1000000, 0, h);
  cr_assert_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  hex_of(mil, 1000000, 4093, h);
  cr_assert_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  for (size_t len = 0; len < 3000; len += 13) {
    for (size_t i = 0; i < len; i++)
      mil[i] = (char)(i * 131 + len);
    char a[65], b[65];
    hex_of(mil, len, 0, a);
    hex_of(mil, len, 1 + len % 67, b);
    cr_assert_str_eq(a, b, "length %zu", len);
  }
  free(mil);
}

static tc_fix fx(uint32_t mmsi, int64_t t, double lat, double lon) {
  tc_fix f = {.mmsi = mmsi, .t = t, .lat = lat, .lon = lon, .sog = 1.5f, .cog = 90, .heading = 45};
  return f;
}

Test(import, every_cleaning_rule_counted) {
  tc_fix f[] = {
      fx(211000001, T2022, 10, 20),        /* kept */
      fx(211000001, T2022 + 1, 91, 20),    /* bad position: lat 91 ("not available") */
      fx(211000001, T2022 + 2, 10, 181),   /* lon 181 */
      fx(211000001, T2022 + 3, -90.5, 0),  /* lat below -90 */
      fx(211000001, T2022 + 4, NAN, 20),   /* not finite */
      fx(211000001, T2022 + 5, 10, INFINITY),
      fx(211000001, T2022 + 6, 0, 0),      /* exactly (0, 0) */
      fx(0, T2022, 10, 20),                /* bad MMSI */
      fx(1000000000u, T2022, 10, 20),
      fx(211000001, T2022, 10, 20),        /* duplicate, identical */
      fx(211000001, T2022, 9, 20),         /* duplicate (mmsi, t), sorts first: this one stays */
      fx(211000002, T2022, 90, 180),       /* edge values are valid */
      fx(211000002, T2022 + 1, -90, -180),
  };
  char path[1024];
  store_tmp_path("clean.h5", path, sizeof path);
  tc_import_opts o;
  tc_import_opts_init(&o);
  tc_import *im;
  tc_err err;
  tc_import_result res;
  cr_assert_eq(tc_import_begin(path, &o, &im, &err), TC_OK, "%s", err.msg);
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    cr_assert_eq(tc_import_add_fix(im, &f[i], &err), TC_OK);
  tc_import_add_skipped(im, 3, 2);
  cr_assert_eq(tc_import_commit(im, &res, &err), TC_OK, "%s", err.msg);
  tc_import_abort(im);
  const tc_clean_counts *c = &res.clean;
  cr_assert_eq(c->rows_read, 13 + 3 + 2);
  cr_assert_eq(c->parse_errors, 3);
  cr_assert_eq(c->non_vessel, 2);
  cr_assert_eq(c->bad_position, 6);
  cr_assert_eq(c->bad_mmsi, 2);
  cr_assert_eq(c->duplicate, 2);
  cr_assert_eq(c->rows_stored, 3);
  tc_fix *got;
  size_t n;
  store_read_all(path, &got, &n);
  cr_assert_eq(n, 3);
  cr_assert(got[0].mmsi == 211000001 && got[0].lat == 9, "of equal (mmsi, t) the lowest lat stays");
  free(got);
  /* counts are summed over imports in the store */
  cr_assert_eq(store_import_fixes(path, &o, f, 2, &res, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(res.clean.duplicate, 1, "the first row is in the store already");
  cr_assert_eq(res.clean.bad_position, 1);
  tc_store *s;
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK);
  const tc_clean_counts *sc = &tc_store_get_info(s)->clean;
  cr_assert(sc->rows_read == 20 && sc->bad_position == 7 && sc->duplicate == 3 &&
            sc->rows_stored == 3 && sc->parse_errors == 3 && sc->non_vessel == 2 && sc->bad_mmsi == 2);
  tc_store_close(s);
}

Test(import, append_merges_and_dedups_like_one_import) {
  size_t na = 6000, nb = 5000;
  tc_fix *ab = malloc((na + nb + 2) * sizeof *ab);
  store_gen_fixes(ab, na, 11, T2022, 2 * 86400, 40);
  /* B overlaps A's time span and one more day, and repeats some of A's rows */
  store_gen_fixes(ab + na, nb, 12, T2022 + 86400, 2 * 86400, 40);
  size_t day1[600], nd = 0; /* A rows of day 1, which B repeats or rivals */
  for (size_t i = 0; i < na && nd < 600; i++)
    if (ab[i].t >= T2022 + 86400)
      day1[nd++] = i;
  cr_assert_eq(nd, 600);
  for (size_t i = 0; i < 500; i++)
    ab[na + i * 10] = ab[day1[i]];
  /* same (mmsi, t) as an A row: one sorts before it (replaces it), one after (dropped) */
  size_t r1 = day1[550], r2 = day1[560];
  ab[na + nb] = ab[r1], ab[na + nb].lat -= 0.5, ab[na + nb].sog = 42;
  ab[na + nb + 1] = ab[r2], ab[na + nb + 1].lat += 0.5, ab[na + nb + 1].sog = 43;
  nb += 2;
  char p1[1024], p2[1024];
  tc_import_opts o;
  tc_import_opts_init(&o);
  tc_import_result res;
  tc_err err;
  store_tmp_path("append.h5", p1, sizeof p1);
  cr_assert_eq(store_import_fixes(p1, &o, ab, na, &res, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(res.created, 1);
  cr_assert_eq(store_import_fixes(p1, &o, ab + na, nb, &res, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(res.created, 0);
  cr_assert_eq(res.buckets_copied, 1, "day 0 has no new rows: copied");
  cr_assert_eq(res.buckets_written, 2);
  store_tmp_path("append_once.h5", p2, sizeof p2);
  cr_assert_eq(store_import_fixes(p2, &o, ab, na + nb, &res, &err), TC_OK, "%s", err.msg);
  tc_fix *g1, *g2, *exp;
  size_t n1, n2, nexp;
  store_read_all(p1, &g1, &n1);
  store_read_all(p2, &g2, &n2);
  store_expected(ab, na + nb, 86400, &exp, &nexp);
  cr_assert(store_rows_equal(exp, nexp, g2, n2), "one import");
  cr_assert(store_rows_equal(g2, n2, g1, n1), "two imports give the rows of one (%zu vs %zu)", n1, n2);
  int replaced = 0, kept = 0;
  for (size_t i = 0; i < n1; i++) {
    replaced += g1[i].sog == 42;
    kept += g1[i].mmsi == ab[r2].mmsi && g1[i].t == ab[r2].t && g1[i].lat == ab[r2].lat;
    cr_assert_neq(g1[i].sog, 43);
  }
  cr_assert_eq(replaced, 1);
  cr_assert_eq(kept, 1);
  tc_store *s;
  cr_assert_eq(tc_store_open(p1, &s, &err), TC_OK);
  cr_assert_eq(tc_store_get_info(s)->clean.rows_stored, nexp);
  cr_assert_eq(tc_store_get_info(s)->clean.duplicate, na + nb - nexp);
  tc_store_close(s);
  free(ab), free(g1), free(g2), free(exp);
}

Test(import, spills_beyond_the_buffer_with_the_same_result) {
  size_t n = 60000;
  tc_fix *in = malloc(n * sizeof *in);
  store_gen_fixes(in, n, 21, T2022, 4 * 86400, 300);
  char p1[1024], p2[1024];
  tc_import_opts o;
  tc_import_opts_init(&o);
  tc_import_result res;
  tc_err err;
  store_tmp_path("mem.h5", p1, sizeof p1);
  cr_assert_eq(store_import_fixes(p1, &o, in, n, &res, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(res.spill_runs, 0);
  o.max_buffer_rows = 4096;
  store_tmp_path("spill.h5", p2, sizeof p2);
  /* half as a first import, half appended, both spilling */
  cr_assert_eq(store_import_fixes(p2, &o, in, n / 2, &res, &err), TC_OK, "%s", err.msg);
  cr_assert_geq(res.spill_runs, 7);
  cr_assert_eq(store_import_fixes(p2, &o, in + n / 2, n - n / 2, &res, &err), TC_OK, "%s", err.msg);
  cr_assert_geq(res.spill_runs, 7);
  cr_assert_gt(res.spill_bytes, 0);
  tc_fix *g1, *g2;
  size_t n1, n2;
  store_read_all(p1, &g1, &n1);
  store_read_all(p2, &g2, &n2);
  cr_assert(store_rows_equal(g1, n1, g2, n2), "spilled import differs from the in-memory one");
  free(in), free(g1), free(g2);
}

/* The child imports rows generated on the fly (nothing held by the test), with a
 * 64 MiB budget for 3 M rows (120 MB of rows). The parent reads its peak RSS. */
Test(import, peak_rss_stays_near_the_budget, .timeout = 120) {
  char path[1024];
  store_tmp_path("rss.h5", path, sizeof path);
  size_t rows = 3000000, budget = (size_t)64 << 20;
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    tc_import_opts o;
    tc_import_opts_init(&o);
    o.memory_bytes = budget;
    tc_import *im;
    tc_err err;
    tc_import_result res;
    if (tc_import_begin(path, &o, &im, &err) != TC_OK)
      _exit(3);
    tc_fix batch[1024];
    for (size_t i = 0; i < rows; i += 1024) {
      store_gen_fixes(batch, 1024, 1000 + i, T2022, 2 * 86400, 5000);
      for (size_t j = 0; j < 1024; j++)
        if (tc_import_add_fix(im, &batch[j], &err) != TC_OK)
          _exit(4);
    }
    if (tc_import_commit(im, &res, &err) != TC_OK)
      _exit(5);
    tc_import_abort(im);
    _exit(res.spill_runs >= 2 ? 0 : 6);
  }
  int status;
  struct rusage ru;
  cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
  double mb = (double)ru.ru_maxrss / 1024.0;
  cr_log_info("peak RSS importing %zu rows with --memory 64M: %.1f MiB", rows, mb);
  fprintf(stderr, "peak RSS importing %zu rows with --memory 64M: %.1f MiB\n", rows, mb);
#if TC_UNDER_ASAN
  /* AddressSanitizer's shadow memory, redzones and freed-block quarantine add hundreds
   * of MiB that are not the importer's: the rows stored are still checked below. */
  fprintf(stderr, "peak RSS limit not checked under AddressSanitizer\n");
#else
  cr_assert_lt(mb, 64 + 40, "peak RSS %.1f MiB", mb);
#endif
  tc_store *s;
  tc_err err;
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK);
  cr_assert_gt(tc_store_get_info(s)->rows, rows * 9 / 10);
  tc_store_close(s);
}

static void small_store(const char *name, char *path, size_t cap) {
  size_t n = 3000;
  tc_fix *in = malloc(n * sizeof *in);
  store_gen_fixes(in, n, 31, T2022, 86400, 20);
  store_tmp_path(name, path, cap);
  tc_import_opts o;
  tc_import_opts_init(&o);
  tc_import_result res;
  tc_err err;
  cr_assert_eq(store_import_fixes(path, &o, in, n, &res, &err), TC_OK, "%s", err.msg);
  free(in);
}

static void tmp_name(const char *store, pid_t pid, char *out, size_t cap) {
  const char *slash = strrchr(store, '/');
  snprintf(out, cap, "%.*s/.%s.tmp.%ld", (int)(slash - store), store, slash + 1, (long)pid);
}

Test(import, failed_commit_leaves_the_store_unchanged) {
  char path[1024], before[65], after[65], tmp[1200];
  small_store("fail_commit.h5", path, sizeof path);
  store_file_hash(path, before);
  /* a directory where the temporary file must go makes the write fail */
  tmp_name(path, getpid(), tmp, sizeof tmp);
  cr_assert_eq(mkdir(tmp, 0755), 0);
  tc_fix in[100];
  store_gen_fixes(in, 100, 32, T2022 + 86400, 86400, 5);
  tc_import_opts o;
  tc_import_opts_init(&o);
  tc_import_result res;
  tc_err err;
  tc_status st = store_import_fixes(path, &o, in, 100, &res, &err);
  rmdir(tmp);
  cr_assert_neq(st, TC_OK);
  cr_assert(strstr(err.msg, path), "the message names the store: %s", err.msg);
  store_file_hash(path, after);
  cr_assert_str_eq(before, after);
  /* an aborted import leaves it alone too */
  tc_import *im;
  cr_assert_eq(tc_import_begin(path, &o, &im, &err), TC_OK);
  cr_assert_eq(tc_import_add_fix(im, &in[0], &err), TC_OK);
  tc_import_abort(im);
  store_file_hash(path, after);
  cr_assert_str_eq(before, after);
}

static void kill_midway(void *ctx, const tc_import_progress *p) {
  (void)ctx;
  if (p->writing && p->done >= 3 * 65536)
    raise(SIGKILL);
}

Test(import, kill_9_while_writing_leaves_the_store_unchanged) {
  char path[1024], before[65], after[65], tmp[1200];
  /* This process must not start OpenMP's threads before forking (libgomp does not
   * survive fork), so the first store is written by a child too. */
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) { /* no cr_assert in a forked child: it would never report */
    size_t n = 3000;
    tc_fix *in = malloc(n * sizeof *in);
    store_gen_fixes(in, n, 31, T2022, 86400, 20);
    store_tmp_name("kill.h5", path, sizeof path);
    unlink(path);
    tc_import_opts o;
    tc_import_opts_init(&o);
    tc_import_result res;
    tc_err err;
    _exit(in && store_import_fixes(path, &o, in, n, &res, &err) == TC_OK ? 0 : 1);
  }
  int status;
  cr_assert_eq(waitpid(pid, &status, 0), pid);
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  store_tmp_name("kill.h5", path, sizeof path);
  store_file_hash(path, before);
  cr_assert_neq(before[0], '\0');
  pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    size_t n = 400000;
    tc_fix *in = malloc(n * sizeof *in);
    store_gen_fixes(in, n, 33, T2022, 3 * 86400, 500);
    tc_import_opts o;
    tc_import_opts_init(&o);
    o.progress = kill_midway;
    tc_import_result res;
    tc_err err;
    store_import_fixes(path, &o, in, n, &res, &err);
    _exit(0);
  }
  cr_assert_eq(waitpid(pid, &status, 0), pid);
  cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child was killed mid-write");
  store_file_hash(path, after);
  cr_assert_str_eq(before, after);
  tmp_name(path, pid, tmp, sizeof tmp);
  cr_assert_eq(access(tmp, F_OK), 0, "the killed import left its temporary file");
  tc_fix one = fx(211000009, T2022 + 5, 1, 2);
  tc_import_opts o;
  tc_import_opts_init(&o);
  tc_import_result res;
  tc_err err;
  cr_assert_eq(store_import_fixes(path, &o, &one, 1, &res, &err), TC_OK, "%s", err.msg);
  cr_assert_neq(access(tmp, F_OK), 0, "the next import removed it");
}

Test(import, times_too_far_apart_for_the_packed_key) {
  /* 40 days spread over ~3e18 s: the radix key cannot hold the bucket range, so the
   * comparison sort runs; the result must be the same order. */
  size_t n = 400;
  tc_fix *in = malloc(n * sizeof *in);
  store_gen_fixes(in, n, 41, T2022, 86400, 15);
  for (size_t i = 0; i < n; i++)
    in[i].t += (int64_t)(i % 40) * 75000000000000000LL;
  char path[1024];
  store_tmp_path("far.h5", path, sizeof path);
  tc_import_opts o;
  tc_import_opts_init(&o);
  tc_import_result res;
  tc_err err;
  cr_assert_eq(store_import_fixes(path, &o, in, n, &res, &err), TC_OK, "%s", err.msg);
  tc_fix *exp, *got;
  size_t nexp, ngot;
  store_expected(in, n, 86400, &exp, &nexp);
  store_read_all(path, &got, &ngot);
  cr_assert(store_rows_equal(exp, nexp, got, ngot));
  cr_assert_geq(res.store.nbuckets, 40);
  free(in), free(exp), free(got);
}

Test(import, one_import_at_a_time_per_store) {
  char path[1024];
  store_tmp_path("locked.h5", path, sizeof path);
  tc_import_opts o;
  tc_import_opts_init(&o);
  tc_import *a = NULL, *b = NULL;
  tc_err err;
  cr_assert_eq(tc_import_begin(path, &o, &a, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(tc_import_begin(path, &o, &b, &err), TC_ERR_IO);
  cr_assert(strstr(err.msg, "another import"), "%s", err.msg);
  tc_import_abort(a);
  cr_assert_eq(tc_import_begin(path, &o, &b, &err), TC_OK, "%s", err.msg);
  tc_import_abort(b);
  cr_assert_neq(access(path, F_OK), 0, "an aborted first import creates nothing");
}

/* ---- the commands ---- */

static int count_lines_with(const char *path, const char *needle) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char line[4096];
  int n = 0;
  while (fgets(line, sizeof line, f))
    n += strstr(line, needle) != NULL;
  fclose(f);
  return n;
}

/* Rows that must be stored from a MarineCadastre CSV, computed here independently of
 * the reader: rule 1 on (MMSI, LAT, LON), then distinct (MMSI, BaseDateTime). */
static size_t mc_expected_rows(const char *path) {
  gzFile g = gzopen(path, "rb");
  cr_assert(g);
  char line[4096];
  size_t cap = 1 << 18, n = 0;
  char **keys = calloc(cap, sizeof *keys);
  cr_assert(gzgets(g, line, sizeof line));
  while (gzgets(g, line, sizeof line)) {
    char *f[4], *p = line;
    for (int i = 0; i < 4; i++) {
      f[i] = p;
      p = strchr(p, ',');
      cr_assert(p);
      *p++ = '\0';
    }
    double lat = atof(f[2]), lon = atof(f[3]);
    long long m = atoll(f[0]);
    if (fabs(lat) > 90 || fabs(lon) > 180 || (lat == 0 && lon == 0) || m < 1 || m > 999999999)
      continue;
    char key[128];
    snprintf(key, sizeof key, "%s,%s", f[0], f[1]);
    uint64_t h = 1469598103934665603ull;
    for (char *c = key; *c; c++)
      h = (h ^ (unsigned char)*c) * 1099511628211ull;
    size_t j = h & (cap - 1);
    while (keys[j] && strcmp(keys[j], key))
      j = (j + 1) & (cap - 1);
    if (!keys[j]) {
      keys[j] = strdup(key);
      n++;
    }
  }
  gzclose(g);
  for (size_t i = 0; i < cap; i++)
    free(keys[i]);
  free(keys);
  return n;
}

Test(cli, import_marinecadastre_samples_and_info, .timeout = 120) {
  if (access(MC_BIG, R_OK) != 0 || access(MC_SMALL, R_OK) != 0)
    cr_skip("MarineCadastre samples not found in " MC_DIR);
  char path[1024], out[1024], js[1024];
  store_tmp_path("mc.h5", path, sizeof path);
  store_tmp_path("mc.out", out, sizeof out);
  store_tmp_path("mc.json", js, sizeof js);
  cr_assert_eq(store_system("'%s' import '%s' '%s' '%s' --bucket 6h > '%s' 2>&1", TC_BINARY, path,
                            MC_BIG, MC_SMALL, out), 0);
  cr_assert_eq(count_lines_with(out, "rows read"), 1);
  cr_assert_eq(count_lines_with(out, " 100999"), 1, "99999 + 1000 rows read");
  size_t want = mc_expected_rows(MC_BIG) + mc_expected_rows(MC_SMALL);
  cr_assert_eq(want, 99919 + 1000, "independent count of the samples");
  tc_store *s;
  tc_err err;
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK, "%s", err.msg);
  const tc_store_info *in = tc_store_get_info(s);
  cr_assert_eq(in->rows, want);
  cr_assert_eq(in->bucket_s, 6 * 3600);
  cr_assert_eq(in->nbuckets, 4 + 1, "2022-01-03 in four 6 h buckets, 2023-01-11 in one");
  cr_assert_eq(in->clean.rows_read, 100999);
  cr_assert_eq(in->nsources, 2);
  const tc_store_srcfile *src;
  size_t ns;
  cr_assert_eq(tc_store_sources(s, &src, &ns, &err), TC_OK);
  cr_assert_str_eq(src[0].format, "marinecadastre");
  cr_assert_eq(src[0].records, 99999);
  cr_assert_eq(src[1].size, 114515);
  char hex[65];
  store_file_hash(MC_SMALL, hex);
  cr_assert_str_eq(src[1].sha256, hex);
  const tc_vessel_static *v;
  size_t nv;
  cr_assert_eq(tc_store_vessels(s, &v, &nv, &err), TC_OK);
  cr_assert_gt(nv, 1000);
  tc_vessel_static r;
  cr_assert_eq(tc_store_vessel_at(s, 636021061, T2022 + 400 * 86400, &r, &err), TC_OK);
  cr_assert_str_eq(r.name, "MSC NAISHA III");
  char line[256];
  snprintf(line, sizeof line, "rows: %" PRIu64, in->rows);
  cr_assert_eq(store_system("'%s' info '%s' > '%s'", TC_BINARY, path, out), 0);
  cr_assert_eq(count_lines_with(out, line), 1);
  snprintf(line, sizeof line, "vessels: %" PRIu64, in->vessels);
  cr_assert_eq(count_lines_with(out, line), 1);
  cr_assert_eq(count_lines_with(out, "2022-01-03T00:00:00Z .. 2023-01-11T"), 1);
  cr_assert_eq(count_lines_with(out, "buckets: 5"), 1);
  tc_store_close(s);
  if (store_system("/usr/bin/python3 -c 'import json' >/dev/null 2>&1") == 0) {
    cr_assert_eq(store_system("'%s' info '%s' --json > '%s'", TC_BINARY, path, js), 0);
    cr_assert_eq(store_system("/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
                              "sys.exit(0 if d[\"rows\"]==%zu and len(d[\"sources\"])==2 and "
                              "d[\"cleaning\"][\"rows_read\"]==100999 else 1)' '%s'", want, js), 0);
  }
}

Test(cli, duplicate_source_refused_unless_forced) {
  if (access(MC_SMALL, R_OK) != 0)
    cr_skip("no " MC_SMALL);
  char path[1024], out[1024], before[65], after[65];
  store_tmp_path("dup.h5", path, sizeof path);
  store_tmp_path("dup.out", out, sizeof out);
  /* standard input is hashed as it is read: importing the file by name is refused */
  cr_assert_eq(store_system("'%s' import '%s' - --quiet < '%s'", TC_BINARY, path, MC_SMALL), 0);
  store_file_hash(path, before);
  cr_assert_eq(store_system("'%s' import '%s' '%s' --quiet 2> '%s'", TC_BINARY, path, MC_SMALL, out), 1);
  cr_assert_eq(count_lines_with(out, "already imported"), 1);
  cr_assert_eq(count_lines_with(out, "--force"), 1);
  store_file_hash(path, after);
  cr_assert_str_eq(before, after);
  cr_assert_eq(store_system("cat '%s' | '%s' import '%s' - --quiet 2>/dev/null", MC_SMALL, TC_BINARY, path), 1);
  cr_assert_eq(store_system("'%s' import '%s' '%s' > '%s' 2>&1 --force", TC_BINARY, path, MC_SMALL, out), 0);
  cr_assert_eq(count_lines_with(out, "duplicates"), 1);
  tc_store *s;
  tc_err err;
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK);
  cr_assert_eq(tc_store_get_info(s)->rows, 1000, "all rows were duplicates");
  cr_assert_eq(tc_store_get_info(s)->nsources, 2);
  tc_store_close(s);
}

Test(cli, failures_leave_the_store_byte_for_byte_unchanged) {
  if (access(MC_BIG, R_OK) != 0 || access(MC_SMALL, R_OK) != 0)
    cr_skip("MarineCadastre samples not found");
  char path[1024], trunc[1024], bad[1024], nocol[1024], before[65], after[65], tmp[1200];
  store_tmp_path("atomic.h5", path, sizeof path);
  store_tmp_path("truncated.csv.gz", trunc, sizeof trunc);
  store_tmp_path("badrow.csv", bad, sizeof bad);
  store_tmp_path("nocol.csv", nocol, sizeof nocol);
  cr_assert_eq(store_system("'%s' import '%s' '%s' --quiet", TC_BINARY, path, MC_SMALL), 0);
  store_file_hash(path, before);
  cr_assert_eq(store_system("head -c 1000000 '%s' > '%s'", MC_BIG, trunc), 0);
  cr_assert_eq(store_system("head -50 '%s' > '%s' && echo '367752440,2023-01-11T05:00:00,abc,-70.7,0,0,0,X,,,31,0,,,,,A' >> '%s'",
                            MC_SMALL, bad, bad), 0);
  cr_assert_eq(store_system("printf 'MMSI,BaseDateTime,LON\\n1,2023-01-11T00:00:00,3\\n' > '%s'", nocol), 0);
  /* a truncated .gz: failure, exit 1 */
  cr_assert_eq(store_system("'%s' import '%s' '%s' --quiet 2>/dev/null", TC_BINARY, path, trunc), 1);
  /* --strict and a bad row: exit 2 */
  cr_assert_eq(store_system("'%s' import '%s' '%s' --strict --force --quiet 2>/dev/null", TC_BINARY, path, bad), 2);
  /* a missing column: exit 1 */
  cr_assert_eq(store_system("'%s' import '%s' '%s' --quiet 2>/dev/null", TC_BINARY, path, nocol), 1);
  /* bucket length of an existing store cannot change: usage, exit 2 */
  cr_assert_eq(store_system("'%s' import '%s' '%s' --bucket 1h --quiet 2>/dev/null", TC_BINARY, path, bad), 2);
  store_file_hash(path, after);
  cr_assert_str_eq(before, after);
  const char *slash = strrchr(path, '/');
  snprintf(tmp, sizeof tmp, "ls -a '%.*s' | grep -c '^\\.atomic\\.h5\\.tmp' >/dev/null", (int)(slash - path), path);
  cr_assert_neq(store_system("%s", tmp), 0, "no temporary file left behind");
  /* without --strict the bad row is skipped and reported with file and line */
  char out[1024];
  store_tmp_path("atomic.out", out, sizeof out);
  cr_assert_eq(store_system("'%s' import '%s' '%s' --force > '%s' 2>&1", TC_BINARY, path, bad, out), 0);
  cr_assert_eq(count_lines_with(out, "badrow.csv:51: column 'lat'"), 1);
}

Test(cli, usage_errors) {
  char path[1024];
  store_tmp_path("usage.h5", path, sizeof path);
  cr_assert_eq(store_system("'%s' import 2>/dev/null", TC_BINARY), 2);
  cr_assert_eq(store_system("'%s' import '%s' x.csv --bucket 0 2>/dev/null", TC_BINARY, path), 2);
  cr_assert_eq(store_system("'%s' import '%s' x.csv --bucket 1y 2>/dev/null", TC_BINARY, path), 2);
  cr_assert_eq(store_system("'%s' import '%s' x.csv --deflate 10 2>/dev/null", TC_BINARY, path), 2);
  cr_assert_eq(store_system("'%s' import '%s' x.csv --memory lots 2>/dev/null", TC_BINARY, path), 2);
  cr_assert_eq(store_system("'%s' import '%s' x.csv --nope 2>/dev/null", TC_BINARY, path), 2);
  cr_assert_eq(store_system("'%s' info 2>/dev/null", TC_BINARY), 2);
  cr_assert_eq(store_system("'%s' import '%s' /nonexistent.csv 2>/dev/null", TC_BINARY, path), 1);
  cr_assert_neq(access(path, F_OK), 0, "a failed first import creates no store");
}
