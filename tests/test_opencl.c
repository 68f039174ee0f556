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
#include "host/engine/engine.h"
#include "host/opencl/backend_opencl.h"
#include "host/opencl/cl_check.h"
#include "host/opencl/cl_device.h"
#include "host/opencl/cl_program.h"
#include "io/reader.h"
#include "kernels/geo.h"
#include "support/lead_run.h"
#include "support/lead_tracks.h"
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
  op_fill_unit(&b);
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

/* The positions staged on the device (kernels/stage.cl, fp64 devices) and on the host
 * (cl_stage.c, devices without fp64; TRAJCORR_CL_HOST_STAGE=1 forces it) are the same
 * cells and offsets to the bit, so every list, plain and decided, double and single, is
 * the same; and the device's staging moves fewer bytes up. */
Test(opencl, device_staging_equals_host_staging) {
  need_opencl();
  tc_grid_block b = mixed_block(2000);
  const char *names[] = {"opencl", "opencl-allpairs"};
  for (int k = 0; k < 2; k++)
    for (int mode = 0; mode < 4; mode++) {
      tc_backend_config cfg = config(mode & 1);
      cfg.decide = mode >> 1;
      const tc_backend_ops *ops = tc_backend_find(names[k]);
      tc_pairbuf out[2] = {{0}, {0}};
      uint64_t up[2];
      int dev_stage[2];
      for (int host = 0; host < 2; host++) {
        if (host)
          setenv("TRAJCORR_CL_HOST_STAGE", "1", 1);
        void *st = create(names[k], &cfg);
        unsetenv("TRAJCORR_CL_HOST_STAGE");
        tc_backend_stats stats = {0};
        tc_err err = {0};
        cr_assert_eq(ops->candidates(st, &b, &out[host], &stats, &err), TC_OK, "%s", err.msg);
        tc_opencl_info info;
        tc_opencl_get_info(st, &info);
        up[host] = info.bytes_up;
        dev_stage[host] = info.device_stage;
        ops->destroy(st);
      }
      char what[96];
      snprintf(what, sizeof what, "%s %s%s: device vs host staging", names[k],
               mode & 1 ? "single" : "double", mode >> 1 ? ", decided" : "");
      cr_expect(!dev_stage[1], "%s: TRAJCORR_CL_HOST_STAGE=1 should stage on the host", what);
      if (dev_stage[0]) /* 24 bytes a position against 16 + 32 (double) or 16 + 16 (single) */
        cr_expect_lt(up[0], mode & 1 ? up[1] * 4 / 5 : up[1] * 2 / 3, "%s: %llu vs %llu bytes up", what,
                     (unsigned long long)up[0], (unsigned long long)up[1]);
      same_lists(&out[0], &out[1], what);
      for (int h = 0; h < 2; h++) /* the flags of a decided list too */
        for (size_t i = 0; i < out[h].n; i++)
          out[h].p[i] = out[h].p[i] ^ (out[h].q[i] & TC_PAIR_BAND);
      same_lists(&out[0], &out[1], what);
      tc_pairbuf_free(&out[0]);
      tc_pairbuf_free(&out[1]);
    }
  tc_grid_block_free(&b);
}

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
  op_fill_unit(&b);
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
  op_fill_unit(&b);
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
  need_opencl();
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
  need_opencl();
  char good[600], bad[600];
  snprintf(good, sizeof good, "%s/kernels-good", tmpdir());
  snprintf(bad, sizeof bad, "%s/kernels-bad", tmpdir());
  copy_kernels(good, NULL);
  copy_kernels(bad, "scan.cl");
  tc_backend_config cfg = config(0);
  const tc_backend_ops *ops = tc_backend_find("opencl");
  void *st = NULL;
  tc_err err = {0};

  setenv("TRAJCORR_KERNEL_DIR", good, 1);
  tc_grid_block b = mixed_block(300);
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
  need_opencl();
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
  need_opencl();
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

