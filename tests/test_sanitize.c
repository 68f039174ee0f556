/* Findings of the sanitizer build (-DTRAJCORR_SANITIZE=address,undefined) that no
 * other suite reaches. Here they pass in any build; under ASan a leak or a bad access
 * they provoke leaves a report that fails the sanitizer_reports test. */
#include <hdf5.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/import.h"
#include "io/store.h"
#include "support/store_fixtures.h"

#define T2022 1640995200

static unsigned char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "%s", path);
  fseek(f, 0, SEEK_END);
  *n = (size_t)ftell(f);
  rewind(f);
  unsigned char *b = malloc(*n);
  cr_assert_eq(fread(b, 1, *n, f), *n);
  fclose(f);
  return b;
}

/* Each byte of the superblock flipped: opening the store either works or fails with a
 * message naming it. With Debian's HDF5 1.10.8 a damaged base address makes H5Fopen
 * fail inside the root object header's decode, which loses 56 bytes in HDF5 itself
 * (tests/sanitize/lsan.supp, docs/reliability.md); nothing of trajcorr's may leak. */
Test(sanitize, damaged_superblock_refused_without_leaks, .timeout = 120) {
  char path[1024], bad[1024];
  store_tmp_path("superblock.h5", path, sizeof path);
  store_tmp_path("superblock-bad.h5", bad, sizeof bad);
  size_t nf = 2000;
  tc_fix *f = malloc(nf * sizeof *f);
  store_gen_fixes(f, nf, 7, T2022, 86400, 20);
  tc_import_opts o;
  tc_import_opts_init(&o);
  tc_import_result res;
  tc_err err;
  cr_assert_eq(store_import_fixes(path, &o, f, nf, &res, &err), TC_OK, "%s", err.msg);
  free(f);
  /* HDF5 keeps freed blocks on its free lists and hands them out again: without this,
   * the block its own error path loses below would be reported with the import's
   * allocation stack, which no suppression can name. */
  cr_assert_geq(H5garbage_collect(), 0);
  size_t n;
  unsigned char *img = slurp(path, &n);
  size_t refused = 0;
  for (size_t i = 0; i < 96 && i < n; i++) {
    img[i] ^= 0xff;
    FILE *w = fopen(bad, "wb");
    cr_assert_not_null(w);
    cr_assert_eq(fwrite(img, 1, n, w), n);
    fclose(w);
    img[i] ^= 0xff;
    tc_store *s = NULL;
    memset(&err, 0, sizeof err);
    tc_status st = tc_store_open(bad, &s, &err);
    if (st == TC_OK) {
      tc_store_close(s);
      continue;
    }
    refused++;
    cr_assert_null(s);
    cr_assert(strstr(err.msg, bad) != NULL, "byte %zu: the message does not name the store: %s", i, err.msg);
  }
  free(img);
  cr_assert_gt(refused, 8, "most superblock bytes matter (%zu refused)", refused);
}
