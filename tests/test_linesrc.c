/* io/linesrc: plain files, gzip (by magic bytes; multi-member, truncated, corrupt),
 * standard input through a pipe, line ends and buffer boundaries, early close. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/linesrc.h"
#include "support/csv_helpers.h"

static void check_lines(const char *path, const char *data, size_t n) {
  tc_linesrc *s = NULL;
  tc_err err = {0};
  cr_assert_eq(tc_linesrc_open(path, &s, &err), TC_OK, "%s", err.msg);
  const char *p = data, *e = data + n;
  uint64_t no = 0;
  for (;;) {
    const char *line;
    size_t len;
    int eof;
    cr_assert_eq(tc_linesrc_next(s, &line, &len, &eof, &err), TC_OK, "%s", err.msg);
    if (eof) {
      cr_assert_eq(p, e, "ended early at line %llu", (unsigned long long)no);
      break;
    }
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    size_t want = nl ? (size_t)(nl - p) : (size_t)(e - p);
    if (want && p[want - 1] == '\r')
      want--;
    no++;
    cr_assert_eq(len, want, "line %llu: length %zu, want %zu", (unsigned long long)no, len, want);
    cr_assert(!memcmp(line, p, len) && line[len] == '\0', "line %llu differs", (unsigned long long)no);
    cr_assert_eq(tc_linesrc_lineno(s), no);
    p = nl ? nl + 1 : e;
  }
  tc_linesrc_close(s);
}

Test(linesrc, plain_and_gzip_lines_identical) {
  size_t n;
  char *data = tcsv_make_lines(&n);
  const char *plain = tcsv_tmp_path("lines.txt"), *gz = tcsv_tmp_path("lines.txt.gz"),
             *named = tcsv_tmp_path("lines-gz-without-suffix.dat");
  tcsv_write_file(plain, data, n);
  tcsv_write_gz(gz, data, n);
  tcsv_write_gz(named, data, n); /* detected by magic bytes, not the name */
  check_lines(plain, data, n);
  check_lines(gz, data, n);
  check_lines(named, data, n);
  free(data);
}

Test(linesrc, multi_member_gzip) {
  const char *a = tcsv_tmp_path("m1.gz"), *b = tcsv_tmp_path("m2.gz"), *ab = tcsv_tmp_path("m12.gz");
  const char *t1 = "one\ntwo\n", *t2 = "three\r\nfour";
  tcsv_write_gz(a, t1, strlen(t1));
  tcsv_write_gz(b, t2, strlen(t2));
  size_t na, nb;
  char *da = tcsv_slurp(a, &na), *db = tcsv_slurp(b, &nb);
  char *cat = malloc(na + nb);
  memcpy(cat, da, na);
  memcpy(cat + na, db, nb);
  tcsv_write_file(ab, cat, na + nb);
  check_lines(ab, "one\ntwo\nthree\r\nfour", strlen("one\ntwo\nthree\r\nfour"));
  free(da);
  free(db);
  free(cat);
}

/* Reads to the end; returns the status that ended it. */
static tc_status drain(const char *path, tc_err *err, uint64_t *lines) {
  tc_linesrc *s = NULL;
  tc_status st = tc_linesrc_open(path, &s, err);
  *lines = 0;
  while (st == TC_OK) {
    const char *l;
    size_t len;
    int eof;
    st = tc_linesrc_next(s, &l, &len, &eof, err);
    if (st != TC_OK || eof)
      break;
    (*lines)++;
  }
  tc_linesrc_close(s);
  return st;
}

Test(linesrc, truncated_gzip_is_format_error) {
  size_t n, gn;
  char *data = tcsv_make_lines(&n);
  const char *gz = tcsv_tmp_path("trunc-src.gz");
  tcsv_write_gz(gz, data, n);
  char *g = tcsv_slurp(gz, &gn);
  const size_t cuts[] = {gn / 2, gn - 4, 5};
  for (size_t i = 0; i < 3; i++) {
    const char *t = tcsv_tmp_path("truncated.csv.gz");
    tcsv_write_file(t, g, cuts[i]);
    tc_err err = {0};
    uint64_t lines;
    cr_assert_eq(drain(t, &err, &lines), TC_ERR_FORMAT, "cut at %zu", cuts[i]);
    cr_assert(strstr(err.msg, t) && strstr(err.msg, "truncated"), "%s", err.msg);
  }
  free(data);
  free(g);
}

Test(linesrc, corrupt_gzip_is_format_error) {
  size_t n, gn;
  char *data = tcsv_make_lines(&n);
  const char *gz = tcsv_tmp_path("corrupt.gz");
  tcsv_write_gz(gz, data, n);
  char *g = tcsv_slurp(gz, &gn);
  for (size_t i = gn / 3; i < gn / 3 + 64; i++)
    g[i] ^= 0x5a;
  tcsv_write_file(gz, g, gn);
  tc_err err = {0};
  uint64_t lines;
  cr_assert_eq(drain(gz, &err, &lines), TC_ERR_FORMAT);
  cr_assert(strstr(err.msg, gz) && strstr(err.msg, "gzip"), "%s", err.msg);
  /* and a CRC mismatch in the trailer */
  const char *t2 = tcsv_tmp_path("badcrc.gz");
  tcsv_write_gz(t2, "a,b\n1,2\n", 8);
  free(g);
  g = tcsv_slurp(t2, &gn);
  g[gn - 8] ^= 1;
  tcsv_write_file(t2, g, gn);
  cr_assert_eq(drain(t2, &err, &lines), TC_ERR_FORMAT, "%s", err.msg);
  free(data);
  free(g);
}

