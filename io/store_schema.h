/* Names and types of the HDF5 track store (docs/format.md), shared by the reader
 * (io/store.c) and the writer (io/store_write.c), plus the small HDF5 helpers both
 * use (io/store_h5.c). Internal to io/: the rest of the program uses io/store.h. */
#ifndef TC_STORE_SCHEMA_H
#define TC_STORE_SCHEMA_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "io/status.h"
#include "io/columns.h"
#include "io/store.h"

#define TC_H5_MAGIC "trajcorr-store" /* root attribute "format" */

/* Root attributes. */
#define TC_H5_A_FORMAT "format"
#define TC_H5_A_VERSION "format_version" /* int32 */
#define TC_H5_A_BUCKET_S "bucket_s"      /* int64 */
#define TC_H5_A_T_MIN "t_min"            /* int64 */
#define TC_H5_A_T_MAX "t_max"            /* int64 */
#define TC_H5_A_ROWS "rows"              /* uint64 */
#define TC_H5_A_VESSELS "vessels"        /* uint64 */
#define TC_H5_A_BUCKETS "buckets"        /* uint64 */
#define TC_H5_A_CODEC "codec"            /* "deflate" (with shuffle) or "none" */
#define TC_H5_A_LEVEL "deflate_level"    /* int32 */
#define TC_H5_A_CHUNK "chunk_rows"       /* uint64 */
#define TC_H5_A_CREATED_BY "created_by"
/* Cleaning counts: "clean_" + the tc_clean_counts field name, uint64. */
#define TC_H5_CLEAN_PREFIX "clean_"
/* The i-th tc_clean_counts field: its name and where it is; NULL past the last. */
const char *tc_h5_clean_field(size_t i, size_t *offset);

/* Groups. */
#define TC_H5_G_BUCKETS "buckets"    /* one group per bucket, named by its t0 in decimal */
#define TC_H5_G_TABLE "bucket_table" /* one row per bucket, in time order */
#define TC_H5_G_VESSELS "vessels"    /* static data, sorted by (mmsi, valid_from) */
#define TC_H5_G_SOURCES "sources"    /* imported files, in import order */

/* bucket_table columns, also the attributes of each bucket group. */
#define TC_H5_B_T0 "t0"           /* int64 */
#define TC_H5_B_ROWS "rows"       /* uint64 */
#define TC_H5_B_VESSELS "vessels" /* uint64 */
#define TC_H5_B_T_MIN "t_min"     /* int64 */
#define TC_H5_B_T_MAX "t_max"     /* int64 */

/* Per-bucket vessel index: rows [start, start + count) are that vessel's. */
#define TC_H5_I_MMSI "index_mmsi"   /* uint32, ascending */
#define TC_H5_I_START "index_start" /* uint64 */
#define TC_H5_I_COUNT "index_count" /* uint64 */

/* Vessel table columns. Strings are fixed-length, NUL-padded. */
#define TC_H5_V_MMSI "mmsi"
#define TC_H5_V_FROM "valid_from" /* int64 Unix s */
#define TC_H5_V_IMO "imo"
#define TC_H5_V_NAME "name"
#define TC_H5_V_CALLSIGN "callsign"
#define TC_H5_V_TYPE "ship_type"
#define TC_H5_V_LENGTH "length"
#define TC_H5_V_WIDTH "width"
#define TC_H5_V_DRAUGHT "draught"
#define TC_H5_V_DEST "destination"

/* Source table columns. */
#define TC_H5_S_NAME "name"          /* string, 256 */
#define TC_H5_S_SIZE "size"          /* uint64 bytes */
#define TC_H5_S_SHA "sha256"         /* string, 64 hex digits */
#define TC_H5_S_FORMAT "format"      /* string, 16 */
#define TC_H5_S_TIME "imported_at"   /* int64 Unix s */
#define TC_H5_S_RECORDS "records"    /* uint64 position records read */
#define TC_H5_S_NAME_LEN 256
#define TC_H5_S_FORMAT_LEN 16

/* The position columns of a bucket, in this order. */
typedef enum {
  TC_H5_MMSI, TC_H5_T, TC_H5_LAT, TC_H5_LON, TC_H5_SOG, TC_H5_COG, TC_H5_HEADING, TC_H5_NCOLS
} tc_h5_col;

/* Element kinds of the datasets and attributes. */
typedef enum { TC_H5_U16, TC_H5_U32, TC_H5_U64, TC_H5_I32, TC_H5_I64, TC_H5_F32, TC_H5_F64 } tc_h5_kind;

const char *tc_h5_col_name(tc_h5_col c);
tc_h5_kind tc_h5_col_kind(tc_h5_col c);
void *tc_h5_col_ptr(const tc_columns *c, tc_h5_col k); /* base of that column's array */
size_t tc_h5_kind_size(tc_h5_kind k);
const char *tc_h5_kind_name(tc_h5_kind k); /* "uint32", "float64", ... as docs/format.md */
hid_t tc_h5_native(tc_h5_kind k); /* memory type */
hid_t tc_h5_file_type(tc_h5_kind k); /* little-endian type stored in the file */

/* Switches off HDF5's automatic error printing (we report through tc_err). */
void tc_h5_quiet(void);

