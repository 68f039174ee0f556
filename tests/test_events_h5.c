/* `trajcorr events --format hdf5`: PREFIX.KIND.h5, one compound table per kind with a
 * row per CSV row, the same values (times int64 seconds since 1970 with a units
 * attribute), written atomically and never onto an input. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/timeparse.h"
#include "support/lead_run.h"

typedef struct {
  uint32_t mmsi;
  int64_t start;
  int64_t l_star_s; /* dark only */
} key;

/* Rows of a CSV: the first column and the ISO time in column tcol (and column lcol as an
 * integer when >= 0); returns the row count. */
static size_t csv_keys(const char *path, int tcol, int lcol, key *out, size_t cap) {
  FILE *f = fopen(path, "r");
  cr_assert(f, "%s", path);
  char line[4096];
  size_t n = 0;
  cr_assert(fgets(line, sizeof line, f));
  while (fgets(line, sizeof line, f) && n < cap) {
    char *fld[32], *p = line;
    int nf = 0;
    while (nf < 32 && p) {
      fld[nf++] = p;
      p = strchr(p, ',');
      if (p)
        *p++ = '\0';
    }
    out[n].mmsi = (uint32_t)strtoul(fld[0], NULL, 10);
    cr_assert(tc_time_parse(fld[tcol], strlen(fld[tcol]), &out[n].start), "%s: bad time", path);
    out[n].l_star_s = lcol >= 0 ? strtoll(fld[lcol], NULL, 10) : 0;
    n++;
  }
  fclose(f);
  return n;
}

static char *attr_text(hid_t d, const char *name) {
  hid_t a = H5Aopen(d, name, H5P_DEFAULT);
  cr_assert_geq(a, 0, "no attribute %s", name);
  hid_t t = H5Aget_type(a);
  size_t sz = H5Tget_size(t);
  char *s = calloc(sz + 1, 1);
  cr_assert_geq(H5Aread(a, t, s), 0);
  H5Tclose(t);
  H5Aclose(a);
  return s;
}

/* The table of kind in PREFIX.KIND.h5 against PREFIX.KIND.csv, row by row. */
static void same_as_csv(const char *dir, const char *kind, const char *mmsi_f, const char *t_f, int tcol,
                        const char *l_f, int lcol) {
  char h5[1024], csv[1024];
  snprintf(h5, sizeof h5, "%s/h.%s.h5", dir, kind);
  snprintf(csv, sizeof csv, "%s/c.%s.csv", dir, kind);
  enum { CAP = 200000 };
  key *want = malloc(CAP * sizeof *want), *got = calloc(CAP, sizeof *got);
  size_t n = csv_keys(csv, tcol, lcol, want, CAP);
  cr_assert_gt(n, 0, "%s: no rows to compare", csv);
  hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0, "%s: not HDF5", h5);
  hid_t d = H5Dopen2(f, kind, H5P_DEFAULT), sp = H5Dget_space(d);
  cr_assert_geq(d, 0, "%s: no table /%s", h5, kind);
  cr_assert_eq((size_t)H5Sget_simple_extent_npoints(sp), n, "%s: rows differ from the CSV", kind);
  hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(key));
  H5Tinsert(mt, mmsi_f, HOFFSET(key, mmsi), H5T_NATIVE_UINT32);
  H5Tinsert(mt, t_f, HOFFSET(key, start), H5T_NATIVE_INT64);
  if (l_f)
    H5Tinsert(mt, l_f, HOFFSET(key, l_star_s), H5T_NATIVE_INT64);
  cr_assert_geq(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, got), 0);
  for (size_t i = 0; i < n; i++)
    cr_assert(got[i].mmsi == want[i].mmsi && got[i].start == want[i].start && got[i].l_star_s == want[i].l_star_s,
              "%s row %zu: %u %lld %lld, CSV %u %lld %lld", kind, i, got[i].mmsi, (long long)got[i].start,
              (long long)got[i].l_star_s, want[i].mmsi, (long long)want[i].start, (long long)want[i].l_star_s);
  char un[96];
  snprintf(un, sizeof un, "%s_units", t_f);
  char *u = attr_text(d, un);
  cr_assert_str_eq(u, "seconds since 1970-01-01T00:00:00Z");
  free(u);
  H5Tclose(mt);
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
  free(want);
  free(got);
}

Test(events_h5, tables_match_the_csv, .timeout = 120) {
  char dir[512];
  tr_scratch("evh5", dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' generate -q --events --vessels 400 --days 1.5 --seed 4 --store '%s/s.h5'", TC_BINARY, dir),
               0);
  cr_assert_eq(tr_sh("'%s' events -q '%s/s.h5' -o '%s/c'", TC_BINARY, dir, dir), 0);
  cr_assert_eq(tr_sh("'%s' events -q --format hdf5 '%s/s.h5' -o '%s/h'", TC_BINARY, dir, dir), 0);
  cr_assert_eq(tr_sh("test -s '%s/h.events.json' && ! ls '%s' | grep -q tmp", dir, dir), 0,
               "no sidecar, or a temporary file left behind");
  same_as_csv(dir, "loitering", "mmsi", "start", 1, NULL, -1);
  same_as_csv(dir, "gaps", "mmsi", "start", 1, NULL, -1);
  same_as_csv(dir, "dark", "mmsi_a", "gap_a_start", 2, "l_star_s", 6);
  /* never onto an input: with prefix x the dark table would be the store x.dark.h5 */
  cr_assert_eq(tr_sh("cp '%s/s.h5' '%s/x.dark.h5' && '%s' events -q --format hdf5 '%s/x.dark.h5' -o '%s/x' "
                     "2>'%s/err'", dir, dir, TC_BINARY, dir, dir, dir),
               2);
  cr_assert_eq(tr_sh("grep -q refusing '%s/err' && cmp -s '%s/s.h5' '%s/x.dark.h5' && test ! -e '%s/x.gaps.h5'", dir,
                     dir, dir, dir),
               0, "the store was touched or a table written");
  /* a folder that does not exist: exit 1, nothing written */
  cr_assert_eq(tr_sh("'%s' events -q --format hdf5 '%s/s.h5' -o '%s/no/h' 2>/dev/null", TC_BINARY, dir, dir), 1);
  tr_sh("rm -rf '%s'", dir);
}
