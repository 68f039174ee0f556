#include "csv_helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

const char *tcsv_tmpdir(void) {
  static char dir[512];
  const char *t = getenv("TC_TEST_TMP");
  snprintf(dir, sizeof dir, "%s/csv", t && *t ? t : "/tmp/tc-test-csv");
  char cmd[600];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
  cr_assert_eq(system(cmd), 0);
  return dir;
}

char *tcsv_tmp_path(const char *name) {
  static char p[8][600];
  static int k;
  char *s = p[k++ % 8];
  snprintf(s, 600, "%s/%s", tcsv_tmpdir(), name);
  return s;
}

void tcsv_write_file(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  cr_assert(f, "cannot write %s", path);
  cr_assert_eq(fwrite(data, 1, n, f), n);
  cr_assert_eq(fclose(f), 0);
}

const char *tcsv_text_file(const char *name, const char *text) {
  const char *p = tcsv_tmp_path(name);
  tcsv_write_file(p, text, strlen(text));
  return p;
}

void tcsv_write_gz(const char *path, const void *data, size_t n) {
  gzFile g = gzopen(path, "wb6");
  cr_assert(g);
  cr_assert_eq(gzwrite(g, data, (unsigned)n), (int)n);
  cr_assert_eq(gzclose(g), Z_OK);
}

char *tcsv_slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  cr_assert(f, "cannot read %s", path);
  fseek(f, 0, SEEK_END);
  long sz = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)sz + 1);
  cr_assert(b);
  cr_assert_eq(fread(b, 1, (size_t)sz, f), (size_t)sz);
  fclose(f);
  *n = (size_t)sz;
  return b;
}

size_t tcsv_count_data_lines(const char *path) {
  gzFile g = gzopen(path, "rb");
  cr_assert(g, "cannot open %s", path);
  char buf[1 << 16];
  size_t lines = 0;
  int len, prev = '\n';
  while ((len = gzread(g, buf, sizeof buf)) > 0)
    for (int i = 0; i < len; i++) {
      if (buf[i] == '\n' && prev != '\n')
        lines++;
      prev = (unsigned char)buf[i];
    }
  cr_assert(len == 0, "gzread failed on %s", path);
  gzclose(g);
  return lines + (prev != '\n') - 1;
}

void tcsv_read_all(const char *path, const char *format, int strict, tcsv_result *r) {
  memset(r, 0, sizeof *r);
  tc_reader_opts o = {format, strict, INT64_MIN};
  tc_reader *rd = NULL;
  size_t capp = 0, caps = 0;
  r->open_st = tc_reader_open(path, &o, &rd, &r->err);
  if (r->open_st != TC_OK) {
    cr_assert_null(rd);
    return;
  }
  snprintf(r->format, sizeof r->format, "%s", tc_reader_format_name(rd));
  for (;;) {
    tc_record rec;
    int eof = 0;
    r->next_st = tc_reader_next(rd, &rec, &eof, &r->err);
    if (r->next_st != TC_OK || eof)
      break;
    if (rec.kind == TC_REC_POSITION) {
      if (r->np == capp)
        r->p = realloc(r->p, (capp = capp ? 2 * capp : 1024) * sizeof *r->p);
      r->p[r->np++] = rec.fix;
    } else {
      cr_assert_eq(rec.kind, TC_REC_STATIC);
      if (r->ns == caps)
        r->s = realloc(r->s, (caps = caps ? 2 * caps : 1024) * sizeof *r->s);
      r->s[r->ns++] = rec.st;
    }
  }
  r->counts = *tc_reader_get_counts(rd);
  cr_assert_eq(r->counts.records, r->np + r->ns);
  tc_reader_close(rd);
}

void tcsv_result_free(tcsv_result *r) {
  free(r->p);
  free(r->s);
}

const tc_vessel_static *tcsv_static_of(const tcsv_result *r, uint32_t mmsi, const char *name) {
  for (size_t i = 0; i < r->ns; i++)
    if (r->s[i].mmsi == mmsi && (!name || !strcmp(r->s[i].name, name)))
      return &r->s[i];
  return NULL;
}

uint64_t tcsv_reason_count(const tc_reader_counts *c, const char *reason) {
  for (size_t i = 0; i < c->nreasons; i++)
    if (!strcmp(c->reasons[i].reason, reason))
      return c->reasons[i].count;
  return 0;
}

int64_t tcsv_utc(const char *iso) {
  struct tm tm = {0};
  cr_assert(strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm), "%s", iso);
  return (int64_t)timegm(&tm);
}

/* Lines of many lengths (CRLF on some, one of 3 MiB), crossing every buffer boundary. */
char *tcsv_make_lines(size_t *n) {
  size_t cap = 16u << 20, k = 0;
  char *b = malloc(cap);
  cr_assert(b);
  for (int i = 0; i < 200000; i++) {
    k += (size_t)sprintf(b + k, "line %d %.*s%s\n", i, i % 97, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                         i % 5 == 0 ? "\r" : "");
    if (i == 100000) {
      memset(b + k, 'L', 3u << 20);
      k += 3u << 20;
      b[k++] = '\n';
      b[k++] = '\n'; /* an empty line */
    }
  }
  k += (size_t)sprintf(b + k, "last line without newline");
  *n = k;
  return b;
}

/* Feeds data to stdin through a pipe (a child process writes it) and reads "-". */
void tcsv_with_stdin(const void *data, size_t n, const char *format, tcsv_result *r) {
  int fd[2];
  cr_assert_eq(pipe(fd), 0);
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    close(fd[0]);
    const char *p = data;
    while (n) {
      ssize_t w = write(fd[1], p, n);
      if (w <= 0)
        _exit(1);
      p += w;
      n -= (size_t)w;
    }
    _exit(0);
  }
  close(fd[1]);
  int saved = dup(STDIN_FILENO);
  cr_assert_eq(dup2(fd[0], STDIN_FILENO), STDIN_FILENO);
  close(fd[0]);
  tcsv_read_all("-", format, 0, r);
  cr_assert_eq(dup2(saved, STDIN_FILENO), STDIN_FILENO);
  close(saved);
  int status;
  cr_assert_eq(waitpid(pid, &status, 0), pid);
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
