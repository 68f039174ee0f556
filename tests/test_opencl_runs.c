/* Close times linked into runs on the OpenCL device (kernels/runs.cl, host/opencl/cl_runs.c)
 * against openmp and the host's runs stage: a pair moored for four days (open across every
 * block, bucket and sub-batch), pairs that open and close inside one block, two runs exactly
 * merge_gap apart (one candidate) and one grid time more (two), runs of exactly min_duration
 * and one grid time less, runs across bucket ends; buckets of an hour, a day and a week;
 * the cell search by grid time (tc_slot_cells) and the chain of keys, sort and tc_neigh;
 * with the open-run table, without it, with the host's runs stage alone, in single
 * precision, by all pairs, with small buffers (many sub-batches a block) and with an
 * accumulation small enough to be linked early. Every list must be openmp's field by field,
 * with its close-pair and candidate counts. Skipped only when no OpenCL platform exists. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/engine.h"
#include "host/opencl/backend_opencl.h"
#include "host/opencl/cl_device.h"
#include "io/columns.h"
#include "support/engine_cuts.h"
#include "support/lead_run.h"
#include "support/lead_tracks.h"
#include "support/opencl_suite.h"

/* The key sort of the linking (tc_opencl_sort, a radix sort on the device) against the
 * host's: keys (group << wb) | grid time as the linking makes them, groups of one close
 * time, of a power of two, and one of 5 000 (beyond any work-group's local memory), among
 * 2 000 small groups, arriving shuffled; and keys with many equal values, whose indices must
 * keep their order (each pass is stable, or the linking's order would not be either).
 * Bit widths of one, three and four passes and of 64 bits, and 0, 1 and 2 keys. */
typedef struct {
  uint64_t key;
  uint32_t idx;
} sort_item;

