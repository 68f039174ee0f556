/* The OpenCL backends on whatever platform is installed (PoCL here): candidate lists
 * against brute force, the overflow paths, errors, device listing, the CLI.
 * Skipped only when no OpenCL platform exists. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "host/backend.h"
#include "host/opencl/backend_opencl.h"
#include "host/opencl/cl_check.h"
#include "host/opencl/cl_device.h"
#include "host/opencl/cl_program.h"
#include "support/opencl_points.h"

#define DIST 500.0

static void need_opencl(void) {
  tc_cl_device_info *list = NULL;
  size_t n = 0;
  tc_err err = {0};
  tc_status s = tc_cl_devices_list(&list, &n, &err);
  free(list);
  if (s == TC_ERR_UNSUPPORTED)
    cr_skip_test("no OpenCL platform: %s", err.msg);
  cr_assert_eq(s, TC_OK, "listing OpenCL devices: %s", err.msg);
}

static tc_backend_config config(int single) {
  tc_backend_config c;
  memset(&c, 0, sizeof c);
  c.dist_m = DIST;
  c.single_precision = single;
  c.platform = c.device = -1;
  return c;
}

static void *create(const char *name, const tc_backend_config *cfg) {
  const tc_backend_ops *ops = tc_backend_find(name);
  cr_assert_not_null(ops, "backend %s is not registered", name);
  void *st = NULL;
  tc_err err = {0};
  tc_status s = ops->create(cfg, &st, &err);
  cr_assert_eq(s, TC_OK, "%s create: %s", name, err.msg);
  return st;
}

/* Runs one backend on blk and checks the list against brute force. */
static void run_check(const char *name, const tc_backend_config *cfg, const tc_grid_block *blk,
                      tc_pairbuf *out, tc_backend_stats *stats) {
  const tc_backend_ops *ops = tc_backend_find(name);
  void *st = create(name, cfg);
  tc_err err = {0};
  tc_status s = ops->candidates(st, blk, out, stats, &err);
  cr_assert_eq(s, TC_OK, "%s candidates: %s", name, err.msg);
  const char *expect = cfg->single_precision ? "single+exact recheck" : "double";
  cr_expect_str_eq(ops->precision(st), expect);
  ops->destroy(st);
  size_t close = 0;
  const char *bad = op_check(blk, out, cfg->dist_m, cfg->single_precision, &close);
  cr_assert_null(bad, "%s (%s): %s", name, ops->precision ? expect : "", bad);
  cr_assert_gt(close, 0, "the fixture should hold close pairs");
  cr_expect_eq(stats->candidates, out->n);
}

static tc_grid_block mixed_block(size_t per) {
  tc_grid_block b;
  memset(&b, 0, sizeof b);
  b.s0 = 1500000000;
  b.slot = 600;
  op_add_slot(&b, OP_BOX, per, 1);
  op_add_slot(&b, OP_CLUSTERS, per, 2);
  op_add_slot(&b, OP_STACKED, 0, 3); /* an empty grid time */
  op_add_slot(&b, OP_ANTIMERIDIAN, per, 4);
  op_add_slot(&b, OP_STACKED, 1, 5); /* a lone vessel */
  op_add_slot(&b, OP_POLES, per, 6);
  op_add_slot(&b, OP_STACKED, per / 8, 7);
  return b;
}

static void same_lists(const tc_pairbuf *a, const tc_pairbuf *b, const char *what) {
  size_t na, nb;
  uint64_t *ka = op_sorted_keys(a, &na), *kb = op_sorted_keys(b, &nb);
  cr_assert_eq(na, nb, "%s: %zu vs %zu candidates", what, na, nb);
  cr_assert_eq(memcmp(ka, kb, na * sizeof *ka), 0, "%s: different candidate lists", what);
  free(ka);
  free(kb);
}

/* Cell search and all pairs, double and single: both right, and the same list (they
 * screen the same numbers with the same arithmetic). */
static void both_backends(int single) {
  need_opencl();
  tc_grid_block b = mixed_block(3000);
  tc_backend_config cfg = config(single);
  tc_pairbuf c = {0}, a = {0};
  tc_backend_stats sc = {0}, sa = {0};
  run_check("opencl", &cfg, &b, &c, &sc);
  run_check("opencl-allpairs", &cfg, &b, &a, &sa);
  same_lists(&c, &a, single ? "single" : "double");
  cr_expect_lt(sc.tests, sa.tests / 20, "the cell search should test far fewer pairs (%llu vs %llu)",
               (unsigned long long)sc.tests, (unsigned long long)sa.tests);
  tc_pairbuf_free(&c);
  tc_pairbuf_free(&a);
  tc_grid_block_free(&b);
}

Test(opencl, double_both_backends) { both_backends(0); }
Test(opencl, single_both_backends) { both_backends(1); }

/* A tiny pair buffer: the count overflows and the pair kernel reruns, same list. */
Test(opencl, overflow_retry) {
  need_opencl();
  tc_grid_block b = mixed_block(1000);
  const char *names[] = {"opencl", "opencl-allpairs"};
  for (int k = 0; k < 2; k++) {
    tc_backend_config cfg = config(k);
    const tc_backend_ops *ops = tc_backend_find(names[k]);
    void *st = create(names[k], &cfg);
    tc_err err = {0};
    cr_assert_eq(tc_opencl_set_pair_capacity(st, 16, &err), TC_OK, "%s", err.msg);
    tc_pairbuf out = {0};
    tc_backend_stats stats = {0};
    cr_assert_eq(ops->candidates(st, &b, &out, &stats, &err), TC_OK, "%s", err.msg);
    tc_opencl_info info;
    tc_opencl_get_info(st, &info);
    cr_expect_geq(info.retries, 1, "%s: the pair buffer of 16 should have overflowed", names[k]);
    cr_expect_gt(info.pair_capacity, 16);
    size_t close;
    const char *bad = op_check(&b, &out, DIST, k, &close);
    cr_assert_null(bad, "%s after retry: %s", names[k], bad);
    ops->destroy(st);
    tc_pairbuf_free(&out);
  }
  tc_grid_block_free(&b);
}

