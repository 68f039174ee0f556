/* Helpers for the store and import tests: scratch paths, deterministic synthetic
 * fixes, a reference implementation of the import order and dedup, whole-store reads. */
#ifndef TC_TEST_STORE_FIXTURES_H
#define TC_TEST_STORE_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include "io/columns.h"
#include "io/import.h"

/* TC_TEST_TMP/store/<name>, directory created, any old file of that name removed. */
void store_tmp_path(const char *name, char *out, size_t cap);
/* The same path, leaving any file there alone. */
void store_tmp_name(const char *name, char *out, size_t cap);

/* n random fixes of nvessels vessels in [t_base, t_base + span), with some exact
 * duplicates and some equal (mmsi, t) at other positions; valid positions only. */
void store_gen_fixes(tc_fix *out, size_t n, uint64_t seed, int64_t t_base, int64_t span,
                     uint32_t nvessels);

/* begin, add every fix, commit. */
tc_status store_import_fixes(const char *path, const tc_import_opts *o, const tc_fix *f, size_t n,
                             tc_import_result *res, tc_err *err);

/* The rows the store must hold for input in (in[0..n)): rule 1, then per bucket
 * (mmsi, t, lat, lon, input order), first of equal (mmsi, t) kept. *out malloc'd. */
void store_expected(const tc_fix *in, size_t n, int64_t bucket_s, tc_fix **out, size_t *nout);

/* Every row of the store, bucket by bucket (cr_assert on failure). *out malloc'd. */
void store_read_all(const char *path, tc_fix **out, size_t *n);

/* 1 when the two row arrays are equal field by field (NaN equal to NaN). */
int store_rows_equal(const tc_fix *a, size_t na, const tc_fix *b, size_t nb);

/* SHA-256 of a file as hex, "" when it does not exist. */
void store_file_hash(const char *path, char hex[65]);

/* Runs a shell command, returns its exit status (-1 when it did not exit). */
int store_system(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