static int by_key_idx(const void *a, const void *b) {
  const sort_item *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static uint64_t rnd(uint64_t *s) { /* splitmix64 */
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static void check_sort(void *st, sort_item *it, size_t n, int bits, const char *what) {
  uint64_t *key = malloc(8 * (n + 1));
  uint32_t *idx = malloc(4 * (n + 1));
  cr_assert(key && idx);
  for (size_t i = 0; i < n; i++) {
    key[i] = it[i].key;
    idx[i] = it[i].idx = (uint32_t)i;
  }
  tc_err err = {0};
  cr_assert_eq(tc_opencl_sort(st, key, idx, n, bits, &err), TC_OK, "%s: %s", what, err.msg);
  qsort(it, n, sizeof *it, by_key_idx);
  for (size_t i = 0; i < n; i++)
    cr_assert(key[i] == it[i].key && idx[i] == it[i].idx,
              "%s (%zu keys, %d bits): place %zu holds key %llx index %u, expected %llx index %u", what,
              n, bits, i, (unsigned long long)key[i], idx[i], (unsigned long long)it[i].key, it[i].idx);
  free(key);
  free(idx);
}

Test(opencl_runs, device_key_sort) {
  op_need_opencl();
  tc_backend_config cfg = op_config(0);
  void *st = op_create("opencl", &cfg);
  enum { WB = 13, GB = 19, MAXN = 60000 };
  sort_item *it = malloc(MAXN * sizeof *it);
  uint32_t *w = malloc((1u << WB) * sizeof *w);
  cr_assert(it && w);
  uint64_t seed = 16;
  size_t sizes[2004] = {1, 256, 5000, 1}, ng = 4, n = 0;
  while (ng < 2004)
    sizes[ng++] = 1 + rnd(&seed) % 30;
  for (size_t g = 0; g < ng; g++) {
    uint64_t gid = rnd(&seed) & ((1u << GB) - 1); /* a hash slot: groups in no order */
    for (uint32_t t = 0; t < (1u << WB); t++)
      w[t] = t;
    for (size_t k = 0; k < sizes[g]; k++) { /* distinct grid times, in no order */
      size_t j = k + rnd(&seed) % ((1u << WB) - k);
      uint32_t x = w[k];
      w[k] = w[j];
      w[j] = x;
      it[n++].key = gid << WB | w[k];
    }
  }
  for (size_t i = n; i > 1; i--) { /* the groups' pairs arrive mixed */
    size_t j = rnd(&seed) % i;
    sort_item x = it[i - 1];
    it[i - 1] = it[j];
    it[j] = x;
  }
  check_sort(st, it, n, GB + WB, "groups of 1, 256, 5000 and 2000 small ones");
  check_sort(st, it, 1, GB + WB, "one key");
  check_sort(st, it, 0, GB + WB, "no key");
  for (size_t i = 0; i < MAXN; i++) /* many equal keys: stable, so indices in order */
    it[i].key = rnd(&seed) % 97;
  check_sort(st, it, MAXN, 7, "97 values, one pass");
  for (size_t i = 0; i < MAXN; i++)
    it[i].key = (rnd(&seed) % 300) << 9 | 0x1FF;
  check_sort(st, it, MAXN, 20, "300 values, three passes");
  for (size_t i = 0; i < MAXN; i++)
    it[i].key = rnd(&seed) | (uint64_t)(i & 1) << 63;
  check_sort(st, it, MAXN, 64, "64-bit keys");
  it[0].key = 5;
  it[1].key = 5;
  check_sort(st, it, 2, 3, "two equal keys");
  free(it);
  free(w);
  tc_backend_find("opencl")->destroy(st);
}

#define DAY 86400
#define DAYS 4

static const int64_t T0 = 1700000000 - 1700000000 % DAY;

/* A vessel moored at (lat, lon), a fix every 5 minutes over [from, to). */
static void moored(tc_columns *c, uint32_t mmsi, double lat, double lon, int64_t from, int64_t to) {
  for (int64_t t = from; t < to; t += 300)
    tt_fix(c, mmsi, t, lat, lon);
}

/* The kinds of meeting: a moored vessel a and a vessel b 100 m from it, present (sending
 * fixes) only in the segments listed, in seconds from the meeting's time T. Grid times are
 * 10 minutes apart; b's positions exist only where its fixes are at most an hour apart, so
 * its close times are the grid times of the segments. */
typedef struct {
  const char *what;
  int64_t seg[2][2]; /* [from, to] of each segment, 0 0 = none */
  int encounter;     /* openmp must report it (checked: the fixture tests what it says) */
} kind;

static const kind KINDS[] = {
    {"two runs exactly merge_gap apart: one candidate of 6 h", {{0, 3600}, {5 * 3600, 6 * 3600}}, 1},
    {"two runs merge_gap + one grid time apart: two of 1 h", {{0, 3600}, {5 * 3600 + 600, 6 * 3600 + 600}}, 0},
    {"a run of exactly min_duration", {{0, 7200}, {0, 0}}, 1},
    {"a run one grid time short of min_duration", {{0, 6600}, {0, 0}}, 0},
    {"a run of 20 minutes", {{0, 1200}, {0, 0}}, 0},
    {"a run of 1 h then one of 40 min 3 h later: one candidate of 4 h 40", {{0, 3600}, {4 * 3600, 4 * 3600 + 2400}}, 1},
};
#define NKINDS (sizeof KINDS / sizeof KINDS[0])
#define REPEATS 12 /* each kind at 12 times over the four days: block heads, middles, tails */

static uint32_t mmsi_of(size_t k, int r, int who) {
  return 300000000u + (uint32_t)(k * 1000 + (size_t)r * 10 + (size_t)who);
}

static int64_t when(size_t k, int r) {
  /* 7 h 20 apart plus 50 min a kind: falls all over the day and across midnight */
  return T0 + 3600 + (int64_t)r * (7 * 3600 + 1200) + (int64_t)k * 3000;
}

/* Bridges over a block's end: a run of 1 h ending at E and one of 70 min starting exactly
 * merge_gap later (one candidate, an encounter), for E every 10 minutes from 19:00 to 21:00
 * before each midnight, so that for one of them E is exactly merge_gap before the first
 * grid time of the next block (wherever the reads cut the blocks): a later close time
 * joins it, so it must come back though it is short and finished within its block. */
static tc_columns *fix_cols;
static tc_params fix_params;
#define fix_params_merge_gap fix_params.merge_gap
#define BRIDGES 13
static uint32_t bridge_mmsi(int d, int j, int who) {
  return 400000000u + (uint32_t)(d * 1000 + j * 10 + who);
}
static int64_t bridge_end(int d, int j) { return T0 + (int64_t)d * DAY - 5 * 3600 + (int64_t)j * 600; }

static void fixture(tc_columns *c) {
  /* the pair moored side by side for the four days: one encounter */
  moored(c, 100000001, 43.1, 5.9, T0, T0 + DAYS * DAY);
  double la, lo;
  tt_offset(43.1, 5.9, 45.0, 100.0, &la, &lo);
  moored(c, 100000002, la, lo, T0, T0 + DAYS * DAY);
  for (size_t k = 0; k < NKINDS; k++)
    for (int r = 0; r < REPEATS; r++) {
      double lat = -50.0 + 7.0 * (double)k + 0.5 * r, lon = -170.0 + 2.7 * (double)(k * REPEATS + (size_t)r);
      if (k == 0 && r < 2)
        lon = 179.9995; /* b's 100 m east cross the antimeridian */
      int64_t T = when(k, r);
      moored(c, mmsi_of(k, r, 0), lat, lon, T0, T0 + DAYS * DAY);
      tt_offset(lat, lon, 90.0, 100.0, &la, &lo);
      for (int s = 0; s < 2; s++)
        if (KINDS[k].seg[s][1] > 0)
          moored(c, mmsi_of(k, r, 1), la, lo, T + KINDS[k].seg[s][0], T + KINDS[k].seg[s][1] + 1);
    }
  for (int d = 1; d < DAYS; d++)
    for (int j = 0; j < BRIDGES; j++) {
      double lat = 20.0 + 0.3 * j, lon = 100.0 + 5.0 * d;
      int64_t E = bridge_end(d, j), mg = fix_params_merge_gap;
      moored(c, bridge_mmsi(d, j, 0), lat, lon, T0, T0 + DAYS * DAY);
      tt_offset(lat, lon, 90.0, 100.0, &la, &lo);
      moored(c, bridge_mmsi(d, j, 1), la, lo, E - 3600, E + 1);
      moored(c, bridge_mmsi(d, j, 1), la, lo, E + mg, E + mg + 4200 + 1);
    }
}


static void setup(void) {
  tc_params_default(&fix_params);
  fix_cols = malloc(sizeof *fix_cols);
  tc_columns_init(fix_cols);
  fixture(fix_cols);
}

static void teardown(void) {
  tc_columns_free(fix_cols);
  free(fix_cols);
}

/* The list of backend `name` with the environment settings env ("K=V K=V", may be "") */
static tc_engine_stats run_with(const char *env, int64_t bucket, const char *name, int single,
                                tc_encounter_list *out) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", env);
  char *keys[8];
  int n = 0;
  for (char *tok = strtok(buf, " "); tok && n < 8; tok = strtok(NULL, " ")) {
    char *eq = strchr(tok, '=');
    cr_assert_not_null(eq);
    *eq = 0;
    setenv(tok, eq + 1, 1);
    keys[n++] = tok;
  }
  tc_params q = fix_params;
  q.single_precision = single;
  tc_encounter_list_init(out);
  tc_engine_stats st = tt_run(fix_cols, bucket, name, 2, &q, out);
  for (int i = 0; i < n; i++)
    unsetenv(keys[i]);
  return st;
}

static const tc_encounter *find(const tc_encounter_list *l, uint32_t a, uint32_t b) {
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].mmsi_a == a && l->v[i].mmsi_b == b)
      return &l->v[i];
  return NULL;
}

