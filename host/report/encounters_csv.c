#include "host/report/encounters_csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/outpath.h"
#include "io/timefmt.h"
#include "io/timeparse.h"

size_t tc_encounter_csv_format(char *buf, const tc_encounter *e) {
  size_t n = tc_fmt_u64(buf, e->mmsi_a);
  buf[n++] = ',';
  n += tc_fmt_u64(buf + n, e->mmsi_b);
  buf[n++] = ',';
  n += (size_t)tc_time_format_iso(e->start, buf + n);
  buf[n++] = ',';
  n += (size_t)tc_time_format_iso(e->end, buf + n);
  buf[n++] = ',';
  n += tc_fmt_i64(buf + n, e->end - e->start);
  buf[n++] = ',';
  n += tc_fmt_i64(buf + n, e->close_slots);
  const double v[] = {e->min_dist_m, e->median_dist_m, e->mean_lat, e->mean_lon, e->speed_a_kn, e->speed_b_kn};
  static const int decimals[] = {3, 3, 6, 6, 4, 4};
  for (int i = 0; i < 6; i++) {
    buf[n++] = ',';
    n += tc_fmt_fixed(buf + n, v[i], decimals[i]);
  }
  return n;
}

int tc_encounter_csv_fields(FILE *f, const tc_encounter *e) {
  char buf[TC_ENCOUNTER_CSV_MAX];
  size_t n = tc_encounter_csv_format(buf, e);
  return fwrite(buf, 1, n, f) == n ? (int)n : -1;
}

tc_status tc_encounters_csv_fwrite(FILE *f, const tc_encounter_list *l) {
  if (fputs(TC_ENCOUNTERS_CSV_HEADER "\n", f) < 0)
    return TC_ERR_IO;
  char buf[TC_ENCOUNTER_CSV_MAX + 1];
  for (size_t i = 0; i < l->n; i++) {
    size_t n = tc_encounter_csv_format(buf, &l->v[i]);
    buf[n++] = '\n';
    if (fwrite(buf, 1, n, f) != n)
      return TC_ERR_IO;
  }
  return TC_OK;
}

/* PATH.tmp.PID, renamed onto PATH by finish_temp; a device or FIFO is written
 * directly (tmp left empty), since renaming would replace it. */
