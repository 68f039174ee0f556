/* io/linesrc: plain files, gzip (by magic bytes; multi-member, padding, trailing
 * garbage, truncated, corrupt, CRC and length mismatch; ISA-L's and zlib's inflate),
 * standard input through a pipe, line ends and buffer boundaries, early close. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

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

/* Bytes of data gzipped as one member. */
static char *gz_bytes(const char *data, size_t n, size_t *gn) {
  const char *t = tcsv_tmp_path("member.gz");
  tcsv_write_gz(t, data, n);
  return tcsv_slurp(t, gn);
}

/* The first member followed by `extra` (n bytes): the status and message of reading it. */
static tc_status read_with_tail(const char *name, const void *extra, size_t n, tc_err *err) {
  const char *text = "mmsi,t\n1,2\n";
  size_t gn;
  char *g = gz_bytes(text, strlen(text), &gn);
  char *b = malloc(gn + n);
  memcpy(b, g, gn);
  memcpy(b + gn, extra, n);
  const char *path = tcsv_tmp_path(name);
  tcsv_write_file(path, b, gn + n);
  uint64_t lines;
  tc_status st = drain(path, err, &lines);
  cr_assert(st != TC_OK || lines == 2, "%s: %llu lines", name, (unsigned long long)lines);
  free(g);
  free(b);
  return st;
}

/* data as one gzip member, in memory: n bytes at *out (malloc'd), its length returned. */
static size_t gz_mem(const char *data, size_t n, unsigned char **out) {
  z_stream z;
  memset(&z, 0, sizeof z);
  cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  size_t cap = deflateBound(&z, (uLong)n) + 32;
  *out = malloc(cap);
  z.next_in = (unsigned char *)data;
  z.avail_in = (uInt)n;
  z.next_out = *out;
  z.avail_out = (uInt)cap;
  cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
  size_t len = z.total_out;
  deflateEnd(&z);
  return len;
}

/* Thousands of small members, some empty: their headers and trailers fall across the
 * decoder's read boundaries (256 KiB) and block ends at every offset. */
Test(linesrc, many_members_across_read_boundaries) {
  size_t cap = 8u << 20, k = 0, tk = 0;
  unsigned char *all = malloc(cap);
  char *text = malloc(cap);
  uint32_t x = 12345;
  for (int m = 0; m < 12000; m++) {
    char piece[256];
    size_t pn = 0;
    if (m % 7 != 3) { /* every seventh member is empty */
      pn = (size_t)snprintf(piece, sizeof piece, "member %d,", m);
      for (int c = 0; c < 20 + m % 40; c++, x = x * 1103515245u + 12345u)
        piece[pn++] = (char)('a' + (x >> 16) % 26);
      piece[pn++] = '\n';
    }
    unsigned char *g;
    size_t gn = gz_mem(piece, pn, &g);
    cr_assert(k + gn < cap);
    memcpy(all + k, g, gn);
    k += gn;
    memcpy(text + tk, piece, pn);
    tk += pn;
    free(g);
  }
  cr_assert_gt(k, 2u << 18, "only %zu compressed bytes: not across two reads", k);
  const char *path = tcsv_tmp_path("many-members.gz");
  tcsv_write_file(path, all, k);
  check_lines(path, text, tk);
  free(all);
  free(text);
}

Test(linesrc, zero_padding_after_the_last_member_is_ignored) {
  char zeros[3000] = {0};
  tc_err err = {0};
  cr_assert_eq(read_with_tail("padded.gz", zeros, sizeof zeros, &err), TC_OK, "%s", err.msg);
}

Test(linesrc, trailing_garbage_is_named) {
  tc_err err = {0};
  static const char junk[] = "\0\0garbage after the archive\n";
  cr_assert_eq(read_with_tail("garbage.gz", junk, sizeof junk - 1, &err), TC_ERR_FORMAT);
  cr_assert(strstr(err.msg, "garbage.gz") && strstr(err.msg, "trailing garbage") &&
                strstr(err.msg, "member 1"),
            "%s", err.msg);
}

Test(linesrc, truncated_second_member_is_named) {
  const char *text = "x,y\n3,4\n";
  size_t gn;
  char *g = gz_bytes(text, strlen(text), &gn);
  const size_t cuts[] = {1, 5, 10, gn / 2, gn - 1}; /* magic, header, deflate data, trailer */
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    tc_err err = {0};
    cr_assert_eq(read_with_tail("trunc2.gz", g, cuts[i], &err), TC_ERR_FORMAT, "cut %zu", cuts[i]);
    cr_assert(strstr(err.msg, "trunc2.gz") && strstr(err.msg, "truncated"), "cut %zu: %s", cuts[i], err.msg);
  }
  free(g);
}

Test(linesrc, crc_and_length_mismatch_are_named) {
  size_t n, gn;
  char *data = tcsv_make_lines(&n);
  char *g = gz_bytes(data, n, &gn);
  const size_t at[] = {gn - 8, gn - 5, gn - 4, gn - 1}; /* CRC-32 bytes, then ISIZE bytes */
  for (size_t i = 0; i < 4; i++) {
    g[at[i]] ^= 0x10;
    const char *path = tcsv_tmp_path("mismatch.gz");
    tcsv_write_file(path, g, gn);
    g[at[i]] ^= 0x10;
    tc_err err = {0};
    uint64_t lines;
    cr_assert_eq(drain(path, &err, &lines), TC_ERR_FORMAT, "byte %zu of %zu", at[i], gn);
    cr_assert(strstr(err.msg, "mismatch.gz") && strstr(err.msg, "CRC-32 or length mismatch"), "%s", err.msg);
  }
  free(g);
  free(data);
}

Test(linesrc, corrupt_second_member_names_it) {
  size_t n, gn;
  char *data = tcsv_make_lines(&n);
  char *g = gz_bytes(data, n, &gn);
  for (size_t i = gn / 3; i < gn / 3 + 64; i++)
    g[i] ^= 0x5a;
  tc_err err = {0};
  cr_assert_eq(read_with_tail("corrupt2.gz", g, gn, &err), TC_ERR_FORMAT);
  cr_assert(strstr(err.msg, "corrupt2.gz") && strstr(err.msg, "member 2"), "%s", err.msg);
  free(g);
  free(data);
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
