/* host/engine/runspill: long open candidates keep their older close times in a
 * temporary file once those in memory pass a budget. Blocks come back in order and are
 * reused once freed; a candidate that spilled is judged, saved and restored exactly as
 * one that did not; below the budget no file is made; a file that cannot be made is an
 * I/O error naming the folder. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/params.h"
#include "host/engine/runs.h"
#include "host/engine/runspill.h"

#define B TC_RUNSPILL_BLOCK

static void fill(uint64_t *v, uint64_t first) {
  for (size_t i = 0; i < B; i++)
    v[i] = first + i;
}

Test(runspill, chains_come_back_in_order_and_freed_blocks_are_reused) {
  tc_runspill *s = NULL;
  cr_assert_eq(tc_runspill_create(sizeof(uint64_t), &s), TC_OK);
  uint64_t v[B], got[5 * B];
  uint32_t a = 0, b = 0;
  for (int i = 0; i < 5; i++) { /* two chains, interleaved in the file */
    fill(v, 1000 + (uint64_t)i * B);
    cr_assert_eq(tc_runspill_put(s, a, v, &a), TC_OK);
    if (i < 3) {
      fill(v, 9000 + (uint64_t)i * B);
      cr_assert_eq(tc_runspill_put(s, b, v, &b), TC_OK);
    }
  }
  uint64_t peak = tc_runspill_peak_bytes(s);
  cr_assert_eq(peak, 8 * B * sizeof(uint64_t));
  cr_assert_eq(tc_runspill_read(s, a, 5, got), TC_OK);
  for (size_t i = 0; i < 5 * B; i++)
    cr_assert_eq(got[i], 1000 + i, "chain a, close time %zu", i);
  cr_assert_eq(tc_runspill_read(s, b, 3, got), TC_OK);
  for (size_t i = 0; i < 3 * B; i++)
    cr_assert_eq(got[i], 9000 + i, "chain b, close time %zu", i);
  cr_assert_neq(tc_runspill_read(s, b, 2, got), TC_OK, "a count shorter than the chain is caught");
  tc_runspill_release(s, a, 5);
  uint32_t c = 0;
  for (int i = 0; i < 5; i++) {
    fill(v, 50000 + (uint64_t)i * B);
    cr_assert_eq(tc_runspill_put(s, c, v, &c), TC_OK);
  }
  cr_assert_eq(tc_runspill_peak_bytes(s), peak, "the five freed blocks are written again");
  cr_assert_eq(tc_runspill_read(s, c, 5, got), TC_OK);
  for (size_t i = 0; i < 5 * B; i++)
    cr_assert_eq(got[i], 50000 + i);
  cr_assert_eq(tc_runspill_read(s, b, 3, got), TC_OK);
  cr_assert_eq(got[3 * B - 1], 9000 + 3 * B - 1, "chain b untouched by the reuse");
  cr_assert_str_empty(tc_runspill_error(s));
  tc_runspill_free(s);
  tc_runspill_free(NULL);
}

Test(runspill, a_folder_that_cannot_take_the_file_is_an_io_error_naming_it) {
  setenv("TMPDIR", "/nonexistent/trajcorr-tmp", 1); /* Criterion runs each test in its own process */
  tc_runspill *s = NULL;
  cr_assert_eq(tc_runspill_create(sizeof(uint64_t), &s), TC_OK);
  uint64_t v[B];
  fill(v, 1);
  uint32_t a = 0;
  cr_assert_eq(tc_runspill_put(s, 0, v, &a), TC_ERR_IO);
  cr_assert(strstr(tc_runspill_error(s), "/nonexistent/trajcorr-tmp"), "%s", tc_runspill_error(s));
  cr_assert(strstr(tc_runspill_error(s), "No such file"), "%s", tc_runspill_error(s));
  tc_runspill_free(s);
}

/* ---- a candidate long enough to spill, through tc_runs ---- */