/* The fixture says what it means to: openmp's list holds exactly the meetings meant to be
 * encounters, and the moored pair as one encounter of the four days. */
static void check_reference(const tc_encounter_list *ref) {
  const tc_encounter *m = find(ref, 100000001, 100000002);
  cr_assert_not_null(m, "the moored pair is no encounter");
  cr_assert_geq(m->end - m->start, (DAYS - 1) * DAY, "the moored pair should be one encounter");
  for (size_t k = 0; k < NKINDS; k++)
    for (int r = 0; r < REPEATS; r++) {
      const tc_encounter *e = find(ref, mmsi_of(k, r, 0), mmsi_of(k, r, 1));
      cr_assert_eq(e != NULL, KINDS[k].encounter, "%s at %lld: openmp %s", KINDS[k].what,
                   (long long)when(k, r), e ? "reports it" : "does not");
    }
  for (int d = 1; d < DAYS; d++)
    for (int j = 0; j < BRIDGES; j++)
      cr_assert_not_null(find(ref, bridge_mmsi(d, j, 0), bridge_mmsi(d, j, 1)),
                         "the bridge ending at %lld should be an encounter", (long long)bridge_end(d, j));
}

static void same(const char *what, const tc_encounter_list *l, tc_engine_stats st,
                 const tc_encounter_list *ref, tc_engine_stats rs) {
  cr_assert_eq(l->n, ref->n, "%s: %zu encounters, openmp %zu", what, l->n, ref->n);
  for (size_t i = 0; i < l->n; i++)
    cr_assert(tt_same(&(tc_encounter_list){.v = (tc_encounter *)&l->v[i], .n = 1},
                      &(tc_encounter_list){.v = (tc_encounter *)&ref->v[i], .n = 1}),
              "%s: encounter %zu (%u, %u, %lld..%lld) differs from openmp's (%u, %u, %lld..%lld)",
              what, i, l->v[i].mmsi_a, l->v[i].mmsi_b, (long long)l->v[i].start,
              (long long)l->v[i].end, ref->v[i].mmsi_a, ref->v[i].mmsi_b,
              (long long)ref->v[i].start, (long long)ref->v[i].end);
  cr_expect_eq(st.close_pairs, rs.close_pairs, "%s: close pairs", what);
  cr_expect_eq(st.candidates, rs.candidates, "%s: candidates %llu, openmp %llu", what,
               (unsigned long long)st.candidates, (unsigned long long)rs.candidates);
}

