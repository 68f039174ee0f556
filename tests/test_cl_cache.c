/* The on-disk OpenCL program cache (host/opencl/cl_cache.c): a second build is served
 * from the file; a touched source or another build option misses; a corrupt or
 * truncated file is rebuilt and replaced, never trusted; "off" writes nothing.
 * Skipped only when no OpenCL platform exists. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/opencl/cl_cache.h"
#include "host/opencl/cl_device.h"
#include "host/opencl/cl_program.h"
#include "host/opencl/kernel_sources.h"
#include "support/lead_tracks.h"
#include "support/opencl_suite.h"

static tc_cl_device_info dev;
static char dir[512];

/* A fresh cache folder per test, and nothing held over in the process. */
static void setup(void) {
  op_need_opencl();
  tc_err err = {0};
  cr_assert_eq(tc_cl_device_select(-1, -1, TC_CL_TYPE_ANY, &dev, &err), TC_OK, "%s", err.msg);
  const char *tmp = getenv("TC_TEST_TMP");
  if (tmp)
    mkdir(tmp, 0755);
  snprintf(dir, sizeof dir, "%s/clcache.XXXXXX", tmp ? tmp : "/tmp");
  cr_assert_not_null(mkdtemp(dir), "mkdtemp %s", dir);
  setenv("TRAJCORR_CL_CACHE", dir, 1);
  unsetenv("TRAJCORR_KERNEL_DIR");
  tc_cl_cache_clear();
}

static void teardown(void) {
  tc_cl_cache_clear();
  unsetenv("TRAJCORR_KERNEL_DIR");
  char cmd[1100];
  if (dir[0]) {
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
  }
}

TestSuite(cl_cache, .init = setup, .fini = teardown);

/* Gets the program as a new process would (nothing cached in memory) and checks that
 * it is usable: a kernel can be created from it. */
static tc_cl_program_info get(int single) {
  tc_cl_program_info info;
  tc_err err = {0};
  cl_program p = NULL;
  cl_int rc = CL_SUCCESS;
  tc_cl_cache_clear();
  cr_assert_eq(tc_cl_program_get(dev.device_id, single, dev.fp64, &p, &info, &err), TC_OK, "%s",
               err.msg);
  cl_kernel k = clCreateKernel(p, "tc_cell_keys", &rc);
  cr_assert_eq(rc, CL_SUCCESS, "clCreateKernel from a %s program: %s",
               tc_cl_from_name(info.from), tc_cl_errname(rc));
  clReleaseKernel(k);
  clReleaseProgram(p);
  return info;
}

static long file_size(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static int count_files(void) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)))
    n += e->d_name[0] != '.';
  if (d)
    closedir(d);
  return n;
}

Test(cl_cache, second_build_is_served_from_disk) {
  tc_cl_program_info a = get(1);
  cr_expect_eq(a.from, TC_CL_FROM_SOURCE, "an empty cache must build (%s)", tc_cl_from_name(a.from));
  cr_expect(a.cache_written, "the build is stored: %s", a.note);
  cr_expect_eq(strncmp(a.cache_file, dir, strlen(dir)), 0, "%s is under %s", a.cache_file, dir);
  cr_expect_gt(file_size(a.cache_file), TC_CL_CACHE_HEADER);
  tc_cl_program_info b = get(1);
  cr_expect_eq(b.from, TC_CL_FROM_DISK, "second build from %s (%s)", tc_cl_from_name(b.from), b.note);
  cr_expect_str_eq(b.cache_file, a.cache_file);
  cr_expect_str_eq(b.note, "");
  cr_expect_eq(count_files(), 1, "one file, no temporary left behind");
  /* the same process asks again: its own cache, no file read */
  tc_err err = {0};
  cl_program p = NULL;
  tc_cl_program_info c;
  cr_assert_eq(tc_cl_program_get(dev.device_id, 1, dev.fp64, &p, &c, &err), TC_OK, "%s", err.msg);
  cr_expect_eq(c.from, TC_CL_FROM_PROCESS);
  clReleaseProgram(p);
}

/* Single and double share the source (on an fp64 device) and differ by -DTC_SINGLE:
 * the option alone must change the key. */
