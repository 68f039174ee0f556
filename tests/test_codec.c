/* The store codecs (io/codec.h, docs/format.md "Codecs"): every column of every real
 * track and of a generated set reads back bit for bit in each codec; encounters and
 * events are the same whatever the codec; --recode rewrites a store in another codec;
 * a damaged chunk or chunk-mode attribute in each codec is a named error. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "io/codec.h"
#include "io/codec_pack.h"
#include "io/sha256.h"
#include "io/store.h"
#include "io/store_chunks.h"
#include "io/store_schema.h"
#include "io/unshuffle.h"
#include "support/store_fixtures.h"

static const char *const codec_args[] = {"--codec none --deflate 0", "--codec deflate", "--codec delta",
                                         "--codec pack"};
#define NCODECS 4

/* SHA-256 (hex) over every column of every bucket as the reader returns them, and the
 * store's codec, rows and file size. */
static void digest(const char *path, char hex[TC_SHA256_HEX], char *codec, size_t cap, uint64_t *rows) {
  tc_store *s;
  tc_err err;
  cr_assert_eq(tc_store_open(path, &s, &err), TC_OK, "%s", err.msg);
  snprintf(codec, cap, "%s", tc_store_codec(s));
  *rows = tc_store_get_info(s)->rows;
  tc_columns c;
  tc_columns_init(&c);
  tc_sha256 h;
  tc_sha256_init(&h);
  for (size_t k = 0; k < tc_store_get_info(s)->nbuckets; k++) {
    cr_assert_eq(tc_store_read_bucket(s, k, &c, &err), TC_OK, "%s", err.msg);
    tc_sha256_update(&h, c.mmsi, c.n * sizeof *c.mmsi);
    tc_sha256_update(&h, c.t, c.n * sizeof *c.t);
    tc_sha256_update(&h, c.lat, c.n * sizeof *c.lat);
    tc_sha256_update(&h, c.lon, c.n * sizeof *c.lon);
    tc_sha256_update(&h, c.sog, c.n * sizeof *c.sog);
    tc_sha256_update(&h, c.cog, c.n * sizeof *c.cog);
    tc_sha256_update(&h, c.heading, c.n * sizeof *c.heading);
  }
  uint8_t d[32];
  tc_sha256_final(&h, d);
  tc_sha256_hex(d, hex);
  tc_columns_free(&c);
  tc_store_close(s);
}

