/* The OpenCL backends on whatever platform is installed (PoCL here): candidate lists
 * against brute force, the overflow paths, errors, device listing, the CLI.
 * Skipped only when no OpenCL platform exists. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host/backend.h"
#include "host/opencl/backend_opencl.h"
#include "host/opencl/cl_check.h"
#include "host/opencl/cl_device.h"
#include "host/opencl/cl_program.h"
#include "kernels/geo.h"
#include "support/lead_tracks.h"
#include "support/opencl_points.h"
#include "support/opencl_suite.h"

/* Runs one backend on blk and checks the list against brute force. */
static void run_check(const char *name, const tc_backend_config *cfg, const tc_grid_block *blk,
                      tc_pairbuf *out, tc_backend_stats *stats) {
  const tc_backend_ops *ops = tc_backend_find(name);
  void *st = op_create(name, cfg);
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
  op_need_opencl();
  tc_grid_block b = op_mixed_block(3000);
  tc_backend_config cfg = op_config(single);
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

/* The positions staged on the device (kernels/stage.cl, fp64 devices) and on the host
 * (cl_stage.c, devices without fp64; TRAJCORR_CL_HOST_STAGE=1 forces it) are the same
 * cells and offsets to the bit, so every list, plain and decided, double and single, is
 * the same; and the device's staging moves fewer bytes up. On a CPU device the unit
 * vectors are read in place (no bytes up for them); written as on a GPU
 * (TRAJCORR_CL_ZERO_COPY=0) the list is the same. */
Test(opencl, device_staging_equals_host_staging) {
  op_need_opencl();
  tc_grid_block b = op_mixed_block(2000);
  const char *names[] = {"opencl", "opencl-allpairs"};
  for (int k = 0; k < 2; k++)
    for (int mode = 0; mode < 4; mode++) {
      tc_backend_config cfg = op_config(mode & 1);
      cfg.decide = mode >> 1;
      const tc_backend_ops *ops = tc_backend_find(names[k]);
      tc_pairbuf out[3] = {{0}, {0}, {0}};
      uint64_t up[3];
      int dev_stage[3], zero_copy[3];
      for (int host = 0; host < 3; host++) { /* 2: staged on the device, vectors written */
        if (host == 1)
          setenv("TRAJCORR_CL_HOST_STAGE", "1", 1);
        if (host == 2)
          setenv("TRAJCORR_CL_ZERO_COPY", "0", 1);
        void *st = op_create(names[k], &cfg);
        unsetenv("TRAJCORR_CL_HOST_STAGE");
        unsetenv("TRAJCORR_CL_ZERO_COPY");
        tc_backend_stats stats = {0};
        tc_err err = {0};
        cr_assert_eq(ops->candidates(st, &b, &out[host], &stats, &err), TC_OK, "%s", err.msg);
        tc_opencl_info info;
        tc_opencl_get_info(st, &info);
        up[host] = info.bytes_up;
        dev_stage[host] = info.device_stage;
        zero_copy[host] = info.zero_copy;
        ops->destroy(st);
      }
      char what[96];
      snprintf(what, sizeof what, "%s %s%s: device vs host staging", names[k],
               mode & 1 ? "single" : "double", mode >> 1 ? ", decided" : "");
      cr_expect(!dev_stage[1], "%s: TRAJCORR_CL_HOST_STAGE=1 should stage on the host", what);
      cr_expect(!zero_copy[1] && !zero_copy[2], "%s: unit vectors read in place without device staging "
                "or with TRAJCORR_CL_ZERO_COPY=0", what);
      if (dev_stage[2]) /* 24 bytes a position against 16 + 32 (double) or 16 + 16 (single) */
        cr_expect_lt(up[2], mode & 1 ? up[1] * 4 / 5 : up[1] * 2 / 3, "%s: %llu vs %llu bytes up", what,
                     (unsigned long long)up[2], (unsigned long long)up[1]);
      /* in place, none of the unit vectors' 24 bytes a position go up */
      cr_expect_eq(up[0] + (zero_copy[0] ? 24 * (uint64_t)b.n : 0), up[2], "%s: %llu vs %llu bytes up", what,
                   (unsigned long long)up[0], (unsigned long long)up[2]);
      for (int h = 1; h < 3; h++)
        same_lists(&out[0], &out[h], what);
      for (int h = 0; h < 3; h++) /* the flags of a decided list too */
        for (size_t i = 0; i < out[h].n; i++)
          out[h].p[i] = out[h].p[i] ^ (out[h].q[i] & TC_PAIR_BAND);
      for (int h = 1; h < 3; h++)
        same_lists(&out[0], &out[h], what);
      for (int h = 0; h < 3; h++)
        tc_pairbuf_free(&out[h]);
    }
  tc_grid_block_free(&b);
}

/* The cell search by grid time (tc_slot_cells, a CPU device's default) against the chain
 * of keys, sort and tc_neigh (TRAJCORR_CL_SLOT_CELLS=0) and brute force: the mixed block
 * (antimeridian, poles, stacked, an empty grid time and a lone vessel), grid times of 2, 3
 * and 40 positions, and a grid time of pairs 0.9 to 1.1 dist apart, so most straddle a
 * cell's edge, some across 180 degrees;
 * plain and decided, double and single, with a pair buffer of 16 (the kernel reruns). The
 * lists, their band flags and the tests made are the same. */
Test(opencl, slot_cells_same_as_chain) {
  op_need_opencl();
  tc_grid_block b = op_mixed_block(1500);
  op_add_slot(&b, OP_STACKED, 2, 10); /* the smallest grid times the kernel sorts: its */
  op_add_slot(&b, OP_STACKED, 3, 11); /* scratch is 2 m keys, 2 m + 1 column starts */
  op_add_slot(&b, OP_CLUSTERS, 40, 12);
  size_t a = b.off[b.nslots], npair = 400;
  op_add_slot(&b, OP_STACKED, 2 * npair, 9);
  uint64_t r = 7;
  for (size_t i = 0; i < npair; i++) {
    r = r * 6364136223846793005ull + 1442695040888963407ull;
    double u = (double)(r >> 11) / 9007199254740992.0, lat = -70 + 140 * u;
    double lon = i % 8 == 0 ? 179.9999 - 0.0002 * u : -180 + 360 * u;
    double brg = fmod(360 * u * 977, 360), d = OP_DIST * (0.9 + 0.2 * fmod(u * 131, 1.0)), la, lo;
    tt_offset(lat, lon, brg, d, &la, &lo);
    b.lat[a + 2 * i] = lat;
    b.lon[a + 2 * i] = lon;
    b.lat[a + 2 * i + 1] = la;
    b.lon[a + 2 * i + 1] = lo > 180 ? lo - 360 : lo;
  }
  op_fill_unit(&b);
  const tc_backend_ops *ops = tc_backend_find("opencl");
  for (int mode = 0; mode < 8; mode++) {
    tc_backend_config cfg = op_config(mode & 1);
    cfg.decide = (mode >> 1) & 1;
    tc_pairbuf out[2] = {{0}, {0}};
    tc_backend_stats stats[2] = {{0}, {0}};
    tc_opencl_info info[2];
    for (int sc = 0; sc < 2; sc++) {
      setenv("TRAJCORR_CL_SLOT_CELLS", sc ? "1" : "0", 1);
      void *st = op_create("opencl", &cfg);
      unsetenv("TRAJCORR_CL_SLOT_CELLS");
      tc_err err = {0};
      if (mode >> 2)
        cr_assert_eq(tc_opencl_set_pair_capacity(st, 16, &err), TC_OK, "%s", err.msg);
      cr_assert_eq(ops->candidates(st, &b, &out[sc], &stats[sc], &err), TC_OK, "%s", err.msg);
      tc_opencl_get_info(st, &info[sc]);
      ops->destroy(st);
    }
    char what[96];
    snprintf(what, sizeof what, "%s%s%s: by grid time vs the chain", mode & 1 ? "single" : "double",
             (mode >> 1) & 1 ? ", decided" : "", mode >> 2 ? ", pair buffer of 16" : "");
    if (!info[1].device_stage) { /* no fp64: the chain on host staging only */
      cr_expect_eq(info[1].slot_batches, 0, "%s", what);
      tc_pairbuf_free(&out[0]);
      tc_pairbuf_free(&out[1]);
      continue;
    }
    cr_expect_eq(info[0].slot_batches, 0, "%s: TRAJCORR_CL_SLOT_CELLS=0 runs the chain", what);
    cr_expect_eq(info[1].slot_batches, info[1].batches, "%s: every sub-batch by grid time", what);
    if (mode >> 2)
      cr_expect_geq(info[1].retries, 1, "%s: the buffer of 16 should have overflowed", what);
    size_t close = 0;
    const char *bad = cfg.decide ? NULL : op_check(&b, &out[1], OP_DIST, mode & 1, &close);
    cr_assert_null(bad, "%s: %s", what, bad);
    cr_expect_eq(stats[1].tests, stats[0].tests, "%s: %llu vs %llu tests", what,
                 (unsigned long long)stats[1].tests, (unsigned long long)stats[0].tests);
    same_lists(&out[1], &out[0], what);
    for (int h = 0; h < 2; h++) /* the flags of a decided list too */
      for (size_t i = 0; i < out[h].n; i++)
        out[h].p[i] = out[h].p[i] ^ (out[h].q[i] & TC_PAIR_BAND);
    same_lists(&out[1], &out[0], what);
    for (int h = 0; h < 2; h++)
      tc_pairbuf_free(&out[h]);
  }
  tc_grid_block_free(&b);
}

/* A tiny pair buffer: the count overflows and the pair kernel reruns, same list. */
Test(opencl, overflow_retry) {
  op_need_opencl();
  tc_grid_block b = op_mixed_block(1000);
  const char *names[] = {"opencl", "opencl-allpairs"};
  for (int k = 0; k < 2; k++) {
    tc_backend_config cfg = op_config(k);
    const tc_backend_ops *ops = tc_backend_find(names[k]);
    void *st = op_create(names[k], &cfg);
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
    const char *bad = op_check(&b, &out, OP_DIST, k, &close);
    cr_assert_null(bad, "%s after retry: %s", names[k], bad);
    ops->destroy(st);
    tc_pairbuf_free(&out);
  }
  tc_grid_block_free(&b);
}

/* A small memory budget: many sub-batches (double-buffered), and pair lists that only
 * fit once a sub-batch is halved. */
Test(opencl, budget_sub_batches_and_splits) {
  op_need_opencl();
  tc_grid_block b;
  memset(&b, 0, sizeof b);
  b.slot = 600;
  for (int j = 0; j < 24; j++)
    op_add_slot(&b, j % 3 == 2 ? OP_STACKED : (op_kind)(j % 4), j % 3 == 2 ? 200 : 800,
                100 + (uint64_t)j);
  op_fill_unit(&b);
  const char *names[] = {"opencl", "opencl-allpairs"};
  for (int k = 0; k < 2; k++) {
    tc_backend_config cfg = op_config(0);
    cfg.device_memory = 1u << 20;
    const tc_backend_ops *ops = tc_backend_find(names[k]);
    void *st = op_create(names[k], &cfg);
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
    const char *bad = op_check(&b, &out, OP_DIST, 0, &close);
    cr_assert_null(bad, "%s with a 1 MiB budget: %s", names[k], bad);
    ops->destroy(st);
    tc_pairbuf_free(&out);
  }
  tc_grid_block_free(&b);
}

/* One grid time whose pairs cannot fit the budget: a named error, not a short list. */
Test(opencl, overflow_beyond_budget_is_an_error) {
  op_need_opencl();
  tc_grid_block b;
  memset(&b, 0, sizeof b);
  b.s0 = 1700000000;
  b.slot = 600;
  op_add_slot(&b, OP_STACKED, 2000, 9);
  op_fill_unit(&b);
  tc_backend_config cfg = op_config(0);
  cfg.device_memory = 1u << 20;
  const tc_backend_ops *ops = tc_backend_find("opencl");
  void *st = op_create("opencl", &cfg);
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
  op_need_opencl();
  tc_grid_block b = op_mixed_block(1500);
  tc_backend_config cfg = op_config(0);
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
  op_need_opencl();
  tc_grid_block b = op_mixed_block(500);
  tc_backend_config cfg = op_config(0);
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
  op_need_opencl();
  const tc_backend_ops *ops = tc_backend_find("opencl");
  void *st = NULL;
  tc_err err = {0};
  tc_backend_config cfg = op_config(0);
  cfg.device = 999;
  cr_expect_eq(ops->create(&cfg, &st, &err), TC_ERR_NOT_FOUND);
  cr_expect(strstr(err.msg, "999") != NULL, "%s", err.msg);
  cfg = op_config(0);
  cfg.dist_m = -1;
  cr_expect_eq(ops->create(&cfg, &st, &err), TC_ERR_ARG);
  cfg = op_config(0);
  cfg.device_memory = 100;
  cr_expect_eq(ops->create(&cfg, &st, &err), TC_ERR_ARG);
  cr_expect(strstr(err.msg, "budget") != NULL, "%s", err.msg);
}

/* ---- errors, build, devices ------------------------------------------------- */

static tc_status failing_call(tc_err *err) {
  tc_status st = TC_OK;
  TC_CL_TRY(err, clGetPlatformInfo(NULL, (cl_platform_info)0x7777, 0, NULL, NULL));
cleanup:
  return st;
}

Test(opencl, errors_are_named) {
  cr_expect_str_eq(tc_cl_errname(CL_OUT_OF_RESOURCES), "CL_OUT_OF_RESOURCES");
  cr_expect_str_eq(tc_cl_errname(CL_INVALID_KERNEL_ARGS), "CL_INVALID_KERNEL_ARGS");
  cr_expect_str_eq(tc_cl_errname(-1001), "CL_PLATFORM_NOT_FOUND_KHR");
  cr_expect_str_eq(tc_cl_errname(-12345), "CL_UNKNOWN_ERROR");
  tc_err err = {0};
  cr_assert_eq(tc_cl_fail(&err, CL_OUT_OF_RESOURCES, "clEnqueueNDRangeKernel(q, k, 1)", "a/b.c", 7),
               TC_ERR_OPENCL);
  cr_expect_str_eq(err.msg, "clEnqueueNDRangeKernel: CL_OUT_OF_RESOURCES (-5) [b.c:7]");
  op_need_opencl();
  cr_assert_eq(failing_call(&err), TC_ERR_OPENCL);
  cr_expect(strstr(err.msg, "clGetPlatformInfo: CL_INVALID_") != NULL, "%s", err.msg);
}

static void copy_kernels(const char *dir, const char *broken) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && cp %s/kernels/*.cl %s/kernels/*.h '%s'/",
           dir, dir, TC_SOURCE_DIR, TC_SOURCE_DIR, dir);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  if (broken) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, broken);
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f);
    fputs("\n__kernel void tc_broken(void) { this is not C; }\n", f);
    fclose(f);
  }
}

static const char *tmpdir(void) {
  const char *t = getenv("TC_TEST_TMP");
  static char buf[512];
  snprintf(buf, sizeof buf, "%s/opencl", t && *t ? t : "/tmp/trajcorr-test");
  char cmd[600];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", buf);
  cr_assert_eq(system(cmd), 0);
  return buf;
}

/* TRAJCORR_KERNEL_DIR: a good copy builds and runs; a broken one names the file, the
 * options and the compiler's complaint; a missing file names its path. */
Test(opencl, kernel_dir_and_build_log) {
  op_need_opencl();
  char good[600], bad[600];
  snprintf(good, sizeof good, "%s/kernels-good", tmpdir());
  snprintf(bad, sizeof bad, "%s/kernels-bad", tmpdir());
  copy_kernels(good, NULL);
  copy_kernels(bad, "scan.cl");
  tc_backend_config cfg = op_config(0);
  const tc_backend_ops *ops = tc_backend_find("opencl");
  void *st = NULL;
  tc_err err = {0};

  setenv("TRAJCORR_KERNEL_DIR", good, 1);
  tc_grid_block b = op_mixed_block(300);
  tc_pairbuf out = {0};
  tc_backend_stats stats = {0};
  run_check("opencl", &cfg, &b, &out, &stats);

  setenv("TRAJCORR_KERNEL_DIR", bad, 1);
  cr_assert_eq(ops->create(&cfg, &st, &err), TC_ERR_OPENCL);
  cr_expect(strstr(err.msg, "clBuildProgram") && strstr(err.msg, "-cl-std=CL1.2") &&
                strstr(err.msg, "scan.cl") && strstr(err.msg, "build log"),
            "%s", err.msg);

  char missing[700];
  snprintf(missing, sizeof missing, "%s/scan.cl", bad);
  cr_assert_eq(remove(missing), 0);
  cr_assert_eq(ops->create(&cfg, &st, &err), TC_ERR_IO);
  cr_expect(strstr(err.msg, missing) != NULL, "%s", err.msg);
  unsetenv("TRAJCORR_KERNEL_DIR");
  tc_pairbuf_free(&out);
  tc_grid_block_free(&b);
}

/* Devices without fp64 get a program with no double in it (geo.h left out). */
Test(opencl, builds_without_fp64) {
  op_need_opencl();
  tc_cl_device_info d;
  tc_err err = {0};
  cr_assert_eq(tc_cl_device_select(-1, -1, TC_CL_TYPE_ANY, &d, &err), TC_OK, "%s", err.msg);
  char *src = NULL;
  size_t len = 0;
  cr_assert_eq(tc_cl_program_source(0, &src, &len, &err), TC_OK, "%s", err.msg);
  cr_expect_null(strstr(src, "tc_haversine_m"), "geo.h (doubles) must be left out");
  cr_expect_null(strstr(src, "tc_grid"), "grid.cl (doubles) must be left out");
  free(src);
  cl_program p = NULL;
  tc_cl_program_info info;
  cr_assert_eq(tc_cl_program_get(d.device_id, 1, 0, &p, &info, &err), TC_OK, "%s", err.msg);
  cr_expect_geq(info.seconds, 0.0);
  clReleaseProgram(p);
  tc_cl_cache_clear();
}

Test(opencl, device_listing_and_selection) {
  op_need_opencl();
  tc_cl_device_info *v = NULL, d;
  size_t n = 0;
  tc_err err = {0};
  cr_assert_eq(tc_cl_devices_list(&v, &n, &err), TC_OK, "%s", err.msg);
  cr_assert_geq(n, 1);
  int gpus = 0, cpus = 0;
  for (size_t i = 0; i < n; i++) {
    cr_expect_eq(v[i].index, (int)i);
    cr_expect_neq(v[i].name[0], '\0');
    cr_expect_geq(v[i].compute_units, 1);
    cr_expect_gt(v[i].global_mem, 0);
    cr_expect_gt(v[i].local_mem, 0);
    gpus += !strcmp(v[i].type, "gpu");
    cpus += !strcmp(v[i].type, "cpu");
  }
  cr_assert_eq(tc_cl_device_select(v[0].platform, v[0].device, TC_CL_TYPE_ANY, &d, &err), TC_OK);
  cr_expect_str_eq(d.name, v[0].name);
  cr_expect_eq(tc_cl_device_select(-1, -1, TC_CL_TYPE_GPU, &d, &err),
               gpus ? TC_OK : TC_ERR_NOT_FOUND, "%s", err.msg);
  cr_expect_eq(tc_cl_device_select(-1, -1, TC_CL_TYPE_CPU, &d, &err),
               cpus ? TC_OK : TC_ERR_NOT_FOUND, "%s", err.msg);
  cr_expect_eq(tc_cl_device_select(99, -1, TC_CL_TYPE_ANY, &d, &err), TC_ERR_NOT_FOUND);
  int t = -1;
  cr_expect_eq(tc_cl_device_type_parse("gpu", &t, &err), TC_OK);
  cr_expect_eq(t, TC_CL_TYPE_GPU);
  cr_expect_eq(tc_cl_device_type_parse("fpga", &t, &err), TC_ERR_ARG);
  free(v);
}


Test(opencl, cli_devices) {
  op_need_opencl();
  static char out[1 << 16];
  cr_assert_eq(op_run_cli(TC_BINARY " devices --json", out, sizeof out), 0, "%s", out);
  cr_expect(strstr(out, "\"devices\": [") && strstr(out, "\"compute_units\"") &&
                strstr(out, "\"default\": true"),
            "%s", out);
  cr_assert_eq(op_run_cli(TC_BINARY " devices", out, sizeof out), 0, "%s", out);
  cr_expect(strstr(out, "--platform 0 --device 0") && strstr(out, "fp64"), "%s", out);
  cr_assert_eq(op_run_cli("OCL_ICD_VENDORS=/nonexistent " TC_BINARY " devices --json 2>&1", out,
                       sizeof out),
               1, "%s", out);
  cr_expect(strstr(out, "no OpenCL platform") != NULL, "%s", out);
  cr_assert_eq(op_run_cli(TC_BINARY " devices --bogus 2>&1", out, sizeof out), 2, "%s", out);
}