Test(cl_cache, changed_build_option_misses) {
  if (!dev.fp64)
    cr_skip_test("device without fp64: one precision only");
  tc_cl_program_info s = get(1);
  cr_expect_eq(s.from, TC_CL_FROM_SOURCE);
  tc_cl_program_info d = get(0);
  cr_expect_eq(d.from, TC_CL_FROM_SOURCE, "double must not be served single's binary");
  cr_expect_str_neq(d.cache_file, s.cache_file);
  cr_expect_eq(count_files(), 2);
  /* and the key itself: one character of the options */
  char *src = NULL;
  size_t len = 0;
  tc_err err = {0};
  uint8_t k1[TC_CL_KEY_LEN], k2[TC_CL_KEY_LEN], k3[TC_CL_KEY_LEN];
  cr_assert_eq(tc_cl_program_source(dev.fp64, &src, &len, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(tc_cl_cache_key(dev.device_id, src, len, "-cl-std=CL1.2 -DTC_SINGLE=0", k1, &err), TC_OK);
  cr_assert_eq(tc_cl_cache_key(dev.device_id, src, len, "-cl-std=CL1.2 -DTC_SINGLE=1", k2, &err), TC_OK);
  cr_assert_eq(tc_cl_cache_key(dev.device_id, src, len, "-cl-std=CL1.2 -DTC_SINGLE=0", k3, &err), TC_OK);
  cr_expect_neq(memcmp(k1, k2, sizeof k1), 0);
  cr_expect_eq(memcmp(k1, k3, sizeof k1), 0, "the key is a function of its inputs");
  free(src);
}

/* Writes every embedded kernel file into kdir, with `extra` appended to cells.cl. */
static void copy_kernels(const char *kdir, const char *extra) {
  cr_assert(mkdir(kdir, 0755) == 0, "mkdir %s", kdir);
  for (const tc_kernel_source *k = tc_kernel_sources; k->name; k++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", kdir, k->name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    fwrite(k->text, 1, k->len, f);
    if (!strcmp(k->name, "cells.cl"))
      fputs(extra, f);
    cr_assert_eq(fclose(f), 0);
  }
}

Test(cl_cache, touched_source_misses) {
  tc_cl_program_info a = get(1);
  cr_expect_eq(a.from, TC_CL_FROM_SOURCE);
  char kdir[600];
  snprintf(kdir, sizeof kdir, "%s/kernels", dir);
  copy_kernels(kdir, "\n/* one comment more */\n");
  setenv("TRAJCORR_KERNEL_DIR", kdir, 1);
  tc_cl_program_info b = get(1);
  cr_expect_eq(b.from, TC_CL_FROM_SOURCE, "a touched source must be rebuilt, got %s",
               tc_cl_from_name(b.from));
  cr_expect_str_neq(b.cache_file, a.cache_file);
  tc_cl_program_info c = get(1);
  cr_expect_eq(c.from, TC_CL_FROM_DISK, "the touched source's own file serves it next time");
  cr_expect_str_eq(c.cache_file, b.cache_file);
  unsetenv("TRAJCORR_KERNEL_DIR");
  tc_cl_program_info d = get(1);
  cr_expect_eq(d.from, TC_CL_FROM_DISK);
  cr_expect_str_eq(d.cache_file, a.cache_file, "the embedded source keeps its file");
}

/* Damages the cache file, then checks it is rebuilt (noting why) and replaced by a
 * whole one that the next run loads. */
static void damaged_is_rebuilt(int truncate_it, const char *why) {
  tc_cl_program_info a = get(1);
  cr_assert(a.cache_written, "%s", a.note);
  long size = file_size(a.cache_file);
  FILE *f = fopen(a.cache_file, "r+b");
  cr_assert_not_null(f);
  if (truncate_it) {
    cr_assert_eq(ftruncate(fileno(f), size / 2), 0);
  } else { /* flip one byte in the middle of the binary */
    long at = TC_CL_CACHE_HEADER + (size - TC_CL_CACHE_HEADER) / 2;
    cr_assert_eq(fseek(f, at, SEEK_SET), 0);
    int c = fgetc(f);
    cr_assert_eq(fseek(f, at, SEEK_SET), 0);
    fputc(c ^ 0x5a, f);
  }
  cr_assert_eq(fclose(f), 0);
  tc_cl_program_info b = get(1);
  cr_expect_eq(b.from, TC_CL_FROM_SOURCE, "a damaged file must not be trusted (served from %s)",
               tc_cl_from_name(b.from));
  cr_expect(strstr(b.note, why), "note '%s' should say '%s'", b.note, why);
  cr_expect(b.cache_written, "the file is replaced");
  cr_expect_eq(file_size(b.cache_file), size);
  tc_cl_program_info c = get(1);
  cr_expect_eq(c.from, TC_CL_FROM_DISK, "the replaced file serves the next run (%s)", c.note);
}

Test(cl_cache, corrupt_file_is_rebuilt) {
  damaged_is_rebuilt(0, "checksum");
}

Test(cl_cache, truncated_file_is_rebuilt) {
  damaged_is_rebuilt(1, "truncated");
}

/* A file with a wrong header (another format version) is refused too. */
Test(cl_cache, other_format_version_is_rebuilt) {
  tc_cl_program_info a = get(1);
  FILE *f = fopen(a.cache_file, "r+b");
  cr_assert_not_null(f);
  cr_assert_eq(fseek(f, 8, SEEK_SET), 0);
  fputc(TC_CL_CACHE_FORMAT + 1, f);
  cr_assert_eq(fclose(f), 0);
  tc_cl_program_info b = get(1);
  cr_expect_eq(b.from, TC_CL_FROM_SOURCE);
  cr_expect(strstr(b.note, "format"), "%s", b.note);
}

Test(cl_cache, off_writes_nothing) {
  setenv("TRAJCORR_CL_CACHE", "off", 1);
  tc_cl_program_info a = get(1), b = get(1);
  cr_expect_eq(a.from, TC_CL_FROM_SOURCE);
  cr_expect_eq(b.from, TC_CL_FROM_SOURCE);
  cr_expect_str_eq(a.cache_file, "");
  cr_expect_eq(count_files(), 0);
  setenv("TRAJCORR_CL_CACHE", dir, 1);
}

Test(cl_cache, folder_from_the_environment) {
  char buf[4096];
  setenv("TRAJCORR_CL_CACHE", "/x/y", 1);
  cr_expect(tc_cl_cache_dir(buf, sizeof buf));
  cr_expect_str_eq(buf, "/x/y");
  unsetenv("TRAJCORR_CL_CACHE");
  setenv("XDG_CACHE_HOME", "/xdg", 1);
  cr_expect(tc_cl_cache_dir(buf, sizeof buf));
  cr_expect_str_eq(buf, "/xdg/trajcorr/cl");
  unsetenv("XDG_CACHE_HOME");
  setenv("HOME", "/home/u", 1);
  cr_expect(tc_cl_cache_dir(buf, sizeof buf));
  cr_expect_str_eq(buf, "/home/u/.cache/trajcorr/cl");
  setenv("TRAJCORR_CL_CACHE", "off", 1);
  cr_expect_not(tc_cl_cache_dir(buf, sizeof buf));
  cr_expect_str_eq(buf, "");
  setenv("TRAJCORR_CL_CACHE", dir, 1);
}

/* An unwritable folder is a note, not an error: the run goes on with its build. */
Test(cl_cache, unwritable_folder_is_noted) {
  char sub[700];
  snprintf(sub, sizeof sub, "%s/file", dir);
  FILE *f = fopen(sub, "w"); /* a file where the folder should be */
  cr_assert_not_null(f);
  fclose(f);
  char bad[800];
  snprintf(bad, sizeof bad, "%s/cl", sub);
  setenv("TRAJCORR_CL_CACHE", bad, 1);
  tc_cl_program_info a = get(1);
  cr_expect_eq(a.from, TC_CL_FROM_SOURCE);
  cr_expect_not(a.cache_written);
  cr_expect(strstr(a.note, "not written"), "%s", a.note);
  setenv("TRAJCORR_CL_CACHE", dir, 1);
}

/* `devices --build` fills the cache (and says where); the next one loads from it; the
 * JSON names the folder and where each program came from. */
Test(cl_cache, cli_devices_build_warms_the_cache) {
  static char out[1 << 16];
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "TRAJCORR_CL_CACHE='%s' " TC_BINARY " devices --build --device %d -q",
           dir, dev.index);
  cr_assert_eq(op_run_cli(cmd, out, sizeof out), 0, "%s", out);
  cr_expect(strstr(out, "kernels (single): built in") && strstr(out, ", cached in ") &&
                strstr(out, dir),
            "%s", out);
  cr_expect(strstr(out, "program cache: ") && strstr(out, dir), "%s", out);
  int files = count_files();
  cr_expect_eq(files, dev.fp64 ? 2 : 1, "%s", out);
  cr_assert_eq(op_run_cli(cmd, out, sizeof out), 0, "%s", out);
  cr_expect(strstr(out, "kernels (single): loaded from the cache in") != NULL, "%s", out);
  cr_expect_null(strstr(out, "built in"), "%s", out);
  snprintf(cmd, sizeof cmd, "TRAJCORR_CL_CACHE='%s' " TC_BINARY " devices --build --json -q", dir);
  cr_assert_eq(op_run_cli(cmd, out, sizeof out), 0, "%s", out);
  cr_expect(strstr(out, "\"program_cache\": \"") && strstr(out, "\"from\": \"disk cache\""), "%s",
            out);
  cr_expect_eq(count_files(), files, "nothing rebuilt");
  snprintf(cmd, sizeof cmd, TC_BINARY " devices --build --device 63 -q 2>&1");
  cr_expect_eq(op_run_cli(cmd, out, sizeof out), 2, "%s", out);
}

/* The engine's device profile (what `encounters --profile` prints) says where the
 * program came from and how long start-up took. */
Test(cl_cache, engine_profile_reports_startup) {
  tc_columns c;
  tc_columns_init(&c);
  tt_synthetic(&c, 7, 40, 4);
  tc_params p;
  tc_params_default(&p);
  p.single_precision = 1;
  const char *want[] = {"built", "disk cache"};
  for (int run = 0; run < 2; run++) {
    tc_cl_cache_clear(); /* each run as a new process */
    tc_encounter_list l;
    tc_encounter_list_init(&l);
    tc_engine_stats st = tt_run(&c, 86400, "opencl", 2, &p, &l);
    cr_assert(st.has_device);
    cr_expect_str_eq(st.device.program_from, want[run]);
    cr_expect_eq(st.device.cache_written, run == 0);
    cr_expect_gt(st.device.t_program, 0.0);
    cr_expect_gt(st.device.bytes_up, 0);
    cr_expect_gt(st.device.bytes_down, 0);
    cr_expect_geq(st.device.batches, st.device.blocks);
    tc_encounter_list_free(&l);
  }
  tc_columns_free(&c);
}

/* A whole, well-formed file whose binary the driver refuses (another driver's, say):
 * rebuilt and replaced, with the driver's answer in the note. */
Test(cl_cache, binary_the_driver_refuses_is_rebuilt) {
  char *src = NULL, opts[256], path[4600];
  size_t len = 0;
  tc_err err = {0};
  uint8_t key[TC_CL_KEY_LEN];
  cr_assert_eq(tc_cl_program_source(dev.fp64, &src, &len, &err), TC_OK, "%s", err.msg);
  tc_cl_build_options(1, dev.fp64, opts, sizeof opts);
  cr_assert_eq(tc_cl_cache_key(dev.device_id, src, len, opts, key, &err), TC_OK, "%s", err.msg);
  free(src);
  tc_cl_cache_path(dir, key, path, sizeof path);
  unsigned char junk[4096];
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] = (unsigned char)(i * 131u + 7u);
  cr_assert_eq(tc_cl_cache_store(path, key, junk, sizeof junk, &err), TC_OK, "%s", err.msg);
  tc_cl_program_info a = get(1);
  cr_expect_str_eq(a.cache_file, path, "the key the test computes is the program's");
  cr_expect_eq(a.from, TC_CL_FROM_SOURCE, "junk served as a program");
  cr_expect(strstr(a.note, "clCreateProgramWithBinary") || strstr(a.note, "clBuildProgram"), "%s",
            a.note);
  cr_expect(a.cache_written);
  cr_expect_gt(file_size(path), (long)(TC_CL_CACHE_HEADER + sizeof junk) / 2);
  tc_cl_program_info b = get(1);
  cr_expect_eq(b.from, TC_CL_FROM_DISK, "%s", b.note);
}