static tc_status put_bytes(void *ctx, const void *p, size_t n) {
  unsigned char **at = ctx;
  memcpy(*at, p, n);
  *at += n;
  return TC_OK;
}

/* One pair moored side by side for `n` grid times of 600 s: positions and speeds that
 * vary (some speeds undefined), so medians and means depend on every close time. */
static void moored(tc_close_time *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    double w = (double)((i * 7919) % 1009) / 1009.0;
    v[i] = (tc_close_time){.t = 1704067200 + (int64_t)i * 600,
                           .la = 12.5 + 1e-4 * w, .oa = 111.8 - 2e-4 * w,
                           .lb = 12.501 - 1e-4 * w, .ob = 111.8 + 1e-4 * w,
                           .sa = i % 13 == 0 ? NAN : 0.5 * w, .sb = 1.5 - w};
  }
}

/* The checkpoint image tc_runs_load reads: one open candidate with close times v. */
static size_t image(unsigned char *p, uint64_t key, const tc_close_time *v, uint32_t n) {
  unsigned char *at = p;
  uint64_t judged = 0, ncand = 1;
  int64_t qt = v[0].t, last = v[n - 1].t;
  put_bytes(&at, &judged, 8);
  put_bytes(&at, &ncand, 8);
  put_bytes(&at, &key, 8);
  put_bytes(&at, &qt, 8);
  put_bytes(&at, &last, 8);
  put_bytes(&at, &n, 4);
  put_bytes(&at, v, n * sizeof *v);
  return (size_t)(at - p);
}

static void same_encounter(const tc_encounter *a, const tc_encounter *b) {
  cr_assert(a->mmsi_a == b->mmsi_a && a->mmsi_b == b->mmsi_b && a->start == b->start && a->end == b->end &&
            a->close_slots == b->close_slots);
  const double x[] = {a->min_dist_m, a->median_dist_m, a->mean_lat, a->mean_lon, a->speed_a_kn, a->speed_b_kn};
  const double y[] = {b->min_dist_m, b->median_dist_m, b->mean_lat, b->mean_lon, b->speed_a_kn, b->speed_b_kn};
  for (int i = 0; i < 6; i++)
    cr_assert(!memcmp(&x[i], &y[i], sizeof x[i]), "field %d: %.17g, want %.17g", i, x[i], y[i]);
}

Test(runspill, a_spilled_candidate_is_saved_restored_and_judged_as_a_whole) {
  enum { N = 20 * B + 17 }; /* twenty blocks in the file, 17 close times in memory */
  const uint64_t key = (uint64_t)205024044 << 32 | 353481746u;
  tc_close_time *v = malloc(N * sizeof *v);
  size_t cap = 64 + N * sizeof *v;
  unsigned char *img = malloc(cap), *again = malloc(cap);
  cr_assert(v && img && again);
  moored(v, N);
  size_t len = image(img, key, v, N);

  tc_params p;
  tc_params_default(&p);
  tc_runs *r = NULL, *ref = NULL;
  cr_assert_eq(tc_runs_create(&p, &r), TC_OK);
  cr_assert_eq(tc_runs_create(&p, &ref), TC_OK);
  tc_runs_spill_from(r, 0); /* spill whatever the size */
  size_t used = 0;
  cr_assert_eq(tc_runs_load(&r, 1, img, len, &used), TC_OK);
  cr_assert_eq(used, len);
  cr_assert_eq(tc_runs_open(r), 1);

  unsigned char *at = again; /* saving gathers the spilled blocks back */
  cr_assert_eq(tc_runs_save(r, put_bytes, &at), TC_OK);
  cr_assert_eq((size_t)(at - again), len);
  cr_assert(!memcmp(again, img, len), "the saved candidate differs from the one loaded");

  tc_encounter_list got, want;
  tc_encounter_list_init(&got);
  tc_encounter_list_init(&want);
  cr_assert_eq(tc_runs_flush(r, INT64_MAX, &got), TC_OK);
  cr_assert_eq(tc_runs_judge_times(ref, key, v, N, &want), TC_OK); /* all in memory */
  cr_assert_eq(want.n, 1, "the fixture is an encounter");
  cr_assert_eq(got.n, 1);
  cr_assert_eq(got.v[0].close_slots, N);
  same_encounter(&got.v[0], &want.v[0]);
  cr_assert_eq(tc_runs_open(r), 0);

  /* the freed blocks serve the next long candidate, which is judged the same way */
  moored(v, N);
  for (size_t i = 0; i < N; i++)
    v[i].t += 86400;
  len = image(img, key, v, N);
  cr_assert_eq(tc_runs_load(&r, 1, img, len, &used), TC_OK);
  got.n = want.n = 0;
  cr_assert_eq(tc_runs_flush(r, INT64_MAX, &got), TC_OK);
  cr_assert_eq(tc_runs_judge_times(ref, key, v, N, &want), TC_OK);
  cr_assert_eq(got.n, 1);
  same_encounter(&got.v[0], &want.v[0]);

  tc_encounter_list_free(&got);
  tc_encounter_list_free(&want);
  tc_runs_free(r);
  tc_runs_free(ref);
  free(v);
  free(img);
  free(again);
}

