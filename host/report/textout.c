#include "host/report/textout.h"
#include "io/outpath.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void tc_fmt_iso(int64_t t, char out[TC_ISO_LEN]) { tc_time_format_iso(t, out); }

void tc_fmt_day(int64_t t, char out[16]) {
  char iso[TC_ISO_LEN];
  tc_time_format_iso(t, iso);
  snprintf(out, 16, "%.10s", iso);
}

void tc_put_csv(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\n\r")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

void tc_put_xml(FILE *f, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '&': fputs("&amp;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default:
      if (*p >= 0x20 || *p == '\n' || *p == '\t')
        fputc(*p, f); /* other control characters are not allowed in XML 1.0 */
    }
  }
}

tc_status tc_atomic_name(tc_atomic *a, const char *path, tc_err *err) {
  memset(a, 0, sizeof *a);
  if (tc_path_is_stream(path))
    return tc_fail(err, TC_ERR_ARG, "%s: not a regular file (this format is written to files only)", path);
  if (snprintf(a->path, sizeof a->path, "%s", path) >= (int)sizeof a->path ||
      snprintf(a->tmp, sizeof a->tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof a->tmp)
    return tc_fail(err, TC_ERR_ARG, "%s: path too long", path);
  int fd = mkstemp(a->tmp);
  if (fd < 0) {
    a->tmp[0] = '\0';
    return tc_fail(err, TC_ERR_IO, "%s: cannot create a temporary file beside it: %s", path,
                   strerror(errno));
  }
  mode_t um = umask(022); /* mkstemp makes 0600; give the output the usual mode */
  umask(um);
  int bad = fchmod(fd, 0666 & ~um) != 0;
  if (close(fd) != 0 || bad)
    return tc_fail(err, TC_ERR_IO, "%s: %s", a->tmp, strerror(errno));
  return TC_OK;
}

tc_status tc_atomic_open(tc_atomic *a, const char *path, tc_err *err) {
  if (tc_path_is_stream(path)) { /* a device or FIFO: written directly, never renamed over */
    memset(a, 0, sizeof *a);
    snprintf(a->path, sizeof a->path, "%s", path);
    if (!(a->f = fopen(path, "w")))
      return tc_fail(err, TC_ERR_IO, "%s: %s", path, strerror(errno));
    return TC_OK;
  }
  TC_TRY(tc_atomic_name(a, path, err));
  a->f = fopen(a->tmp, "w");
  if (!a->f) {
    tc_status s = tc_fail(err, TC_ERR_IO, "%s: %s", a->tmp, strerror(errno));
    tc_atomic_abort(a);
    return s;
  }
  return TC_OK;
}

tc_status tc_atomic_commit(tc_atomic *a, tc_err *err) {
  if (a->f) {
    int bad = ferror(a->f);
    int closed = fclose(a->f);
    a->f = NULL;
    if (bad || closed != 0) {
      tc_fail(err, TC_ERR_IO, "%s: write failed: %s", a->path, strerror(errno));
      tc_atomic_abort(a);
      return TC_ERR_IO;
    }
  }
  if (!a->tmp[0])
    return TC_OK; /* written directly (tc_atomic_open of a device or FIFO) */
  if (rename(a->tmp, a->path) != 0) {
    tc_fail(err, TC_ERR_IO, "%s: cannot rename %s onto it: %s", a->path, a->tmp, strerror(errno));
    tc_atomic_abort(a);
    return TC_ERR_IO;
  }
  a->tmp[0] = '\0';
  return TC_OK;
}

void tc_atomic_abort(tc_atomic *a) {
  if (a->f) {
    fclose(a->f);
    a->f = NULL;
  }
  if (a->tmp[0]) {
    unlink(a->tmp);
    a->tmp[0] = '\0';
  }
}
