#include "analyst_util.h"

#include <unistd.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *au_path(const char *name) {
  static char bufs[16][1024];
  static int k;
  const char *base = getenv("TC_TEST_TMP");
  char dir[900];
  /* one folder per process: Criterion runs a program's tests side by side, ctest runs
   * several programs, and their files (check.py, ogrinfo.txt, ...) share names */
  snprintf(dir, sizeof dir, "%s/analyst-%ld", base && *base ? base : "/tmp/tc-test-tmp", (long)getpid());
  char cmd[1000];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
  cr_assert_eq(system(cmd), 0, "cannot create %s", dir);
  char *b = bufs[k++ % 16];
  snprintf(b, 1024, "%s/%s", dir, name);
  return b;
}

const char *au_write(const char *name, const char *text) {
  const char *p = au_path(name);
  FILE *f = fopen(p, "w");
  cr_assert(f, "cannot write %s", p);
  fputs(text, f);
  cr_assert_eq(fclose(f), 0);
  return p;
}

int au_have_python(const char *modules) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c 'import %s' >/dev/null 2>&1", modules);
  for (char *p = cmd + strlen("/usr/bin/python3 -c 'import "); *p && *p != '\''; p++)
    if (*p == ' ')
      *p = ',';
  return system(cmd) == 0;
}

int au_python(const char *script, const char *args, char *out, size_t cap) {
  const char *sp = au_write("check.py", script);
  const char *op = au_path("check.out");
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' %s >'%s' 2>&1", sp, args, op);
  int rc = system(cmd);
  out[0] = '\0';
  FILE *f = fopen(op, "r");
  if (f) {
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    fclose(f);
  }
  return rc;
}

tc_encounter au_encounter(uint32_t a, uint32_t b, int64_t start, int64_t end, double lat, double lon) {
  tc_encounter e;
  memset(&e, 0, sizeof e);
  e.mmsi_a = a;
  e.mmsi_b = b;
  e.start = start;
  e.end = end;
  e.close_slots = (int32_t)((end - start) / 600 + 1);
  e.min_dist_m = 120.5;
  e.median_dist_m = 230.25;
  e.mean_lat = lat;
  e.mean_lon = lon;
  e.speed_a_kn = 0.6;
  e.speed_b_kn = 0.8;
  return e;
}