static long file_size(const char *path) {
  FILE *f = fopen(path, "rb");
  cr_assert(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fclose(f);
  return n;
}

static int same_file(const char *a, const char *b) {
  return store_system("cmp -s '%s' '%s'", a, b) == 0;
}

/* Imports src in each codec (small buckets, so some buckets have several chunks and
 * some read paths meet partial chunks) and checks the columns agree bit for bit; then
 * encounters and events on each store give the same files. */
static void across_codecs(const char *label, const char *src, const char *bucket) {
  char ref[TC_SHA256_HEX] = "", path[NCODECS][1024];
  for (int i = 0; i < NCODECS; i++) {
    char name[96], hex[TC_SHA256_HEX], codec[16], out[1024], ev[1024];
    snprintf(name, sizeof name, "%s-%d.h5", label, i);
    store_tmp_path(name, path[i], sizeof path[i]);
    unlink(path[i]);
    cr_assert_eq(store_system("'%s' import -q --bucket %s %s '%s' '%s'", TC_BINARY, bucket, codec_args[i],
                              path[i], src), 0, "import %s in %s", src, codec_args[i]);
    uint64_t rows;
    digest(path[i], hex, codec, sizeof codec, &rows);
    cr_assert_str_eq(codec, tc_codec_name((tc_codec)i));
    if (i == 0)
      memcpy(ref, hex, sizeof ref);
    fprintf(stderr, "round trip %-40s %-8s %7" PRIu64 " rows %5.1f B/row columns %.16s %s\n", label, codec,
            rows, (double)file_size(path[i]) / (double)(rows ? rows : 1), hex,
            strcmp(hex, ref) ? "DIFFER" : "identical");
    cr_assert_str_eq(hex, ref, "%s: the columns read from the %s store differ from the uncompressed one's",
                     label, codec);
    snprintf(name, sizeof name, "%s-%d.enc.csv", label, i);
    store_tmp_path(name, out, sizeof out);
    snprintf(name, sizeof name, "%s-%d.ev", label, i);
    store_tmp_path(name, ev, sizeof ev);
    cr_assert_eq(store_system("'%s' encounters -q '%s' -o '%s' 2>/dev/null", TC_BINARY, path[i], out), 0);
    cr_assert_eq(store_system("'%s' events -q '%s' -o '%s' 2>/dev/null", TC_BINARY, path[i], ev), 0);
    if (i > 0) {
      char o0[1024], e0[1024];
      snprintf(name, sizeof name, "%s-0.enc.csv", label);
      store_tmp_name(name, o0, sizeof o0);
      cr_assert(same_file(o0, out), "%s: encounters differ between none and %s", label, codec);
      const char *kinds[] = {"loitering", "gaps", "dark"};
      for (int k = 0; k < 3; k++) {
        char a[1100], b[1100];
        snprintf(name, sizeof name, "%s-0.ev", label);
        store_tmp_name(name, e0, sizeof e0);
        snprintf(a, sizeof a, "%s.%s.csv", e0, kinds[k]);
        snprintf(b, sizeof b, "%s.%s.csv", ev, kinds[k]);
        cr_assert(same_file(a, b), "%s: %s events differ between none and %s", label, kinds[k], codec);
      }
    }
  }
}

/* The SIMD unshuffle against the definition (byte b of element e at b * stride + e),
 * for every element size and for lengths around its 16-element steps. */
Test(codec, unshuffle_matches_definition) {
  enum { STRIDE = 1031 };
  static unsigned char planes[8 * STRIDE], got[8 * STRIDE], want[8 * STRIDE];
  for (size_t i = 0; i < sizeof planes; i++)
    planes[i] = (unsigned char)(i * 2654435761u >> 13);
  const size_t sizes[] = {1, 2, 3, 4, 8}, lens[] = {0, 1, 15, 16, 17, 31, 32, 33, 100, 1000, STRIDE};
  for (size_t a = 0; a < sizeof sizes / sizeof *sizes; a++)
    for (size_t b = 0; b < sizeof lens / sizeof *lens; b++) {
      size_t es = sizes[a], n = lens[b];
      memset(got, 0xAB, sizeof got);
      memset(want, 0xAB, sizeof want);
      for (size_t e = 0; e < n; e++)
        for (size_t k = 0; k < es; k++)
          want[e * es + k] = planes[k * STRIDE + e];
      tc_unshuffle(planes, STRIDE, es, n, got);
      cr_assert(!memcmp(got, want, sizeof got), "unshuffle of %zu elements of %zu bytes differs", n, es);
    }
}

/* A chunk decoded in pieces (the reader's way) equals the chunk decoded whole, in
 * every transformed column and mode, on values with large jumps of both signs. */
Test(codec, decode_in_pieces_matches_whole) {
  enum { N = 1500 };
  static double x[N];
  static float f[N];
  static int64_t t[N];
  static unsigned char whole[N * 8], piece[N * 8];
  for (size_t i = 0; i < N; i++) {
    long q = (long)((i * 7919u) % 180001u) - 90000 + (i % 97 == 0 ? -80000 : 0);
    x[i] = (double)q / 1e3; /* on the 1e5 grid, also 1e6 and 1e7 */
    f[i] = (float)((i * 31u) % 1000u) / 10.0f;
    t[i] = (int64_t)1700000000 + (int64_t)(i * 37u % 5000u) - (i % 50 == 0 ? 100000 : 0);
  }
  static uint32_t mmsi[N];
  static uint16_t heading[N];
  for (size_t i = 0; i < N; i++)
    mmsi[i] = 200000000u + (uint32_t)(i / 97) * 1234567u, heading[i] = i % 13 ? (uint16_t)(i * 7 % 360) : 511;
  const int cols[] = {TC_H5_T, TC_H5_LAT, TC_H5_LON, TC_H5_SOG, TC_H5_COG, TC_H5_MMSI, TC_H5_HEADING};
  for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
    int col = cols[c];
    size_t es = col == TC_H5_HEADING ? 2 : col == TC_H5_SOG || col == TC_H5_COG || col == TC_H5_MMSI ? 4 : 8;
    const void *src = col == TC_H5_T ? (const void *)t : col == TC_H5_MMSI ? (const void *)mmsi
                      : col == TC_H5_HEADING ? (const void *)heading : es == 4 ? (const void *)f : (const void *)x;
    memcpy(whole, src, N * es);
    uint8_t mode = tc_codec_encode(col, whole, N);
    int bits_only = col == TC_H5_T || col == TC_H5_MMSI || col == TC_H5_HEADING;
    cr_assert(bits_only ? mode == 0 : mode != 0, "column %d: mode %u", col, mode);
    memcpy(piece, whole, N * es);
    cr_assert_eq(tc_codec_decode(col, mode, whole, N), 0);
    cr_assert(!memcmp(whole, src, N * es), "column %d does not decode to its values", col);
    uint64_t acc = 0;
    for (size_t a = 0, m = 1; a < N; a += m, m = m * 3 + 1) /* pieces of 1, 4, 13, 40, ... rows */
      cr_assert_eq(tc_codec_decode_more(col, mode, piece + a * es, a + m < N ? m : N - a, &acc), 0);
    cr_assert(!memcmp(piece, whole, N * es), "column %d: decoding in pieces differs", col);
  }
}