TestSuite(opencl_runs, .init = setup, .fini = teardown, .timeout = 300);

/* Every way of linking, every bucket length: openmp's list. */
Test(opencl_runs, same_encounters_as_openmp) {
  op_need_opencl();
  const int64_t buckets[] = {3600, DAY, 7 * DAY};
  for (int bi = 0; bi < 3; bi++) {
    tc_encounter_list ref;
    tc_engine_stats rs = run_with("", buckets[bi], "openmp", 0, &ref);
    check_reference(&ref);
    struct {
      const char *env, *backend;
      int single;
    } cfg[] = {
        /* the cell search by grid time (tc_slot_cells, PoCL's default) and the chain */
        {"TRAJCORR_CL_SLOT_CELLS=1", "opencl", 0},
        {"TRAJCORR_CL_SLOT_CELLS=0", "opencl", 0},
        {"TRAJCORR_CL_SLOT_CELLS=1 TRAJCORR_CL_MAX_ALLOC=16384", "opencl", 0},
        {"TRAJCORR_CL_SLOT_CELLS=0 TRAJCORR_CL_MAX_ALLOC=16384", "opencl", 0},
        {"TRAJCORR_CL_DEVICE_RUNS=0", "opencl", 0},
        {"TRAJCORR_CL_DROP_RUNS=0", "opencl", 0},
        {"TRAJCORR_CL_RUNS_MAX=64 TRAJCORR_CL_MAX_ALLOC=16384", "opencl", 0},
        {"TRAJCORR_CL_BLOCK_POSITIONS=64", "opencl", 0}, /* blocks of 4 merge_gaps */
        {"TRAJCORR_CL_OVERLAP=0 TRAJCORR_CL_BLOCK_POSITIONS=64", "opencl", 0}, /* in line, not beside the host */
        {"TRAJCORR_CL_SLOT_CELLS=1", "opencl", 1},
        {"TRAJCORR_CL_SLOT_CELLS=0", "opencl", 1},
        {"", "opencl-allpairs", 0},
        {"TRAJCORR_CL_HOST_STAGE=1 TRAJCORR_CL_MAX_ALLOC=65536", "opencl", 1},
    };
    for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++) {
      if (buckets[bi] != DAY && c >= 9) /* precision and all pairs: day buckets */
        continue;
      tc_encounter_list l;
      tc_engine_stats st = run_with(cfg[c].env, buckets[bi], cfg[c].backend, cfg[c].single, &l);
      char what[200];
      snprintf(what, sizeof what, "%s%s [%s], buckets of %lld s", cfg[c].backend,
               cfg[c].single ? " single" : "", cfg[c].env, (long long)buckets[bi]);
      same(what, &l, st, &ref, rs);
      /* Small blocks: a slice's grid times are several blocks, block k+1 sought beside
       * block k's host stages unless forbidden (else the four days are one block). */
      if (buckets[bi] != 3600)
        cr_expect_eq(st.overlapped, strstr(cfg[c].env, "POSITIONS=64") && !strstr(cfg[c].env, "OVERLAP=0"),
                     "%s: overlapped %d", what, st.overlapped);
      tc_encounter_list_free(&l);
    }
    if (buckets[bi] == DAY) { /* single precision has its own reference */
      tc_encounter_list rsl, l;
      tc_engine_stats r1 = run_with("", DAY, "openmp", 1, &rsl);
      for (int sc = 0; sc < 2; sc++) {
        tc_engine_stats s1 = run_with(sc ? "TRAJCORR_CL_SLOT_CELLS=1 TRAJCORR_CL_MAX_ALLOC=16384"
                                         : "TRAJCORR_CL_SLOT_CELLS=0 TRAJCORR_CL_MAX_ALLOC=16384",
                                      DAY, "opencl", 1, &l);
        same(sc ? "opencl single by grid time, 16 KiB buffers, day buckets"
                : "opencl single, chain, 16 KiB buffers, day buckets",
             &l, s1, &rsl, r1);
        tc_encounter_list_free(&l);
      }
      tc_encounter_list_free(&rsl);
    }
    tc_encounter_list_free(&ref);
  }
}