Test(linesrc, missing_file_and_directory) {
  tc_linesrc *s = (tc_linesrc *)1;
  tc_err err = {0};
  const char *p = tcsv_tmp_path("no-such-file.csv");
  cr_assert_eq(tc_linesrc_open(p, &s, &err), TC_ERR_IO);
  cr_assert_null(s);
  cr_assert(strstr(err.msg, p), "%s", err.msg);
  cr_assert_eq(tc_linesrc_open(tcsv_tmpdir(), &s, &err), TC_ERR_IO);
  cr_assert(strstr(err.msg, "directory"), "%s", err.msg);
  tc_linesrc_close(NULL);
}

Test(linesrc, empty_file) {
  uint64_t lines;
  tc_err err = {0};
  cr_assert_eq(drain(tcsv_text_file("empty.txt", ""), &err, &lines), TC_OK);
  cr_assert_eq(lines, 0);
}

/* Feeds data to stdin through a pipe (a child process writes it) and reads "-". */
Test(linesrc, stdin_pipe_plain_and_gzip) {
  /* 200 000 rows: far more than a pipe holds. */
  size_t cap = 16u << 20, k = 0;
  char *b = malloc(cap);
  k += (size_t)sprintf(b, "mmsi,timestamp,lat,lon\n");
  for (int i = 0; i < 200000; i++)
    k += (size_t)sprintf(b + k, "%d,%d,%d.5,-%d.25\n", 100000000 + i, 1600000000 + i, i % 80, i % 170);
  tcsv_result r;
  tcsv_with_stdin(b, k, NULL, &r);
  cr_assert_eq(r.open_st, TC_OK, "%s", r.err.msg);
  cr_assert_eq(r.next_st, TC_OK, "%s", r.err.msg);
  cr_assert_eq(r.np, 200000);
  cr_assert_eq(r.p[199999].mmsi, 100199999);
  cr_assert_eq(r.p[199999].t, 1600199999);
  cr_assert_eq(r.p[12345].lat, 12345 % 80 + 0.5);
  cr_assert_eq(r.p[12345].lon, -(12345 % 170) - 0.25);
  tcsv_result_free(&r);

  const char *gz = tcsv_tmp_path("stdin.csv.gz");
  tcsv_write_gz(gz, b, k);
  size_t gn;
  char *g = tcsv_slurp(gz, &gn);
  tcsv_with_stdin(g, gn, "csv", &r);
  cr_assert_eq(r.next_st, TC_OK, "%s", r.err.msg);
  cr_assert_eq(r.np, 200000);
  tcsv_result_free(&r);
  free(g);
  free(b);
}

/* Closing early must stop the inflating thread, also when it waits on a silent pipe. */
Test(linesrc, early_close_gzip_file_and_pipe) {
  size_t n, gn;
  char *data = tcsv_make_lines(&n);
  const char *gz = tcsv_tmp_path("early.gz");
  tcsv_write_gz(gz, data, n);
  tc_linesrc *s = NULL;
  tc_err err = {0};
  const char *line;
  size_t len;
  int eof;
  cr_assert_eq(tc_linesrc_open(gz, &s, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(tc_linesrc_next(s, &line, &len, &eof, &err), TC_OK);
  cr_assert_str_eq(line, "line 0 ");
  cr_assert(tc_linesrc_bytes_read(s) > 0 && tc_linesrc_bytes_read(s) <= (uint64_t)tc_linesrc_size(s));
  tc_linesrc_close(s);

  char *g = tcsv_slurp(gz, &gn);
  int fd[2];
  cr_assert_eq(pipe(fd), 0);
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) { /* a writer that sends part of the stream, then goes quiet */
    close(fd[0]);
    if (write(fd[1], g, 4096) != 4096)
      _exit(1);
    sleep(20);
    _exit(0);
  }
  close(fd[1]);
  int saved = dup(STDIN_FILENO);
  cr_assert_eq(dup2(fd[0], STDIN_FILENO), STDIN_FILENO);
  close(fd[0]);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cr_assert_eq(tc_linesrc_open("-", &s, &err), TC_OK, "%s", err.msg);
  cr_assert_eq(tc_linesrc_size(s), -1);
  cr_assert_eq(tc_linesrc_next(s, &line, &len, &eof, &err), TC_OK);
  cr_assert_str_eq(line, "line 0 ");
  tc_linesrc_close(s);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  cr_assert_lt(t1.tv_sec - t0.tv_sec, 5, "close waited for the writer");
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  dup2(saved, STDIN_FILENO);
  close(saved);
  free(g);
  free(data);
}

Test(linesrc, stdin_messages_name_stdin) {
  const char *t = "mmsi,t,lat,lon\n1,0,abc,1\n2,0,1,1\n";
  tcsv_result r;
  tcsv_with_stdin(t, strlen(t), NULL, &r);
  cr_assert_eq(r.np, 1);
  cr_assert_str_eq(r.counts.samples[0], "<stdin>:2: column 'lat': 'abc' is not a number");
  tcsv_result_free(&r);
}