/* The pack codec's chunks: every width, exceptions, the fallback to the values as they
 * are, and short last pieces; each stream inflates (zlib) to the pieces and zeros up
 * to the chunk's length, and the engine's walk over its stored blocks and the whole-
 * payload decode give the values back; a flipped byte fails the Adler-32. */
static uint64_t rnd(uint64_t *s) {
  *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
  return *s;
}

Test(codec, pack_chunks_round_trip) {
  enum { MAXN = 3000, LOGICAL_ROWS = 3100 };
  static unsigned char vals[MAXN * 8], got[MAXN * 8 + 8], z[LOGICAL_ROWS * 8 * 2 + 65536],
      flat[LOGICAL_ROWS * 8 + 8];
  const size_t ess[] = {2, 4, 8}, ns[] = {1, 7, 8, 9, 127, 128, 129, 511, 512, 513, 1500, MAXN};
  uint64_t seed = 88172645463325292ull;
  for (size_t a = 0; a < 3; a++)
    for (size_t b = 0; b < sizeof ns / sizeof *ns; b++)
      for (int pattern = 0; pattern < 5; pattern++) {
        size_t es = ess[a], n = ns[b], logical = LOGICAL_ROWS * es;
        unsigned top = (unsigned)(8 * es);
        for (size_t i = 0; i < n; i++) {
          uint64_t v = rnd(&seed);
          unsigned w = pattern == 0 ? 0 : pattern == 1 ? 1 + (unsigned)(i % top) : pattern == 2 ? 9 : top;
          v = w >= 64 ? v : v & (((uint64_t)1 << w) - 1);
          if (pattern == 2 && i % 300 == 0) /* rare wide values: exceptions */
            v = rnd(&seed);
          if (pattern == 4) /* the full width every value: stored as they are */
            v |= (uint64_t)1 << (top - 1);
          memcpy(vals + i * es, &v, es); /* little-endian: the low es bytes */
        }
        uint64_t payload = 1;
        size_t zlen = tc_pack_chunk(vals, n, es, logical, z, sizeof z, &payload);
        cr_assert_gt(zlen, 0);
        if (pattern == 4)
          cr_assert_eq(payload, 0, "es %zu n %zu: full-width values are stored as they are", es, n);
        if ((pattern == 0 || pattern == 2) && n >= 64)
          cr_assert(payload > 0 && payload < n * es, "es %zu n %zu pattern %d: not packed", es, n, pattern);
        uLongf flen = sizeof flat;
        cr_assert_eq(uncompress(flat, &flen, z, (uLong)zlen), Z_OK, "es %zu n %zu pattern %d", es, n, pattern);
        cr_assert_eq(flen, logical);
        size_t used = payload ? (size_t)payload : n * es;
        for (size_t i = used; i < logical; i++)
          cr_assert_eq(flat[i], 0, "the chunk after its pieces is zeros");
        if (payload) {
          memset(got, 0xAB, sizeof got);
          memset(flat + payload, 0, 8);
          cr_assert_eq(tc_pack_decode(flat, (size_t)payload, n, es, got), 0);
          cr_assert(!memcmp(got, vals, n * es), "es %zu n %zu pattern %d: whole decode differs", es, n, pattern);
        } else {
          cr_assert(!memcmp(flat, vals, n * es));
        }
        /* the engine's way: straight out of the stored blocks */
        memset(got, 0xAB, sizeof got);
        tc_pack_reader r;
        size_t first = 0, first_len = 0;
        cr_assert_eq(tc_pack_begin(&r, z, zlen), 0);
        for (size_t i = 0; i < n; i += TC_PACK_BLOCK) {
          size_t m = n - i < TC_PACK_BLOCK ? n - i : TC_PACK_BLOCK, len;
          const unsigned char *p;
          cr_assert_eq(tc_pack_next(&r, &p, &len), 0);
          if (i == 0)
            first = (size_t)(p - z), first_len = len;
          if (payload)
            cr_assert_eq(tc_pack_decode(p, len, m, es, got + i * es), 0);
          else
            memcpy(got + i * es, p, len);
        }
        cr_assert_eq(tc_pack_end(&r, logical), 0, "es %zu n %zu pattern %d: Adler-32", es, n, pattern);
        cr_assert(!memcmp(got, vals, n * es), "es %zu n %zu pattern %d: piece decode differs", es, n, pattern);
        z[first + first_len / 2] ^= 0x10; /* a byte of the first piece */
        cr_assert_eq(tc_pack_begin(&r, z, zlen), 0);
        for (size_t i = 0; i < n; i += TC_PACK_BLOCK) {
          size_t len;
          const unsigned char *p;
          cr_assert_eq(tc_pack_next(&r, &p, &len), 0);
        }
        cr_assert_neq(tc_pack_end(&r, logical), 0, "es %zu n %zu: a flipped byte passes", es, n);
      }
}