/* What the device keeps back: with day buckets the table lets it drop the short runs at
 * each block's head, which it cannot without the table; how the blocks are cut into
 * sub-batches changes nothing while a block's pairs fit the accumulation; blocks asked
 * smaller than merge_gap still span four (else nothing could be dropped); and the host's
 * runs stage alone gets every close pair. */
Test(opencl_runs, table_and_sub_batches_drop_what_they_should) {
  op_need_opencl();
  tc_encounter_list l;
  tc_engine_stats with = run_with("", DAY, "opencl", 0, &l);
  tc_encounter_list_free(&l);
  tc_engine_stats without = run_with("TRAJCORR_CL_DEVICE_RUNS=0", DAY, "opencl", 0, &l);
  tc_encounter_list_free(&l);
  /* 64 KiB: sub-batches of about 9 grid times, a block's pairs still fit the accumulation */
  tc_engine_stats small = run_with("TRAJCORR_CL_MAX_ALLOC=65536", DAY, "opencl", 0, &l);
  tc_encounter_list_free(&l);
  tc_engine_stats host = run_with("TRAJCORR_CL_DROP_RUNS=0", DAY, "opencl", 0, &l);
  tc_encounter_list_free(&l);
  /* blocks of 64 positions would be 16 grid times, under merge_gap: nothing could be
     dropped; the backend asks for 4 merge_gaps a block */
  tc_engine_stats tiny = run_with("TRAJCORR_CL_BLOCK_POSITIONS=64", DAY, "opencl", 0, &l);
  tc_encounter_list_free(&l);
  cr_assert_gt(tiny.backend.dropped_runs, 5, "blocks of 64 positions: %llu runs dropped",
               (unsigned long long)tiny.backend.dropped_runs);
  cr_log_info("runs dropped on the device (pairs): table %llu (%llu), no table %llu (%llu), "
              "64 KiB buffers %llu (%llu), host runs stage %llu; close pairs %llu, candidates %llu",
              (unsigned long long)with.backend.dropped_runs, (unsigned long long)with.backend.dropped_pairs,
              (unsigned long long)without.backend.dropped_runs,
              (unsigned long long)without.backend.dropped_pairs,
              (unsigned long long)small.backend.dropped_runs, (unsigned long long)small.backend.dropped_pairs,
              (unsigned long long)host.backend.dropped_runs, (unsigned long long)with.close_pairs,
              (unsigned long long)with.candidates);
  cr_assert_gt(without.backend.dropped_runs, 5, "no table: %llu runs dropped",
               (unsigned long long)without.backend.dropped_runs);
  cr_assert_gt(with.backend.dropped_runs, without.backend.dropped_runs,
               "the table should drop the runs at the blocks' heads too: %llu vs %llu without",
               (unsigned long long)with.backend.dropped_runs,
               (unsigned long long)without.backend.dropped_runs);
  cr_assert_eq(small.backend.dropped_runs, with.backend.dropped_runs,
               "64 KiB buffers (many sub-batches a block): %llu runs dropped, %llu with one",
               (unsigned long long)small.backend.dropped_runs,
               (unsigned long long)with.backend.dropped_runs);
  cr_assert_eq(small.backend.dropped_pairs, with.backend.dropped_pairs);
  cr_assert_eq(host.backend.dropped_runs, 0);
  cr_assert_eq(host.backend.dropped_pairs, 0);
}