/* `encounters --profile` on the OpenCL path: the device line with the start-up split,
 * a miss that fills the cache, then a hit; TRAJCORR_CL_MAX_ALLOC is named there. */
Test(cl_cache, cli_profile_line, .timeout = 120) {
  static char out[1 << 16];
  char cmd[3000];
  snprintf(cmd, sizeof cmd,
           TC_BINARY " generate --vessels 60 --days 0.5 --store '%s/s.h5' -q 2>&1", dir);
  cr_assert_eq(op_run_cli(cmd, out, sizeof out), 0, "%s", out);
  const char *want[] = {"program ", "cache miss, built, cached", "cache hit"};
  for (int run = 1; run <= 2; run++) {
    snprintf(cmd, sizeof cmd,
             "TRAJCORR_CL_CACHE='%s/cl' " TC_BINARY
             " encounters '%s/s.h5' -o /dev/null --backend opencl --precision single --profile -q 2>&1",
             dir, dir);
    cr_assert_eq(op_run_cli(cmd, out, sizeof out), 0, "%s", out);
    const char *line = strstr(out, "profile opencl: startup ");
    cr_assert_not_null(line, "%s", out);
    cr_expect(strstr(line, "(context ") && strstr(line, want[0]) && strstr(line, want[run]) &&
                  strstr(line, " MB up (staged on the ") && strstr(line, " B a close pair)") &&
                  strstr(line, "sub-batches"),
              "run %d: %s", run, line);
  }
  snprintf(cmd, sizeof cmd,
           "TRAJCORR_CL_MAX_ALLOC=65536 TRAJCORR_CL_CACHE='%s/cl' " TC_BINARY
           " encounters '%s/s.h5' -o /dev/null --backend opencl --precision single --profile -q 2>&1",
           dir, dir);
  cr_assert_eq(op_run_cli(cmd, out, sizeof out), 0, "%s", out);
  cr_expect(strstr(out, "largest buffer 0.1 MB (TRAJCORR_CL_MAX_ALLOC)") != NULL, "%s", out);
}