Test(codec, real_tracks_bit_identical) {
  const char *files[] = {"auckland_2017_09", "baltic_2018_04_01", "gibraltar_2016_06_01",
                         "suez_evergiven_2021_03_derived_sog"};
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    char src[1024];
    snprintf(src, sizeof src, "%s/real-tracks/%s.csv.gz", TC_SHARED_DATA, files[f]);
    if (access(src, R_OK) != 0)
      cr_skip_test("%s is not here (shared data absent)", src);
    across_codecs(files[f], src, "6h");
  }
}

Test(codec, generated_bit_identical) {
  char csv[1024];
  store_tmp_path("codec-gen.csv", csv, sizeof csv);
  cr_assert_eq(store_system("'%s' generate -q --vessels 300 --days 1 --seed 5 -o '%s'", TC_BINARY, csv), 0);
  across_codecs("generated", csv, "1d");
  /* and every value off the decimal grid: the bits are stored */
  char off[1024];
  store_tmp_path("codec-offgrid.csv", off, sizeof off);
  cr_assert_eq(store_system("awk -F, -v OFS=, 'NR == 1 {print; next} {$3 = $3 + 1e-9 * (NR %% 7); "
                            "$4 = $4 - 3e-10 * (NR %% 5); $5 = $5 + 0.001; print}' '%s' > '%s'", csv, off), 0);
  across_codecs("generated-offgrid", off, "1d");
}

Test(codec, recode_between_codecs) {
  char csv[1024], a[1024], b[1024];
  store_tmp_path("recode.csv", csv, sizeof csv);
  cr_assert_eq(store_system("'%s' generate -q --vessels 100 --days 1 --seed 2 -o '%s'", TC_BINARY, csv), 0);
  store_tmp_path("recode-ref.h5", a, sizeof a);
  store_tmp_path("recode.h5", b, sizeof b);
  unlink(a), unlink(b);
  cr_assert_eq(store_system("'%s' import -q --codec deflate --bucket 6h '%s' '%s'", TC_BINARY, a, csv), 0);
  cr_assert_eq(store_system("cp '%s' '%s'", a, b), 0);
  char h0[TC_SHA256_HEX], h1[TC_SHA256_HEX], codec[16];
  uint64_t r0, r1;
  digest(a, h0, codec, sizeof codec, &r0);
  for (int i = NCODECS - 1; i >= 0; i--) {
    cr_assert_eq(store_system("'%s' import -q --recode %s '%s'", TC_BINARY, codec_args[i], b), 0,
                 "recode to %s", codec_args[i]);
    digest(b, h1, codec, sizeof codec, &r1);
    cr_assert_str_eq(codec, tc_codec_name((tc_codec)i));
    cr_assert_eq(r1, r0);
    cr_assert_str_eq(h1, h0, "recoded to %s, the columns changed", codec);
  }
  /* the codec of an existing store is chosen only with --recode, and the store stays */
  cr_assert_eq(store_system("'%s' import -q --codec delta '%s' '%s' 2>/dev/null", TC_BINARY, b, csv), 2);
  digest(b, h1, codec, sizeof codec, &r1);
  cr_assert_str_eq(codec, "none");
  /* without --recode, FILE is required */
  cr_assert_eq(store_system("'%s' import '%s' 2>/dev/null", TC_BINARY, b), 2);
  /* --recode of a store that is not there */
  char none[1024];
  store_tmp_path("recode-missing.h5", none, sizeof none);
  unlink(none);
  cr_assert_neq(store_system("'%s' import -q --recode '%s' 2>/dev/null", TC_BINARY, none), 0);
  cr_assert_neq(access(none, F_OK), 0);
}