Test(runspill, below_the_budget_no_file_is_made) {
  setenv("TMPDIR", "/nonexistent/trajcorr-tmp", 1); /* a file would fail */
  enum { N = 5 * B + 3 };
  const uint64_t key = (uint64_t)219463459 << 32 | 356467550u;
  tc_close_time *v = malloc(N * sizeof *v);
  unsigned char *img = malloc(64 + N * sizeof *v);
  cr_assert(v && img);
  moored(v, N);
  size_t len = image(img, key, v, N), used;
  tc_params p;
  tc_params_default(&p);
  tc_runs *r = NULL;
  cr_assert_eq(tc_runs_create(&p, &r), TC_OK);
  tc_encounter_list got;
  tc_encounter_list_init(&got);
  cr_assert_eq(tc_runs_load(&r, 1, img, len, &used), TC_OK, "the default budget holds %d close times", N);
  cr_assert_eq(tc_runs_flush(r, INT64_MAX, &got), TC_OK);
  cr_assert_eq(got.n, 1);
  tc_runs_spill_from(r, 0);
  cr_assert_eq(tc_runs_load(&r, 1, img, len, &used), TC_ERR_IO, "with no budget the file is needed");
  cr_assert(strstr(tc_runs_error(r), "/nonexistent/trajcorr-tmp"), "%s", tc_runs_error(r));
  tc_encounter_list_free(&got);
  tc_runs_free(r);
  free(v);
  free(img);
}

/* ---- the open-candidate table: keys told apart by the key, not its hash bits ---- */

typedef struct {
  uint32_t hash;
  uint64_t key;
} hashed_key;

static int by_hash(const void *a, const void *b) {
  const hashed_key *x = a, *y = b;
  return x->hash != y->hash ? (x->hash > y->hash) - (x->hash < y->hash) : (x->key > y->key) - (x->key < y->key);
}

/* Two pair keys whose table entries keep the same 32 hash bits (a birthday search: the
 * first pair turns up after about 80 000 keys). */
static void colliding_keys(uint64_t *ka, uint64_t *kb) {
  enum { N = 400000 };
  hashed_key *h = malloc(N * sizeof *h);
  cr_assert_not_null(h);
  for (uint32_t i = 0; i < N; i++) {
    h[i].key = (uint64_t)211000000 << 32 | (uint64_t)(300000000u + i);
    h[i].hash = tc_runs_table_hash(h[i].key);
  }
  qsort(h, N, sizeof *h, by_hash);
  size_t i = 1;
  while (i < N && h[i].hash != h[i - 1].hash)
    i++;
  cr_assert_lt(i, N, "no two of %d keys share their hash bits", N);
  *ka = h[i - 1].key;
  *kb = h[i].key;
  free(h);
}