static tc_status open_temp(const char *path, char *tmp, size_t cap, FILE **f, tc_err *err) {
  if (tc_path_is_stream(path)) {
    tmp[0] = '\0';
    if (!(*f = fopen(path, "w")))
      return tc_fail(err, TC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    return TC_OK;
  }
  snprintf(tmp, cap, "%s.tmp.%ld", path, (long)getpid());
  *f = fopen(tmp, "w");
  if (!*f)
    return tc_fail(err, TC_ERR_IO, "%s: cannot create: %s", tmp, strerror(errno));
  return TC_OK;
}

static tc_status finish_temp(const char *path, const char *tmp, FILE *f, tc_status s, tc_err *err) {
  const char *name = tmp[0] ? tmp : path; /* a device or FIFO is written directly */
  if (fflush(f) != 0 && s == TC_OK)
    s = tc_fail(err, TC_ERR_IO, "%s: write failed: %s", name, strerror(errno));
  if (fclose(f) != 0 && s == TC_OK)
    s = tc_fail(err, TC_ERR_IO, "%s: write failed: %s", name, strerror(errno));
  if (!tmp[0])
    return s;
  if (s == TC_OK && rename(tmp, path) != 0)
    s = tc_fail(err, TC_ERR_IO, "%s: cannot rename to %s: %s", tmp, path, strerror(errno));
  if (s != TC_OK)
    remove(tmp);
  return s;
}

tc_status tc_encounters_csv_write(const char *path, const tc_encounter_list *l, tc_err *err) {
  if (!strcmp(path, "-")) {
    if (tc_encounters_csv_fwrite(stdout, l) != TC_OK || fflush(stdout) != 0)
      return tc_fail(err, TC_ERR_IO, "standard output: write failed");
    return TC_OK;
  }
  char tmp[4096], iobuf[1u << 16]; /* a list goes out in few calls, not one per 4 KiB */
  FILE *f;
  TC_TRY(open_temp(path, tmp, sizeof tmp, &f, err));
  setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
  tc_status s = tc_encounters_csv_fwrite(f, l);
  if (s != TC_OK)
    tc_fail(err, s, "%s: write failed: %s", tmp[0] ? tmp : path, strerror(errno));
  return finish_temp(path, tmp, f, s, err);
}

tc_status tc_write_file_atomic(const char *path, const char *text, size_t len, tc_err *err) {
  char tmp[4096];
  FILE *f;
  TC_TRY(open_temp(path, tmp, sizeof tmp, &f, err));
  tc_status s = TC_OK;
  if (fwrite(text, 1, len, f) != len)
    s = tc_fail(err, TC_ERR_IO, "%s: write failed: %s", tmp[0] ? tmp : path, strerror(errno));
  return finish_temp(path, tmp, f, s, err);
}

/* Splits line in place at commas; returns the number of fields (at most max). */
static int split(char *line, char **fld, int max) {
  int n = 0;
  char *p = line;
  while (n < max) {
    fld[n++] = p;
    char *c = strchr(p, ',');
    if (!c)
      break;
    *c = '\0';
    p = c + 1;
  }
  return n;
}

tc_status tc_encounters_csv_read(const char *path, tc_encounter_list *l, tc_err *err) {
  FILE *f = fopen(path, "r");
  if (!f)
    return tc_fail(err, TC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  unsigned long lineno = 0;
  tc_status s = TC_OK;
  int header = 0;
  while ((len = getline(&line, &cap, f)) >= 0) {
    lineno++;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
      line[--len] = '\0';
    if (len == 0 || line[0] == '#')
      continue;
    if (!header) {
      if (strncmp(line, TC_ENCOUNTERS_CSV_HEADER, strlen(TC_ENCOUNTERS_CSV_HEADER)) != 0) {
        s = tc_fail(err, TC_ERR_FORMAT, "%s:%lu: not an encounters CSV (header must start '%s')",
                    path, lineno, TC_ENCOUNTERS_CSV_HEADER);
        break;
      }
      header = 1;
      continue;
    }
    char *fld[12];
    if (split(line, fld, 12) < 12) {
      s = tc_fail(err, TC_ERR_FORMAT, "%s:%lu: expected 12 columns", path, lineno);
      break;
    }
    tc_encounter e;
    char *end;
    e.mmsi_a = (uint32_t)strtoul(fld[0], &end, 10);
    e.mmsi_b = (uint32_t)strtoul(fld[1], &end, 10);
    if (!tc_time_parse(fld[2], strlen(fld[2]), &e.start) ||
        !tc_time_parse(fld[3], strlen(fld[3]), &e.end)) {
      s = tc_fail(err, TC_ERR_FORMAT, "%s:%lu: column 'start' or 'end' is not a time", path, lineno);
      break;
    }
    e.close_slots = (int32_t)strtol(fld[5], &end, 10);
    e.min_dist_m = strtod(fld[6], &end);
    e.median_dist_m = strtod(fld[7], &end);
    e.mean_lat = strtod(fld[8], &end);
    e.mean_lon = strtod(fld[9], &end);
    e.speed_a_kn = strtod(fld[10], &end);
    e.speed_b_kn = strtod(fld[11], &end);
    if (tc_encounter_list_push(l, &e) != TC_OK) {
      s = tc_fail(err, TC_ERR_NOMEM, "%s: out of memory", path);
      break;
    }
  }
  if (s == TC_OK && ferror(f))
    s = tc_fail(err, TC_ERR_IO, "%s: read error", path);
  if (s == TC_OK && !header)
    s = tc_fail(err, TC_ERR_FORMAT, "%s: empty file, no encounters CSV header", path);
  free(line);
  fclose(f);
  return s;
}