/* File offset and stored length of the first chunk of a bucket dataset. */
static void first_chunk(const char *path, const char *ds, haddr_t *addr, hsize_t *size) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  hid_t g = H5Gopen2(f, "buckets", H5P_DEFAULT);
  char name[64];
  cr_assert_gt(H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, 0, name, sizeof name, H5P_DEFAULT), 0);
  hid_t b = H5Gopen2(g, name, H5P_DEFAULT);
  hid_t d = H5Dopen2(b, ds, H5P_DEFAULT);
  cr_assert_geq(d, 0);
  hsize_t off = 0;
  unsigned mask;
  cr_assert_geq(H5Dget_chunk_info_by_coord(d, &off, &mask, addr, size), 0);
  H5Dclose(d), H5Gclose(b), H5Gclose(g), H5Fclose(f);
}

static void flip(const char *path, haddr_t at) {
  FILE *fp = fopen(path, "r+b");
  cr_assert(fp);
  fseek(fp, (long)at, SEEK_SET);
  int c = fgetc(fp);
  fseek(fp, (long)at, SEEK_SET);
  fputc(c ^ 0x5a, fp);
  fclose(fp);
}

/* Reading the first bucket must fail with a damage error (TC_ERR_FORMAT from
 * trajcorr's checks, TC_ERR_HDF5 from HDF5's) naming the store and ds, both through
 * the engine's parallel chunk reader and through HDF5 (tc_store_read_bucket). */
static void named_error(const char *path, const char *ds, const char *what) {
  char quoted[64];
  snprintf(quoted, sizeof quoted, "'%s'", ds);
  for (int engine = 1; engine >= 0; engine--) {
    tc_store *s;
    tc_err err;
    cr_assert_eq(tc_store_open(path, &s, &err), TC_OK, "%s", err.msg);
    tc_columns c;
    tc_columns_init(&c);
    tc_status st = engine ? tc_store_read_bucket_cols(s, 0, &c, TC_COL_ALL, 0, &err)
                          : tc_store_read_bucket(s, 0, &c, &err);
    cr_assert(st == TC_ERR_FORMAT || st == TC_ERR_HDF5, "%s: status %d: %s", what, st, err.msg);
    cr_assert(strstr(err.msg, quoted) && strstr(err.msg, path), "%s: message: %s", what, err.msg);
    fprintf(stderr, "damage %-38s %-7s %s\n", what, engine ? "engine" : "HDF5", strstr(err.msg, ": bucket"));
    tc_columns_free(&c);
    tc_store_close(s);
  }
  if (strcmp(ds, "sog")) /* encounters reads the position columns only */
    cr_assert_neq(store_system("'%s' encounters -q '%s' -o /dev/null 2>/dev/null", TC_BINARY, path), 0,
                  "%s: encounters ran on a damaged store", what);
}

Test(codec, damaged_chunk_named_in_each_codec) {
  char csv[1024];
  store_tmp_path("damage.csv", csv, sizeof csv);
  cr_assert_eq(store_system("'%s' generate -q --vessels 100 --days 1 --seed 3 -o '%s'", TC_BINARY, csv), 0);
  const char *cols[] = {"lat", "t", "sog"};
  for (int i = 0; i < NCODECS; i++)
    for (int k = 0; k < 3; k++) {
      char path[1024], name[64], what[96];
      snprintf(name, sizeof name, "damage-%d-%s.h5", i, cols[k]);
      store_tmp_path(name, path, sizeof path);
      unlink(path);
      cr_assert_eq(store_system("'%s' import -q %s '%s' '%s'", TC_BINARY, codec_args[i], path, csv), 0);
      haddr_t addr;
      hsize_t size;
      first_chunk(path, cols[k], &addr, &size);
      flip(path, addr + size / 3);
      snprintf(what, sizeof what, "%s chunk, %s", cols[k], codec_args[i]);
      named_error(path, cols[k], what);
    }
}