static int run_cli(const char *cmd, char *out, size_t cap) {
  FILE *f = popen(cmd, "r");
  cr_assert_not_null(f, "%s", cmd);
  size_t n = fread(out, 1, cap - 1, f);
  out[n] = '\0';
  int rc = pclose(f);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

Test(opencl, cli_devices) {
  need_opencl();
  static char out[1 << 16];
  cr_assert_eq(run_cli(TC_BINARY " devices --json", out, sizeof out), 0, "%s", out);
  cr_expect(strstr(out, "\"devices\": [") && strstr(out, "\"compute_units\"") &&
                strstr(out, "\"default\": true"),
            "%s", out);
  cr_assert_eq(run_cli(TC_BINARY " devices", out, sizeof out), 0, "%s", out);
  cr_expect(strstr(out, "--platform 0 --device 0") && strstr(out, "fp64"), "%s", out);
  cr_assert_eq(run_cli("OCL_ICD_VENDORS=/nonexistent " TC_BINARY " devices --json 2>&1", out,
                       sizeof out),
               1, "%s", out);
  cr_expect(strstr(out, "no OpenCL platform") != NULL, "%s", out);
  cr_assert_eq(run_cli(TC_BINARY " devices --bogus 2>&1", out, sizeof out), 2, "%s", out);
}

/* ---- end to end: the engine's encounter lists ------------------------------- */

#define DAY 86400

/* Every OpenCL backend and precision gives the openmp list, bit for bit. */
static void same_as_openmp(const tc_columns *c, size_t min_encounters, const char *what) {
  tc_params p;
  tc_params_default(&p);
  tc_encounter_list ref;
  tc_encounter_list_init(&ref);
  tt_run(c, DAY, "openmp", 2, &p, &ref);
  cr_assert_geq(ref.n, min_encounters, "%s: %zu encounters", what, ref.n);
  const char *names[] = {"opencl", "opencl-allpairs"};
  for (int k = 0; k < 2; k++)
    for (int single = 0; single < 2; single++) {
      tc_params q = p;
      q.single_precision = single;
      tc_encounter_list l;
      tc_encounter_list_init(&l);
      tt_run(c, DAY, names[k], 2, &q, &l);
      cr_assert(tt_same(&l, &ref), "%s, %s %s: %zu vs %zu openmp encounters", what, names[k],
                single ? "single" : "double", l.n, ref.n);
      tc_encounter_list_free(&l);
    }
  tc_encounter_list_free(&ref);
}

Test(opencl, engine_synthetic_same_as_openmp, .timeout = 120) {
  need_opencl();
  tc_columns c;
  tc_columns_init(&c);
  tt_synthetic(&c, 42, 150, 30);
  same_as_openmp(&c, 20, "synthetic traffic");
  tc_columns_free(&c);
}

/* Real tracks (read in place: no licence to copy them). */
Test(opencl, engine_real_tracks_same_as_openmp, .timeout = 120) {
  need_opencl();
  const char *files[] = {"gibraltar_2016_06_01.csv.gz", "auckland_2017_09.csv.gz"};
  for (int f = 0; f < 2; f++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/real-tracks/%s", TC_SHARED_DATA, files[f]);
    struct stat sb;
    if (stat(path, &sb) != 0)
      cr_skip_test("%s absent", path);
    tc_reader_opts o = {NULL, 0, INT64_MIN};
    tc_reader *r = NULL;
    tc_err err = {0};
    cr_assert_eq(tc_reader_open(path, &o, &r, &err), TC_OK, "%s", err.msg);
    tc_columns c;
    tc_columns_init(&c);
    for (;;) {
      tc_record rec;
      int eof = 0;
      cr_assert_eq(tc_reader_next(r, &rec, &eof, &err), TC_OK, "%s", err.msg);
      if (eof)
        break;
      if (rec.kind == TC_REC_POSITION)
        cr_assert_eq(tc_columns_push(&c, &rec.fix), TC_OK);
    }
    tc_reader_close(r);
    same_as_openmp(&c, 10, files[f]);
    tc_columns_free(&c);
  }
}

/* A device whose largest buffer is tiny (TRAJCORR_CL_MAX_ALLOC): every block is cut
 * into sub-batches that fit it, and the list is still openmp's, bit for bit. 16 KiB is
 * 512 positions a sub-batch: fewer than any 6-hour block of Gibraltar holds, more than
 * its busiest grid time (273). */
Test(opencl, tiny_max_alloc_splits_every_block, .timeout = 180) {
  need_opencl();
  char path[1024];
  snprintf(path, sizeof path, "%s/real-tracks/gibraltar_2016_06_01.csv.gz", TC_SHARED_DATA);
  struct stat sb;
  if (stat(path, &sb) != 0)
    cr_skip_test("%s absent", path);
  tc_reader_opts o = {NULL, 0, INT64_MIN};
  tc_reader *r = NULL;
  tc_err err = {0};
  cr_assert_eq(tc_reader_open(path, &o, &r, &err), TC_OK, "%s", err.msg);
  tc_columns c;
  tc_columns_init(&c);
  for (;;) {
    tc_record rec;
    int eof = 0;
    cr_assert_eq(tc_reader_next(r, &rec, &eof, &err), TC_OK, "%s", err.msg);
    if (eof)
      break;
    if (rec.kind == TC_REC_POSITION)
      cr_assert_eq(tc_columns_push(&c, &rec.fix), TC_OK);
  }
  tc_reader_close(r);
  tc_params p;
  tc_params_default(&p);
  tc_encounter_list ref;
  tc_encounter_list_init(&ref);
  tt_run(&c, 6 * 3600, "openmp", 2, &p, &ref);
  cr_assert_geq(ref.n, 10, "%zu encounters", ref.n);
  const char *names[] = {"opencl", "opencl-allpairs"};
  for (int k = 0; k < 2; k++)
    for (int single = 0; single < 2; single++) {
      tc_params q = p;
      q.single_precision = single;
      tc_encounter_list l;
      tc_encounter_list_init(&l);
      setenv("TRAJCORR_CL_MAX_ALLOC", "16384", 1);
      tc_engine_stats st = tt_run(&c, 6 * 3600, names[k], 2, &q, &l);
      unsetenv("TRAJCORR_CL_MAX_ALLOC");
      const char *what = single ? "single" : "double";
      cr_assert(st.has_device, "%s: the profile op reports", names[k]);
      cr_expect(st.device.max_alloc_forced && st.device.max_alloc == 16384, "%s %s: max alloc %llu",
                names[k], what, (unsigned long long)st.device.max_alloc);
      cr_expect_gt(st.device.blocks, 1);
      cr_expect_eq(st.device.split_blocks, st.device.blocks, "%s %s: %llu of %llu blocks split",
                   names[k], what, (unsigned long long)st.device.split_blocks,
                   (unsigned long long)st.device.blocks);
      cr_expect_gt(st.device.batches, 2 * st.device.blocks);
      cr_assert(tt_same(&l, &ref), "%s %s, 16 KiB buffers: %zu vs %zu openmp encounters", names[k],
                what, l.n, ref.n);
      tc_encounter_list_free(&l);
    }
  tc_encounter_list_free(&ref);
  tc_columns_free(&c);
}

Test(opencl, bad_max_alloc_knob_is_named) {
  need_opencl();
  tc_backend_config cfg = config(0);
  const tc_backend_ops *ops = tc_backend_find("opencl");
  void *st = NULL;
  tc_err err = {0};
  setenv("TRAJCORR_CL_MAX_ALLOC", "12kb", 1);
  tc_status s = ops->create(&cfg, &st, &err);
  unsetenv("TRAJCORR_CL_MAX_ALLOC");
  cr_expect_eq(s, TC_ERR_ARG, "%s", err.msg);
  cr_expect(strstr(err.msg, "TRAJCORR_CL_MAX_ALLOC='12kb'") != NULL, "%s", err.msg);
  if (s == TC_OK)
    ops->destroy(st);
}

/* ---- the device's exact decision (tc_backend_config.decide) ------------------- */

/* One grid time of far-apart pairs on the equator at dist_m * (1 + e): a pair at exactly
 * dist, pairs a hair either side of it (inside the band neither chord can decide) and
 * clearly inside and outside. */
static void add_threshold_slot(tc_grid_block *b, double dist_m) {
  static const double e[] = {-1e-2, -1e-3, -1e-7, -1e-10, 0, 1e-10, 1e-7, 1e-3};
  size_t n = sizeof e / sizeof e[0];
  op_add_slot(b, OP_STACKED, 2 * n, 99); /* room, then overwritten */
  size_t a = b->off[b->nslots - 1];
  for (size_t i = 0; i < n; i++) {
    double lon0 = -170.0 + 2.0 * (double)i, dlon = dist_m * (1 + e[i]) / (TC_EARTH_R_M * TC_DEG2RAD);
    b->lat[a + 2 * i] = b->lat[a + 2 * i + 1] = 0.0;
    b->lon[a + 2 * i] = lon0;
    b->lon[a + 2 * i + 1] = lon0 + dlon;
  }
  op_fill_unit(b);
}

/* A decided list: every unflagged pair is within dist by the spec's haversine, every
 * pair within dist is listed (op_check on the list without its flags), and the pairs at
 * dist itself are flagged for the host. */
static void decided_list(const char *name, int single) {
  tc_grid_block b = mixed_block(2000);
  add_threshold_slot(&b, DIST);
  size_t thr0 = b.off[b.nslots - 1];
  tc_backend_config cfg = config(single);
  cfg.decide = 1;
  const tc_backend_ops *ops = tc_backend_find(name);
  void *st = create(name, &cfg);
  tc_pairbuf out = {0};
  tc_backend_stats stats = {0};
  tc_err err = {0};
  cr_assert_eq(ops->candidates(st, &b, &out, &stats, &err), TC_OK, "%s: %s", name, err.msg);
  ops->destroy(st);
  cr_assert(out.decided, "%s: the list should come back decided", name);
  size_t band = 0, band_at_dist = 0;
  for (size_t k = 0; k < out.n; k++) {
    uint32_t p = out.p[k], q = out.q[k] & ~TC_PAIR_BAND;
    double d = tc_haversine_m(b.lat[p], b.lon[p], b.lat[q], b.lon[q]);
    if (out.q[k] & TC_PAIR_BAND) {
      band++;
      band_at_dist += p >= thr0;
    } else {
      cr_assert_leq(d, DIST, "%s %s: pair (%u, %u) at %.9f m came back decided close", name,
                    single ? "single" : "double", p, q, d);
    }
    out.q[k] = q;
  }
  size_t close = 0;
  const char *bad = op_check(&b, &out, DIST, single, &close);
  cr_assert_null(bad, "%s %s: %s", name, single ? "single" : "double", bad);
  /* e = -1e-7 .. +1e-10 (4 pairs) are in the band of either precision */
  cr_expect_geq(band_at_dist, 4, "%s %s: %zu threshold pairs flagged", name,
                single ? "single" : "double", band_at_dist);
  cr_expect_eq(stats.band, band);
  cr_expect_lt(band, out.n / 10 + 8, "%s: %zu of %zu pairs left to the host", name, band, out.n);
  tc_pairbuf_free(&out);
  tc_grid_block_free(&b);
}

Test(opencl, decided_lists_double) {
  need_opencl();
  decided_list("opencl", 0);
  decided_list("opencl-allpairs", 0);
}

Test(opencl, decided_lists_single) {
  need_opencl();
  decided_list("opencl", 1);
  decided_list("opencl-allpairs", 1);
}

/* Runs the host links from the device's decided lists: a pair moored together for three
 * days (one run across every block and bucket), a pair at anchor a hair beyond dist
 * (every grid time screened in and decided far by the host's band test), pairs meeting for 2.5 h inside one
 * block, and a short pass; at bucket lengths of 1 h, 1 day and 7 days and with buffers
 * so small that every block is cut, every OpenCL backend and precision gives openmp's
 * list bit for bit. */
Test(opencl, runs_across_blocks_and_buckets, .timeout = 240) {
  need_opencl();
  tc_columns c;
  tc_columns_init(&c);
  const int64_t t0 = 1700000000, days3 = 3 * 86400;
  for (int64_t t = t0; t < t0 + days3; t += 300) { /* moored pair, 80 m apart, swinging */
    double sw = 0.0002 * sin((double)(t - t0) / 7200.0);
    tt_fix(&c, 201000001, t, 55.0 + sw, 12.0);
    tt_fix(&c, 201000002, t + 17, 55.0007 + sw, 12.0);
  }
  double la, lo; /* at anchor a hair over DIST apart: screened in, decided far by the host */
  tt_offset(-30.0, 170.0, 90.0, DIST * (1 + 2e-10), &la, &lo);
  for (int64_t t = t0; t < t0 + days3; t += 600) {
    tt_fix(&c, 301000001, t, -30.0, 170.0);
    tt_fix(&c, 301000002, t, la, lo);
  }
  for (int m = 0; m < 12; m++) { /* meetings of 2.5 h at 0.5 kn, every 6 h */
    int64_t s = t0 + 3600 + (int64_t)m * 21600;
    uint32_t a = 401000000 + 2 * (uint32_t)m;
    for (int64_t t = s; t <= s + 9000; t += 240) {
      double x = 1e-6 * (double)(t - s);
      tt_fix(&c, a, t, 10.0 + x, -179.999);
      tt_fix(&c, a + 1, t + 31, 10.0 + x + 0.002, 179.9995);
    }
  }
  for (int64_t t = t0 + 7200; t < t0 + 14400; t += 60) { /* a fast pass through the mooring */
    tt_fix(&c, 501000001, t, 54.9 + 0.2 * (double)(t - t0 - 7200) / 7200.0, 12.0);
  }
  tc_params p;
  tc_params_default(&p);
  static const int64_t buckets[] = {3600, 86400, 7 * 86400};
  for (int bk = 0; bk < 3; bk++) {
    tc_encounter_list ref;
    tc_encounter_list_init(&ref);
    tt_run(&c, buckets[bk], "openmp", 2, &p, &ref);
    cr_assert_geq(ref.n, 13, "bucket %llds: %zu encounters", (long long)buckets[bk], ref.n);
    const char *names[] = {"opencl", "opencl-allpairs"};
    for (int k = 0; k < 2; k++)
      for (int single = 0; single < 2; single++) {
        tc_params q = p;
        q.single_precision = single;
        tc_encounter_list l;
        tc_encounter_list_init(&l);
        setenv("TRAJCORR_CL_MAX_ALLOC", "512", 1); /* 16 positions a sub-batch */
        tc_engine_stats st = tt_run(&c, buckets[bk], names[k], 2, &q, &l);
        unsetenv("TRAJCORR_CL_MAX_ALLOC");
        cr_expect(st.device.decided, "%s: decided on the device", names[k]);
        cr_expect_gt(st.device.band, 0, "%s: the pair at dist goes to the host's test", names[k]);
        /* all but the small blocks at the ends of processing ranges */
        cr_expect_geq(st.device.split_blocks + 2, st.device.blocks, "%s: %llu of %llu blocks split",
                     names[k], (unsigned long long)st.device.split_blocks,
                     (unsigned long long)st.device.blocks);
        cr_assert(tt_same(&l, &ref), "%s %s, %llds buckets: %zu vs %zu openmp encounters", names[k],
                  single ? "single" : "double", (long long)buckets[bk], l.n, ref.n);
        tc_encounter_list_free(&l);
      }
    tc_encounter_list_free(&ref);
  }
  tc_columns_free(&c);
}

/* ---- several devices (--device all or a list) -------------------------------- */

static tc_engine_stats run_devices(const tc_columns *c, const char *name, int single, int ndev,
                                   tc_encounter_list *out) {
  tc_memory_source *ms;
  cr_assert_eq(tc_memory_source_create(c, DAY, &ms), TC_OK);
  tc_bucket_source src = tc_memory_source_get(ms);
  tc_params p;
  tc_params_default(&p);
  p.threads = 2;
  p.single_precision = single;
  tc_backend_config cfg = config(single);
  cfg.ndevices = ndev;
  for (int i = 0; i < ndev; i++)
    cfg.devices[i] = 0; /* PoCL's one device, listed ndev times: a context each is not needed */
  tc_engine_stats st;
  tc_err err = {0};
  cr_assert_eq(tc_encounters_run(&src, &p, tc_backend_find(name), &cfg, out, &st, &err), TC_OK,
               "%s on %d devices: %s", name, ndev, err.msg);
  tc_memory_source_free(ms);
  return st;
}

/* The same device listed two and three times: each takes its share of every block (with
 * every share cut into sub-batches), and the list is openmp's bit for bit. */
Test(opencl, several_devices_same_list, .timeout = 180) {
  need_opencl();
  tc_columns c;
  tc_columns_init(&c);
  tt_synthetic(&c, 7, 150, 30);
  tc_params p;
  tc_params_default(&p);
  tc_encounter_list ref;
  tc_encounter_list_init(&ref);
  tt_run(&c, DAY, "openmp", 2, &p, &ref);
  cr_assert_geq(ref.n, 10, "%zu encounters", ref.n);
  const char *names[] = {"opencl", "opencl-allpairs"};
  for (int k = 0; k < 2; k++)
    for (int ndev = 2; ndev <= 3; ndev++) {
      int single = ndev == 3;
      tc_encounter_list l;
      tc_encounter_list_init(&l);
      setenv("TRAJCORR_CL_MAX_ALLOC", "16384", 1);
      tc_engine_stats st = run_devices(&c, names[k], single, ndev, &l);
      unsetenv("TRAJCORR_CL_MAX_ALLOC");
      cr_expect_eq(st.device.devices, ndev, "%s: %d devices reported", names[k], st.device.devices);
      cr_expect_gt(st.device.batches, (uint64_t)ndev * st.device.blocks, "%s: sub-batches %llu",
                   names[k], (unsigned long long)st.device.batches);
      cr_assert(tt_same(&l, &ref), "%s on %d devices (%s): %zu vs %zu openmp encounters", names[k],
                ndev, single ? "single" : "double", l.n, ref.n);
      tc_encounter_list_free(&l);
    }
  tc_encounter_list_free(&ref);
  tc_columns_free(&c);
}

Test(opencl, cli_device_lists) {
  need_opencl();
  char out[8192];
  cr_assert_eq(run_cli(TC_BINARY " encounters --device 0,x /nonexistent.h5 2>&1", out, sizeof out), 2,
               "%s", out);
  cr_expect(strstr(out, "--device '0,x'") != NULL, "%s", out);
  cr_assert_eq(run_cli(TC_BINARY " encounters --device 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 "
                                 "/nonexistent.h5 2>&1",
                       out, sizeof out),
               2, "%s", out);
  cr_expect(strstr(out, "up to 16") != NULL, "%s", out);
}

/* Generated traffic through the CLI (planted meetings, the antimeridian), stores of 1 h, 1 day
 * and 7 day buckets, buffers so small that every block is cut: every OpenCL backend and
 * precision writes openmp's CSV byte for byte. */
Test(opencl, generated_stores_same_csv, .timeout = 300) {
  need_opencl();
  char dir[512];
  tr_scratch("oclgen", dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' generate -q --vessels 250 --days 2 --seed 13 --antimeridian -o '%s/t.csv'",
                     TC_BINARY, dir),
               0);
  static const char *buckets[] = {"1h", "1d", "7d"};
  static const char *runs[] = {"--backend opencl", "--backend opencl --precision single",
                               "--backend opencl-allpairs", "--backend opencl-allpairs --precision single"};
  for (int b = 0; b < 3; b++) {
    cr_assert_eq(tr_sh("'%s' import --quiet --bucket %s '%s/s.h5' '%s/t.csv' >/dev/null && '%s' encounters "
                       "-q --backend openmp '%s/s.h5' -o '%s/ref.csv' && test $(wc -l < '%s/ref.csv') -gt 10",
                       TC_BINARY, buckets[b], dir, dir, TC_BINARY, dir, dir, dir),
                 0, "%s buckets: import and the openmp list", buckets[b]);
    for (int r = 0; r < 4; r++)
      cr_assert_eq(tr_sh("TRAJCORR_CL_MAX_ALLOC=16384 '%s' encounters -q %s '%s/s.h5' -o '%s/x.csv' && "
                         "cmp -s '%s/ref.csv' '%s/x.csv'",
                         TC_BINARY, runs[r], dir, dir, dir, dir),
                   0, "%s buckets, %s: not openmp's list", buckets[b], runs[r]);
    tr_sh("rm -f '%s/s.h5'", dir);
  }
  tr_sh("rm -rf '%s'", dir);
}

