/* Verifying a whole track store (`trajcorr check`): every bucket's rows (order, time
 * range, positions), vessel index, counts against the bucket table and the bucket's own
 * attributes, every chunk's checksum, datatypes, and the vessel and source tables. */
#ifndef TC_STORE_CHECK_H
#define TC_STORE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"
#include "io/store.h"

/* Called once per problem found, with a message naming the store, bucket, dataset,
 * row and the rule broken. */
typedef void (*tc_store_problem_fn)(void *ctx, const char *problem);

typedef struct {
  size_t buckets;       /* buckets checked */
  uint64_t rows;        /* rows read and checked */
  size_t datasets;      /* datasets in the file */
  size_t unchecksummed; /* of those, without a Fletcher-32 checksum (older stores) */
  int metadata_checksums; /* 1: file format with checksummed metadata (superblock v2+) */
  size_t problems;      /* 0: the store is sound */
} tc_store_check_report;

/* Checks the store at path, reporting each problem through fn (may be NULL). TC_OK when
 * the check ran to its end, whatever it found (r->problems says); a file whose bytes
 * HDF5 refuses is one problem. TC_ERR_IO when the file cannot be read at all (missing,
 * a directory, no permission): no verdict on its contents. Out of memory and the like
 * otherwise. */
tc_status tc_store_check(const char *path, tc_store_problem_fn fn, void *ctx,
                         tc_store_check_report *r, tc_err *err);

/* How much of an open store is checksummed: its datasets, those without Fletcher-32,
 * and whether its metadata is (cheap: reads no data). */
tc_status tc_store_checksums(tc_store *s, size_t *datasets, size_t *unchecksummed, int *metadata,
                             tc_err *err);

#endif