Test(codec, damaged_chunk_modes_named) {
  char csv[1024], path[1024];
  store_tmp_path("modes.csv", csv, sizeof csv);
  store_tmp_path("modes.h5", path, sizeof path);
  unlink(path);
  cr_assert_eq(store_system("'%s' generate -q --vessels 50 --days 1 --seed 4 -o '%s'", TC_BINARY, csv), 0);
  cr_assert_eq(store_system("'%s' import -q --codec delta '%s' '%s'", TC_BINARY, path, csv), 0);
  /* a mode latitude cannot have, written through HDF5 (its checksums stay valid) */
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  hid_t g = H5Gopen2(f, "buckets", H5P_DEFAULT);
  char name[64];
  cr_assert_gt(H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, 0, name, sizeof name, H5P_DEFAULT), 0);
  hid_t b = H5Gopen2(g, name, H5P_DEFAULT), d = H5Dopen2(b, "lat", H5P_DEFAULT);
  hid_t a = H5Aopen(d, TC_CODEC_A_MODES, H5P_DEFAULT);
  cr_assert_geq(a, 0);
  uint8_t m[64] = {0};
  hid_t sp = H5Aget_space(a);
  cr_assert_leq(H5Sget_simple_extent_npoints(sp), 64);
  cr_assert_geq(H5Aread(a, H5T_NATIVE_UINT8, m), 0);
  m[0] = 9;
  cr_assert_geq(H5Awrite(a, H5T_NATIVE_UINT8, m), 0);
  H5Sclose(sp), H5Aclose(a), H5Dclose(d), H5Gclose(b), H5Gclose(g), H5Fclose(f);
  named_error(path, "lat", "chunk_modes, --codec delta");
}

/* The pack codec's chunk_bytes: a length past the chunk's rows, and one within them
 * that is not the pieces' (its checksums stay valid: written through HDF5). */
Test(codec, damaged_chunk_bytes_named) {
  char csv[1024], path[1024];
  store_tmp_path("pbytes.csv", csv, sizeof csv);
  cr_assert_eq(store_system("'%s' generate -q --vessels 50 --days 1 --seed 4 -o '%s'", TC_BINARY, csv), 0);
  const uint64_t delta[] = {1000000000, 1};
  for (int k = 0; k < 2; k++) {
    store_tmp_path(k ? "pbytes1.h5" : "pbytes0.h5", path, sizeof path);
    unlink(path);
    cr_assert_eq(store_system("'%s' import -q --codec pack '%s' '%s'", TC_BINARY, path, csv), 0);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t g = H5Gopen2(f, "buckets", H5P_DEFAULT);
    char name[64];
    cr_assert_gt(H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, 0, name, sizeof name, H5P_DEFAULT), 0);
    hid_t b = H5Gopen2(g, name, H5P_DEFAULT), d = H5Dopen2(b, "lon", H5P_DEFAULT);
    hid_t a = H5Aopen(d, TC_CODEC_A_BYTES, H5P_DEFAULT);
    cr_assert_geq(a, 0);
    uint64_t m[64] = {0};
    hid_t sp = H5Aget_space(a);
    cr_assert_leq(H5Sget_simple_extent_npoints(sp), 64);
    cr_assert_geq(H5Aread(a, H5T_NATIVE_UINT64, m), 0);
    cr_assert_gt(m[0], 1, "the first lon chunk is packed");
    m[0] -= delta[k] < m[0] ? delta[k] : 0;
    m[0] += delta[k] >= m[0] ? delta[k] : 0;
    cr_assert_geq(H5Awrite(a, H5T_NATIVE_UINT64, m), 0);
    H5Sclose(sp), H5Aclose(a), H5Dclose(d), H5Gclose(b), H5Gclose(g), H5Fclose(f);
    named_error(path, "lon", k ? "chunk_bytes off by one, --codec pack" : "chunk_bytes too long, --codec pack");
  }
}
