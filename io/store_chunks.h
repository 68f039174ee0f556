/* Fast bucket reads for the engine: only the columns asked for. HDF5 locates each
 * chunk; then every thread preads raw chunks (an uncompressed one straight into the
 * caller's rows) and inflates (libdeflate, else zlib) and unshuffles them into place.
 * HDF5's own filter pipeline decompresses on one thread and then copies out of its
 * chunk cache; this path does neither. Files not on the plain sec2 driver read their
 * raw chunks through H5Dread_chunk on one thread instead; any layout it does not
 * recognise falls back to an ordinary H5Dread of that column. */
#ifndef TC_STORE_CHUNKS_H
#define TC_STORE_CHUNKS_H

#include "io/store.h"

/* Column bits for tc_store_read_bucket_cols. */
#define TC_COL_MMSI (1u << 0)
#define TC_COL_T (1u << 1)
#define TC_COL_LAT (1u << 2)
#define TC_COL_LON (1u << 3)
#define TC_COL_SOG (1u << 4)
#define TC_COL_COG (1u << 5)
#define TC_COL_HEADING (1u << 6)
#define TC_COL_POSITION (TC_COL_MMSI | TC_COL_T | TC_COL_LAT | TC_COL_LON)
#define TC_COL_ALL 0x7Fu

/* Like tc_store_read_bucket, but fills only the columns in `cols` (the others keep
 * their capacity and hold nothing meaningful). threads: 0 = OpenMP default. */
tc_status tc_store_read_bucket_cols(tc_store *s, size_t k, tc_columns *out, unsigned cols,
                                    int threads, tc_err *err);

/* Rows [row0, row0 + n) of bucket k into out's rows 0 .. n-1, the columns in `cols`.
 * Raw chunks are decoded in parallel when the rows are whole chunks of each column
 * (the bucket's last chunk may be short); otherwise through HDF5. */
tc_status tc_store_read_bucket_slice(tc_store *s, size_t k, uint64_t row0, uint64_t n, tc_columns *out,
                                     unsigned cols, int threads, tc_err *err);

/* The chunk length of bucket k's `t` column (0 when it is not chunked): slices of
 * whole chunks read fastest. */
tc_status tc_store_bucket_chunk(tc_store *s, size_t k, uint64_t *chunk, tc_err *err);

#endif