/* A small memory budget: many sub-batches (double-buffered), and pair lists that only
 * fit once a sub-batch is halved. */
Test(opencl, budget_sub_batches_and_splits) {
  need_opencl();
  tc_grid_block b;
  memset(&b, 0, sizeof b);
  b.slot = 600;
  for (int j = 0; j < 24; j++)
    op_add_slot(&b, j % 3 == 2 ? OP_STACKED : (op_kind)(j % 4), j % 3 == 2 ? 200 : 800,
                100 + (uint64_t)j);
  const char *names[] = {"opencl", "opencl-allpairs"};
  for (int k = 0; k < 2; k++) {
    tc_backend_config cfg = config(0);
    cfg.device_memory = 1u << 20;
    const tc_backend_ops *ops = tc_backend_find(names[k]);
    void *st = create(names[k], &cfg);
    tc_pairbuf out = {0};
    tc_backend_stats stats = {0};
    tc_err err = {0};
    cr_assert_eq(ops->candidates(st, &b, &out, &stats, &err), TC_OK, "%s", err.msg);
    tc_opencl_info info;
    tc_opencl_get_info(st, &info);
    cr_expect_geq(info.batches, 4, "%s: %llu sub-batches", names[k],
                  (unsigned long long)info.batches);
    cr_expect_geq(info.retries + info.splits, 1, "%s: the stacked grid times should overflow",
                  names[k]);
    size_t close;
    const char *bad = op_check(&b, &out, DIST, 0, &close);
    cr_assert_null(bad, "%s with a 1 MiB budget: %s", names[k], bad);
    ops->destroy(st);
    tc_pairbuf_free(&out);
  }
  tc_grid_block_free(&b);
}

/* One grid time whose pairs cannot fit the budget: a named error, not a short list. */
Test(opencl, overflow_beyond_budget_is_an_error) {
  need_opencl();
  tc_grid_block b;
  memset(&b, 0, sizeof b);
  b.s0 = 1700000000;
  b.slot = 600;
  op_add_slot(&b, OP_STACKED, 2000, 9);
  tc_backend_config cfg = config(0);
  cfg.device_memory = 1u << 20;
  const tc_backend_ops *ops = tc_backend_find("opencl");
  void *st = create("opencl", &cfg);
  tc_pairbuf out = {0};
  tc_err err = {0};
  cr_assert_eq(ops->candidates(st, &b, &out, NULL, &err), TC_ERR_OVERFLOW);
  cr_expect(strstr(err.msg, "grid time 1700000000") && strstr(err.msg, "device memory"), "%s",
            err.msg);
  ops->destroy(st);
  tc_pairbuf_free(&out);
  tc_grid_block_free(&b);
}

/* The OpenMP cell search finds the same close pairs. */
Test(opencl, agrees_with_openmp) {
  need_opencl();
  tc_grid_block b = mixed_block(1500);
  op_fill_unit(&b);
  tc_backend_config cfg = config(0);
  tc_pairbuf o = {0}, c = {0};
  tc_backend_stats so = {0}, sc = {0};
  run_check("openmp", &cfg, &b, &o, &so);
  run_check("opencl", &cfg, &b, &c, &sc);
  cr_expect_eq(so.candidates, sc.candidates, "openmp %llu vs opencl %llu candidates",
               (unsigned long long)so.candidates, (unsigned long long)sc.candidates);
  tc_pairbuf_free(&o);
  tc_pairbuf_free(&c);
  tc_grid_block_free(&b);
}

Test(opencl, profile_fills_times) {
  need_opencl();
  tc_grid_block b = mixed_block(500);
  tc_backend_config cfg = config(0);
  cfg.profile = 1;
  tc_pairbuf out = {0};
  tc_backend_stats stats = {0};
  run_check("opencl", &cfg, &b, &out, &stats);
  cr_expect_gt(stats.t_cand, 0.0);
  cr_expect_gt(stats.t_transfer, 0.0);
  cr_expect_gt(stats.tests, 0);
  tc_pairbuf_free(&out);
  tc_grid_block_free(&b);
}

Test(opencl, bad_config_is_named) {
  need_opencl();
  const tc_backend_ops *ops = tc_backend_find("opencl");
  void *st = NULL;
  tc_err err = {0};
  tc_backend_config cfg = config(0);
  cfg.device = 999;
  cr_expect_eq(ops->create(&cfg, &st, &err), TC_ERR_NOT_FOUND);
  cr_expect(strstr(err.msg, "999") != NULL, "%s", err.msg);
  cfg = config(0);
  cfg.dist_m = -1;
  cr_expect_eq(ops->create(&cfg, &st, &err), TC_ERR_ARG);
  cfg = config(0);
  cfg.device_memory = 100;
  cr_expect_eq(ops->create(&cfg, &st, &err), TC_ERR_ARG);
  cr_expect(strstr(err.msg, "budget") != NULL, "%s", err.msg);
}
