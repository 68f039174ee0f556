/* Reading the delta codec's datasets through HDF5 (io/codec.h), for the read paths
 * that do not decode raw chunks themselves: whole chunks are read, decoded and the
 * rows asked for copied out. Internal to io/. */
#ifndef TC_CODEC_H5_H
#define TC_CODEC_H5_H

#include <hdf5.h>
#include <stdint.h>

#include "io/status.h"

/* The memory type of column c's stored integers under the delta codec. */
hid_t tc_codec_stored_type(int c);

/* The chunk_modes of transformed dataset d with `rows` rows in chunks of `chunk`:
 * exactly one per chunk, each one the column can have. *modes: malloc'd (free()).
 * TC_ERR_FORMAT naming path, bucket t0 and the dataset when not. */
tc_status tc_codec_modes(hid_t d, int c, uint64_t rows, uint64_t chunk, uint8_t **modes, const char *path,
                         int64_t t0, tc_err *err);

/* Rows [start, start + n) of transformed dataset d (column c, `rows` rows) decoded
 * into buf (the column's native type). */
tc_status tc_codec_read_rows(hid_t d, int c, uint64_t rows, uint64_t start, uint64_t n, void *buf,
                             const char *path, int64_t t0, tc_err *err);

#endif
