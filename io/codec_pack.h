/* The "pack" codec's chunks (docs/format.md, "Codecs"): the integers of the delta
 * transform (io/codec.h) bit-packed in pieces of TC_PACK_PIECE rows, each piece at the
 * fewest bits that hold its values but a few "exceptions" stored whole (patched
 * frame of reference); short pieces follow a track's changes of pace. Unpacking is a
 * load, a shift and a mask a value, with no entropy coder to undo, so a chunk decodes
 * near memory speed.
 *
 * On disk each chunk is an ordinary zlib stream, so HDF5's own deflate filter (and
 * h5py with it) reads the dataset: one stored block per TC_PACK_BLOCK rows (their
 * pieces' bytes as they are), then a final block of zeros up to the chunk's logical length, then the
 * Adler-32. The engine reads the pieces straight out of the stored blocks and checks
 * the Adler-32 itself (the zeros' share computed, not inflated).
 *
 * A piece of m values of es bytes: byte w (bits a value, 0..8 es), uint16 LE e
 * (exceptions), ceil(m w / 8) bytes holding the low w bits of each value (value i at
 * bits [i w, i w + w) of the little-endian bit string), e uint16 LE row numbers in the
 * piece, then those rows' whole values (es bytes LE each). Internal to io/. */
#ifndef TC_CODEC_PACK_H
#define TC_CODEC_PACK_H

#include <stddef.h>
#include <stdint.h>

#define TC_PACK_PIECE 128 /* rows per piece (a width each) */
#define TC_PACK_BLOCK 512 /* rows per stored block: decoded together while in L1 */

/* Room enough for tc_pack_chunk of a chunk of `logical` bytes holding n values of es. */
size_t tc_pack_chunk_bound(size_t n, size_t es, size_t logical);

/* The zlib stream of one chunk: n values of es bytes (native byte order) packed, the
 * chunk's logical length `logical` (>= n * es) reached with zeros. *payload: bytes of
 * packed pieces, or 0 when packing would not be smaller than the values, which are
 * then stored as they are (one stored block per TC_PACK_BLOCK rows too). Returns the stream's
 * length, or 0 when cap is too small. */
size_t tc_pack_chunk(const void *v, size_t n, size_t es, size_t logical, unsigned char *out, size_t cap,
                     uint64_t *payload);

/* Unpacks one piece of m values of es bytes from p (exactly len bytes; 8 bytes past
 * p + len must be readable) into dst. 0, or -1 when the piece is not well formed. */
int tc_pack_piece(const unsigned char *p, size_t len, size_t m, size_t es, void *dst);

/* Unpacks n values from len bytes of pieces back to back (a stored block's, or a whole
 * chunk's payload; 8 readable bytes after them) into dst. 0 or -1. */
int tc_pack_decode(const unsigned char *src, size_t len, size_t n, size_t es, void *dst);

/* Walks a chunk's zlib stream (z, zlen bytes, without any checksum after it) piece by
 * piece, verifying its Adler-32 over the pieces and the zeros that follow them. */
typedef struct {
  const unsigned char *z;
  size_t zlen, pos;
  uint32_t adler;
  uint64_t bytes; /* of the pieces so far */
} tc_pack_reader;

/* 0, or -1 when the stream does not start as tc_pack_chunk writes it. */
int tc_pack_begin(tc_pack_reader *r, const unsigned char *z, size_t zlen);
/* The next stored block: *p and *len; at least 8 bytes of the stream follow it. 0 or -1. */
int tc_pack_next(tc_pack_reader *r, const unsigned char **p, size_t *len);
/* After the last piece: 0 when the Adler-32 of the pieces and zeros up to `logical`
 * bytes is the stream's, else -1. */
int tc_pack_end(tc_pack_reader *r, size_t logical);

#endif