/* ---- runs too short to report, dropped on the device (kernels/runs.cl) ------------ */

/* Vessel b's east offset from a at time t: it drifts east at v past a (200 m north of it)
 * at tk, and with `back` turns after half of 3 h and passes a again, westwards, at tk +
 * 3 h (two close runs 2 h apart: one candidate of 4 h, an encounter). */
static double drift_x(int64_t t, int64_t tk, double v, int back) {
  double dt = (double)(t - tk), T = 3 * 3600.0;
  if (!back || dt <= T / 2)
    return v * dt;
  return v * (T - dt);
}

/* Three days, a fix every 5 minutes: a pair moored 100 m apart the whole time (one
 * encounter across every block and bucket) and 48 pairs that meet once, each somewhere
 * else (two at the antimeridian, two near the pole) at times that fall anywhere in a
 * block, some slowly enough to be encounters, most not (runs of 15 min to 2 h). */
static void meetings(tc_columns *c) {
  const int64_t t0 = 1700000000 - 1700000000 % 86400, step = 300, days = 3;
  const int npair = 48;
  /* 0.23 kn: close for 2.15 h, so 12 or 13 grid times by phase: runs of 1 h 50 or of just
   * min_duration, the shortest encounter */
  const double kn = 1852.0 / 3600.0, speeds[] = {0.25, 0.5, 1.0, 2.0, 0.5, 0.23};
  for (int64_t t = t0; t < t0 + days * 86400; t += step) {
    tt_fix(c, 100000001, t, 43.1, 5.9);
  }
  for (int64_t t = t0; t < t0 + days * 86400; t += step) {
    double la, lo;
    tt_offset(43.1, 5.9, 45.0, 100.0, &la, &lo);
    tt_fix(c, 100000002, t, la, lo);
  }
  for (int k = 0; k < npair; k++) {
    double lat = -60.0 + 2.5 * k, lon = -150.0 + 6.0 * k;
    if (k < 2) {
      lat = 10.0 + k;
      lon = 179.9995; /* b crosses the antimeridian */
    } else if (k < 4) {
      lat = 89.95 - 0.02 * k;
      lon = 30.0 * k;
    }
    int64_t tk = t0 + 3 * 3600 + (int64_t)k * 4021; /* all over the three days */
    double v = speeds[k % 6] * kn;
    int back = k % 6 == 4;
    for (int who = 0; who < 2; who++)
      for (int64_t t = t0; t < t0 + days * 86400; t += step) {
        double la = lat, lo = lon;
        if (who) {
          double x = drift_x(t, tk, v, back), n1, o1;
          tt_offset(lat, lon, 0.0, 200.0, &n1, &o1);
          tt_offset(n1, o1, x >= 0 ? 90.0 : 270.0, fabs(x), &la, &lo);
        }
        tt_fix(c, 200000000 + 2 * (uint32_t)k + (uint32_t)who, t, la, lo);
      }
  }
}