Test(runspill, keys_sharing_their_hash_bits_stay_two_candidates) {
  uint64_t ka, kb;
  colliding_keys(&ka, &kb);
  cr_assert_eq(tc_runs_table_hash(ka), tc_runs_table_hash(kb));
  enum { NA = 40, NB = 57, FILL = 3000 };
  tc_close_time va[NA], vb[NB], one;
  moored(va, NA);
  moored(vb, NB);
  moored(&one, 1);
  unsigned char img[64 + NB * sizeof(tc_close_time)];
  tc_params p;
  tc_params_default(&p);
  tc_runs *r = NULL;
  cr_assert_eq(tc_runs_create(&p, &r), TC_OK);
  size_t used;
  /* ka, then enough others that the table grows twice, then kb: both probe runs cross
   * a growth and the two entries share a home */
  cr_assert_eq(tc_runs_load(&r, 1, img, image(img, ka, va, NA), &used), TC_OK);
  for (uint32_t i = 0; i < FILL; i++) {
    uint64_t k = (uint64_t)212000000 << 32 | (uint64_t)(400000000u + i);
    cr_assert_eq(tc_runs_load(&r, 1, img, image(img, k, &one, 1), &used), TC_OK);
  }
  cr_assert_eq(tc_runs_load(&r, 1, img, image(img, kb, vb, NB), &used), TC_OK,
               "a key sharing another's hash bits taken for it");
  cr_assert_eq(tc_runs_open(r), FILL + 2);
  cr_assert_eq(tc_runs_load(&r, 1, img, image(img, ka, va, NA), &used), TC_ERR_FORMAT, "ka twice not seen");
  cr_assert_eq(tc_runs_load(&r, 1, img, image(img, kb, vb, NB), &used), TC_ERR_FORMAT, "kb twice not seen");
  tc_encounter_list got;
  tc_encounter_list_init(&got);
  cr_assert_eq(tc_runs_flush(r, INT64_MAX, &got), TC_OK);
  cr_assert_eq(tc_runs_open(r), 0);
  cr_assert_eq(got.n, 2, "%zu encounters: the two moored pairs expected", got.n);
  for (size_t i = 0; i < 2; i++) {
    uint64_t k = (uint64_t)got.v[i].mmsi_a << 32 | got.v[i].mmsi_b;
    cr_assert(k == ka || k == kb);
    cr_assert_eq(got.v[i].close_slots, k == ka ? NA : NB, "pair %u-%u: %d close times", got.v[i].mmsi_a,
                 got.v[i].mmsi_b, got.v[i].close_slots);
  }
  cr_assert_neq(got.v[0].mmsi_b, got.v[1].mmsi_b);
  tc_encounter_list_free(&got);
  tc_runs_free(r);
}

/* A shard's keys must spread over the whole table: the shard comes from other bits of the
 * hash than the table's homes (were they the same, with 8 shards each shard's keys would
 * have one home in 8 and probe runs 8 times as long). */
Test(runspill, a_shards_keys_spread_over_every_home) {
  enum { SH = 8, N = 80000 };
  unsigned cnt[SH][SH] = {{0}};
  for (uint32_t i = 0; i < N; i++) {
    uint64_t key = (uint64_t)(205000000u + i % 977) << 32 | (uint64_t)(300000000u + i);
    cnt[tc_runs_shard(key, SH)][tc_runs_table_hash(key) % SH]++;
  }
  for (int s = 0; s < SH; s++)
    for (int h = 0; h < SH; h++) /* N / 64 = 1250 expected in each */
      cr_assert_gt(cnt[s][h], 1000, "shard %d: %u keys with home bits %d", s, cnt[s][h], h);
}
