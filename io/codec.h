/* Store codecs (docs/format.md, "Codecs"), chosen when a store is created and named
 * by its root attribute "codec":
 *   none     no filters (format version 1)
 *   deflate  HDF5 shuffle + deflate (format version 1)
 *   delta    trajcorr's own lossless transform of t, lat, lon, sog and cog, then the
 *            same shuffle + deflate (format version 2). Each chunk is coded on its own
 *            (so chunks decode in parallel): a column's values become integers v[i],
 *            stored as zigzag(v[i] - v[i-1]) (v[-1] = 0 at the chunk's first row), so
 *            the high byte planes are nearly all zero. The integers are t itself; for a
 *            coordinate or speed/course chunk whose every value is exactly q / 10^k (the
 *            decimal grid AIS sources and the generator sit on; checked bit for bit),
 *            q; otherwise the value's IEEE bits. Each dataset's attribute
 *            "chunk_modes" holds k per chunk (0: bits; t: always 0).
 *   pack     the delta transform (and mmsi and heading as differences too), the integers then
 *            bit-packed in pieces of 128 rows (io/codec_pack.h) inside zlib stored
 *            blocks, so HDF5's deflate filter still reads them (format version 3).
 *            Every column is coded; each dataset also has "chunk_bytes", the packed
 *            bytes per chunk (0: the integers as they are).
 * Every transformed dataset is stored as unsigned integers of the column's width. */
#ifndef TC_CODEC_H
#define TC_CODEC_H

#include <stddef.h>
#include <stdint.h>

typedef enum { TC_CODEC_NONE, TC_CODEC_DEFLATE, TC_CODEC_DELTA, TC_CODEC_PACK } tc_codec;

/* The codec of new stores: the one the measurements in docs/format.md favour. */
#define TC_CODEC_DEFAULT TC_CODEC_PACK

#define TC_CODEC_A_MODES "chunk_modes" /* uint8 per chunk, on each transformed dataset */
#define TC_CODEC_A_TRANSFORM "transform" /* a one-line description, for people */
#define TC_CODEC_A_BYTES "chunk_bytes" /* uint64 per chunk, pack codec: packed bytes (0: not packed) */

const char *tc_codec_name(tc_codec c);
/* The codec called name, or -1. */
int tc_codec_parse(const char *name);

/* 1 when column c (io/store_schema.h tc_h5_col) is transformed under codec (under
 * pack: every column, mmsi and heading as zigzagged differences too). */
int tc_codec_transforms(tc_codec codec, int c);

/* The store format version that codec is written in (1, 2 or 3). */
int tc_codec_version(tc_codec codec);

/* Encodes n values of column c in place (native type in, stored integers out) and
 * returns the chunk's mode. */
uint8_t tc_codec_encode(int c, void *col, size_t n);

/* Decodes n stored values of column c in place; 0, or -1 when mode is not one the
 * column can have. */
int tc_codec_decode(int c, uint8_t mode, void *col, size_t n);

/* The same over a chunk taken in consecutive pieces (a piece decoded while it is in
 * cache): *acc carries the running sum from one piece to the next and starts at 0 at
 * the chunk's first row. */
int tc_codec_decode_more(int c, uint8_t mode, void *col, size_t n, uint64_t *acc);

#endif