/* The device drops the close pairs of runs no other close time can join and too short to
 * report; the encounters, and the close-pair and candidate counts, stay openmp's, with
 * buckets of an hour, a day and a week, and with day buckets also in single, by all pairs
 * and with every block cut into small sub-batches (TRAJCORR_CL_MAX_ALLOC). */
Test(opencl, short_runs_dropped_on_device_same_encounters, .timeout = 300) {
  need_opencl();
  tc_columns c;
  tc_columns_init(&c);
  meetings(&c);
  tc_params p;
  tc_params_default(&p);
  const int64_t buckets[] = {3600, DAY, 7 * DAY};
  const char *names[] = {"opencl", "opencl-allpairs"};
  for (int bi = 0; bi < 3; bi++) {
    tc_encounter_list ref;
    tc_encounter_list_init(&ref);
    tc_engine_stats rs = tt_run(&c, buckets[bi], "openmp", 2, &p, &ref);
    cr_assert_geq(ref.n, 9, "%zu encounters", ref.n);
    int moored = 0;
    for (size_t i = 0; i < ref.n; i++)
      moored |= ref.v[i].mmsi_a == 100000001 && ref.v[i].end - ref.v[i].start > 2 * DAY;
    cr_assert(moored, "the moored pair should be one encounter of the three days");
    for (int k = 0; k < 2; k++)
      for (int mode = 0; mode < 3; mode++) {
        if ((k && mode == 2) || (buckets[bi] != DAY && (k || mode))) /* the rest: day buckets */
          continue;
        tc_params q = p;
        q.single_precision = mode == 1;
        tc_encounter_list l;
        tc_encounter_list_init(&l);
        if (mode == 2)
          setenv("TRAJCORR_CL_MAX_ALLOC", "16384", 1);
        tc_engine_stats st = tt_run(&c, buckets[bi], names[k], 2, &q, &l);
        unsetenv("TRAJCORR_CL_MAX_ALLOC");
        char what[128];
        snprintf(what, sizeof what, "%s %s, buckets of %lld s", names[k],
                 mode == 1 ? "single" : mode == 2 ? "double, 16 KiB buffers" : "double",
                 (long long)buckets[bi]);
        cr_assert(tt_same(&l, &ref), "%s: %zu vs %zu openmp encounters", what, l.n, ref.n);
        cr_expect_eq(st.close_pairs, rs.close_pairs, "%s: close pairs", what);
        cr_expect_eq(st.candidates, rs.candidates, "%s: candidates", what);
        if (buckets[bi] >= DAY && mode != 2) /* sub-batches long enough for complete runs */
          cr_expect_gt(st.backend.dropped_runs, 10, "%s: %llu runs dropped on the device", what,
                       (unsigned long long)st.backend.dropped_runs);
        tc_encounter_list_free(&l);
      }
    tc_encounter_list_free(&ref);
  }
  tc_columns_free(&c);
}
