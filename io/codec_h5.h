/* Reading the delta codec's datasets through HDF5 (io/codec.h), for the read paths
 * that do not decode raw chunks themselves: whole chunks are read, decoded and the
 * rows asked for copied out. Internal to io/. */
#ifndef TC_CODEC_H5_H
#define TC_CODEC_H5_H

#include <hdf5.h>
#include <stdint.h>

#include "io/status.h"
#include "io/store.h"

/* The memory type of column c's stored integers under the delta codec. */
hid_t tc_codec_stored_type(int c);

/* The chunk_modes of transformed dataset d with `rows` rows in chunks of `chunk`:
 * exactly one per chunk, each one the column can have. *modes: malloc'd (free()).
 * TC_ERR_FORMAT naming path, bucket t0 and the dataset when not. */
tc_status tc_codec_modes(hid_t d, int c, uint64_t rows, uint64_t chunk, uint8_t **modes, const char *path,
                         int64_t t0, tc_err *err);

/* The pack codec's packed length of each chunk of dataset d (attribute chunk_bytes),
 * each within its chunk's rows. *bytes: malloc'd (free()). TC_ERR_FORMAT when not. */
tc_status tc_codec_chunk_bytes(hid_t d, int c, uint64_t rows, uint64_t chunk, uint64_t **bytes, const char *path,
                               int64_t t0, tc_err *err);

/* The chunks of one column last decoded through HDF5: reads of a few rows at a time
 * (one vessel's, small slices) then decode each chunk once, not once per read. */
typedef struct {
  int64_t t0;          /* bucket */
  uint64_t r0, r1;     /* rows held, decoded */
  unsigned char *buf;  /* tc_realloc_huge'd; free() */
  size_t cap;          /* bytes */
} tc_codec_cache;

/* The open store's cache for column c (io/store.c). */
tc_codec_cache *tc_store_codec_cache(tc_store *s, int c);

/* Rows [start, start + n) of transformed dataset d (column c, `rows` rows of bucket
 * t0, the store's codec) decoded into buf (the column's native type), through cache
 * (not NULL). */
tc_status tc_codec_read_rows(hid_t d, int c, int codec, uint64_t rows, uint64_t start, uint64_t n, void *buf,
                             tc_codec_cache *cache, const char *path, int64_t t0, tc_err *err);

#endif