/* Fails with TC_ERR_HDF5: "PATH: <what>: <HDF5's own innermost reason>". */
tc_status tc_h5_fail(tc_err *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Scalar attributes: 0 on success, -1 on failure (absent, wrong type). */
int tc_h5_attr_get(hid_t loc, const char *name, tc_h5_kind k, void *value);
int tc_h5_attr_put(hid_t loc, const char *name, tc_h5_kind k, const void *value);
int tc_h5_attr_get_str(hid_t loc, const char *name, char *buf, size_t cap);
int tc_h5_attr_put_str(hid_t loc, const char *name, const char *value);

/* 1-D datasets. Create: chunked (chunk rows > 0) with shuffle + deflate when level > 0,
 * then Fletcher-32 always, extendible when maxdims is unlimited; contiguous when chunk == 0. */
hid_t tc_h5_dset_create(hid_t loc, const char *name, hid_t file_type, uint64_t n, uint64_t chunk,
                        int level, int extendible);
/* 1 when the dataset's file type is exactly mem_type stored little-endian (strings:
 * exactly mem_type): class, size, byte order, precision, bit offset, padding, sign. */
int tc_h5_type_matches(hid_t dset, hid_t mem_type);

/* HDF5's Fletcher-32 filter checksum, over data given in pieces, all but the last of
 * even length (the filter appends it to each chunk, little-endian). */
typedef struct {
  uint32_t s1, s2;
  size_t left;  /* words before the next fold */
  unsigned odd; /* 0x100 | the last byte of an odd length */
} tc_h5_fletcher32;
void tc_h5_fletcher32_init(tc_h5_fletcher32 *f);
void tc_h5_fletcher32_add(tc_h5_fletcher32 *f, const void *data, size_t len);
uint32_t tc_h5_fletcher32_end(tc_h5_fletcher32 *f);
uint32_t tc_h5_fletcher32_of(const void *data, size_t len);
/* 1 when the 4 bytes stored after a chunk hold sum (either byte order, as HDF5 reads). */
int tc_h5_fletcher32_matches(uint32_t sum, const unsigned char stored[4]);

/* Length of a 1-D dataset, or -1. */
int64_t tc_h5_dset_len(hid_t dset);
/* Reads rows [start, start + n) of a 1-D dataset into buf (mem_type). 0 or -1. */
int tc_h5_dset_read(hid_t dset, hid_t mem_type, uint64_t start, uint64_t n, void *buf);
/* Writes n rows at start (the dataset must already be that long). 0 or -1. */
int tc_h5_dset_write(hid_t dset, hid_t mem_type, uint64_t start, uint64_t n, const void *buf);
/* A fixed-length string type of size len (NUL-padded). Caller closes it. */
hid_t tc_h5_str_type(size_t len);

/* Writes a whole 1-D array as a new dataset (chunked with a checksum; compressed when
 * n is large). 0 or -1. */
int tc_h5_put_array(hid_t loc, const char *name, hid_t file_type, hid_t mem_type, uint64_t n,
                    const void *buf, int level);
/* Reads a whole 1-D dataset that must have exactly n rows and the type mem_type
 * stored little-endian (tc_h5_type_matches). 0 or -1 (HDF5's error stack says why). */
int tc_h5_get_array(hid_t loc, const char *name, hid_t mem_type, uint64_t n, void *buf);

/* Resizes a bucket's vessel index columns (index_mmsi, index_start, index_count) to n
 * entries; 1 on success, 0 when out of memory (the columns that were resized keep
 * their new blocks, the others their old ones: free all three either way). */
int tc_h5_index_resize(uint32_t **mmsi, uint64_t **start, uint64_t **count, size_t n);

/* The vessel and source tables (io/store_tables.c). Readers allocate *out (free()). */
tc_status tc_h5_write_vessels(hid_t file, const char *path, const tc_vessel_static *v, size_t n,
                              int level, tc_err *err);
tc_status tc_h5_read_vessels(hid_t file, const char *path, tc_vessel_static **out, size_t *n,
                             tc_err *err);
tc_status tc_h5_write_sources(hid_t file, const char *path, const tc_store_srcfile *s, size_t n,
                              tc_err *err);
tc_status tc_h5_read_sources(hid_t file, const char *path, tc_store_srcfile **out, size_t *n,
                             tc_err *err);

/* Checks rows [row0, row0 + n) of bucket k, held in c's rows 0 .. n-1, for the columns
 * in `cols` (io/store_chunks.h bits) against the format's rules: MMSIs 1..999999999,
 * times inside the bucket, positions in range, rows sorted by (mmsi, t); when the
 * slices of a bucket are checked in order, also across slices and, at its last row,
 * its vessel count and time span against the bucket table. TC_ERR_FORMAT naming the
 * store, bucket, dataset, row and rule. (io/store.c) */
tc_status tc_store_check_rows(tc_store *s, size_t k, uint64_t row0, const tc_columns *c, size_t n,
                              unsigned cols, tc_err *err);

/* Non-zero when some x[i] (i < n) lies outside [-lim, lim] or is NaN (vectorised). */
uint64_t tc_store_outside(const double *x, size_t n, double lim);

/* Whether bucket reads verify the Fletcher-32 of compressed chunks as well (whose
 * zlib Adler-32 already covers their data): off by default, on for trajcorr check. */
void tc_store_set_verify_all(tc_store *s, int on);
int tc_store_verify_all(const tc_store *s);

/* The open store's HDF5 file (for the writer's H5Ocopy of untouched buckets). */
hid_t tc_store_file_id(const tc_store *s);

#endif