/* The start of a fresh run is no horizon: nothing before its first grid time exists, so the
 * short runs at its head are dropped as they would be a day later (the same fixture with a
 * moored pair from a day earlier drops as many runs). A run restored from a state holding
 * open candidates keeps one: the bridges' second runs, short and finished inside the first
 * block after the restore, continue restored runs and must come back; restored after every
 * day, the list is the uninterrupted openmp's and the counts those of openmp restored alike. */
Test(opencl_runs, fresh_runs_and_restored_runs) {
  op_need_opencl();
  tc_encounter_list l, ref;
  tc_engine_stats fresh = run_with("", DAY, "opencl", 0, &l);
  tc_encounter_list_free(&l);
  tc_columns early;
  tc_columns_init(&early);
  double la, lo;
  tt_offset(-10.0, 60.0, 45.0, 100.0, &la, &lo);
  moored(&early, 100000003, -10.0, 60.0, T0 - DAY, T0 + DAYS * DAY);
  moored(&early, 100000004, la, lo, T0 - DAY, T0 + DAYS * DAY);
  fixture(&early);
  tc_encounter_list_init(&l);
  tc_engine_stats later = tt_run(&early, DAY, "opencl", 2, &fix_params, &l);
  tc_encounter_list_free(&l);
  tc_columns_free(&early);
  cr_assert_eq(fresh.backend.dropped_runs, later.backend.dropped_runs,
               "runs dropped from the data's start: %llu, with a day before it: %llu",
               (unsigned long long)fresh.backend.dropped_runs, (unsigned long long)later.backend.dropped_runs);

  static tt_cuts k;
  tc_engine_hooks keep = {.ctx = &k, .after_slice = tt_cut_hook};
  tc_encounter_list_init(&ref);
  tt_run_hooked(fix_cols, DAY, 0, "openmp", 2, &fix_params, &keep, &ref);
  check_reference(&ref);
  cr_assert(k.slices >= DAYS - 1 && k.slices < TT_MAX_CUTS, "%llu slices", (unsigned long long)k.slices);
  for (uint64_t at = 1; at < k.slices; at++) {
    tc_engine_hooks r = {.ctx = &k.buf[at], .restore = tt_restore_hook};
    tc_encounter_list mp;
    tc_encounter_list_init(&mp);
    tc_engine_stats ms = tt_run_hooked(fix_cols, DAY, at, "openmp", 2, &fix_params, &r, &mp);
    cr_assert(tt_same(&mp, &ref), "openmp restored after day %llu", (unsigned long long)at);
    tc_encounter_list_init(&l);
    tc_engine_stats st = tt_run_hooked(fix_cols, DAY, at, "opencl", 2, &fix_params, &r, &l);
    char what[100];
    snprintf(what, sizeof what, "opencl restored after day %llu", (unsigned long long)at);
    same(what, &l, st, &mp, ms);
    tc_encounter_list_free(&l);
    tc_encounter_list_free(&mp);
  }
  tt_cuts_free(&k);
  tc_encounter_list_free(&ref);
}
