/* HDF5 plumbing shared by the store reader and writer: types, attributes, 1-D
 * datasets, and turning HDF5's error stack into one tc_err message. */
#include "io/store_schema.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const col_names[TC_H5_NCOLS] = {"mmsi", "t", "lat", "lon", "sog", "cog", "heading"};
static const tc_h5_kind col_kinds[TC_H5_NCOLS] = {TC_H5_U32, TC_H5_I64, TC_H5_F64, TC_H5_F64,
                                                  TC_H5_F32, TC_H5_F32, TC_H5_U16};

const char *tc_h5_col_name(tc_h5_col c) { return col_names[c]; }
tc_h5_kind tc_h5_col_kind(tc_h5_col c) { return col_kinds[c]; }

void *tc_h5_col_ptr(const tc_columns *c, tc_h5_col k) {
  switch (k) {
  case TC_H5_MMSI: return c->mmsi;
  case TC_H5_T: return c->t;
  case TC_H5_LAT: return c->lat;
  case TC_H5_LON: return c->lon;
  case TC_H5_SOG: return c->sog;
  case TC_H5_COG: return c->cog;
  case TC_H5_HEADING: return c->heading;
  default: return NULL;
  }
}

const char *tc_h5_kind_name(tc_h5_kind k) {
  static const char *const names[] = {"uint16", "uint32", "uint64", "int32", "int64", "float32", "float64"};
  return names[k];
}

size_t tc_h5_kind_size(tc_h5_kind k) {
  switch (k) {
  case TC_H5_U16: return 2;
  case TC_H5_U32: case TC_H5_I32: case TC_H5_F32: return 4;
  default: return 8;
  }
}

hid_t tc_h5_native(tc_h5_kind k) {
  switch (k) {
  case TC_H5_U16: return H5T_NATIVE_UINT16;
  case TC_H5_U32: return H5T_NATIVE_UINT32;
  case TC_H5_U64: return H5T_NATIVE_UINT64;
  case TC_H5_I32: return H5T_NATIVE_INT32;
  case TC_H5_I64: return H5T_NATIVE_INT64;
  case TC_H5_F32: return H5T_NATIVE_FLOAT;
  default: return H5T_NATIVE_DOUBLE;
  }
}

hid_t tc_h5_file_type(tc_h5_kind k) {
  switch (k) {
  case TC_H5_U16: return H5T_STD_U16LE;
  case TC_H5_U32: return H5T_STD_U32LE;
  case TC_H5_U64: return H5T_STD_U64LE;
  case TC_H5_I32: return H5T_STD_I32LE;
  case TC_H5_I64: return H5T_STD_I64LE;
  case TC_H5_F32: return H5T_IEEE_F32LE;
  default: return H5T_IEEE_F64LE;
  }
}

#define CLEAN(f) {#f, offsetof(tc_clean_counts, f)}
static const struct {
  const char *name;
  size_t offset;
} clean_fields[] = {CLEAN(rows_read), CLEAN(parse_errors), CLEAN(bad_position), CLEAN(bad_mmsi),
                    CLEAN(duplicate),  CLEAN(non_vessel),   CLEAN(rows_stored)};

const char *tc_h5_clean_field(size_t i, size_t *offset) {
  if (i >= sizeof clean_fields / sizeof clean_fields[0])
    return NULL;
  *offset = clean_fields[i].offset;
  return clean_fields[i].name;
}

void tc_h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* The deepest entry of the stack says what actually went wrong (e.g. errno text). */
static herr_t first_desc(unsigned n, const H5E_error2_t *e, void *data) {
  char *out = data;
  if (n == 0 && e->desc)
    snprintf(out, 256, "%s", e->desc);
  return 0;
}

tc_status tc_h5_fail(tc_err *err, const char *path, const char *fmt, ...) {
  char what[512], why[256] = "";
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, first_desc, why);
  /* The reason is in the message now. Clearing frees the stack's strings, which a
   * thread that ends with them (the engine's reader) would otherwise leak. */
  H5Eclear2(H5E_DEFAULT);
  if (why[0])
    return tc_fail(err, TC_ERR_HDF5, "%s: %s (HDF5: %s)", path, what, why);
  return tc_fail(err, TC_ERR_HDF5, "%s: %s", path, what);
}

int tc_h5_attr_get(hid_t loc, const char *name, tc_h5_kind k, void *value) {
  if (H5Aexists(loc, name) <= 0)
    return -1;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  if (a < 0)
    return -1;
  hid_t sp = H5Aget_space(a);
  int ok = sp >= 0 && H5Sget_simple_extent_npoints(sp) == 1 &&
           H5Aread(a, tc_h5_native(k), value) >= 0;
  if (sp >= 0)
    H5Sclose(sp);
  H5Aclose(a);
  return ok ? 0 : -1;
}

int tc_h5_attr_put(hid_t loc, const char *name, tc_h5_kind k, const void *value) {
  hid_t sp = H5Screate(H5S_SCALAR);
  if (sp < 0)
    return -1;
  hid_t a = H5Acreate2(loc, name, tc_h5_file_type(k), sp, H5P_DEFAULT, H5P_DEFAULT);
  int ok = a >= 0 && H5Awrite(a, tc_h5_native(k), value) >= 0;
  if (a >= 0)
    ok = H5Aclose(a) >= 0 && ok;
  H5Sclose(sp);
  return ok ? 0 : -1;
}

hid_t tc_h5_str_type(size_t len) {
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t < 0)
    return -1;
  if (H5Tset_size(t, len) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0) {
    H5Tclose(t);
    return -1;
  }
  return t;
}

int tc_h5_attr_get_str(hid_t loc, const char *name, char *buf, size_t cap) {
  if (cap == 0 || H5Aexists(loc, name) <= 0)
    return -1;
  int ok = 0;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT), ft = -1, mt = -1;
  if (a < 0)
    return -1;
  ft = H5Aget_type(a);
  if (ft < 0 || H5Tget_class(ft) != H5T_STRING || H5Tis_variable_str(ft) != 0)
    goto cleanup;
  size_t n = H5Tget_size(ft);
  char tmp[1024];
  if (n == 0 || n >= sizeof tmp || (mt = tc_h5_str_type(n)) < 0)
    goto cleanup;
  memset(tmp, 0, sizeof tmp);
  if (H5Aread(a, mt, tmp) < 0)
    goto cleanup;
  snprintf(buf, cap, "%s", tmp);
  ok = 1;
cleanup:
  if (mt >= 0)
    H5Tclose(mt);
  if (ft >= 0)
    H5Tclose(ft);
  H5Aclose(a);
  return ok ? 0 : -1;
}

int tc_h5_attr_put_str(hid_t loc, const char *name, const char *value) {
  size_t n = strlen(value);
  hid_t t = tc_h5_str_type(n ? n : 1), sp = H5Screate(H5S_SCALAR), a = -1;
  int ok = 0;
  if (t < 0 || sp < 0)
    goto cleanup;
  a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
  ok = a >= 0 && H5Awrite(a, t, n ? value : "") >= 0;
  if (a >= 0)
    ok = H5Aclose(a) >= 0 && ok;
cleanup:
  if (sp >= 0)
    H5Sclose(sp);
  if (t >= 0)
    H5Tclose(t);
  return ok ? 0 : -1;
}

hid_t tc_h5_dset_create(hid_t loc, const char *name, hid_t file_type, uint64_t n, uint64_t chunk,
                        int level, int extendible) {
  hsize_t dims = n, maxdims = extendible ? H5S_UNLIMITED : n, cdims = chunk;
  hid_t sp = H5Screate_simple(1, &dims, &maxdims), dcpl = H5Pcreate(H5P_DATASET_CREATE), d = -1;
  if (sp < 0 || dcpl < 0)
    goto cleanup;
  if (chunk > 0) {
    if (H5Pset_chunk(dcpl, 1, &cdims) < 0)
      goto cleanup;
    if (level > 0 && (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, (unsigned)level) < 0))
      goto cleanup;
    /* A checksum on every chunk, compressed or not: a flipped bit is an error, never a
     * plausible wrong value. Last in the pipeline: it covers the bytes on disk. */
    if (H5Pset_fletcher32(dcpl) < 0)
      goto cleanup;
    /* No fill values are ever read: skip writing them when chunks are allocated. */
    if (H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0)
      goto cleanup;
  }
  d = H5Dcreate2(loc, name, file_type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
cleanup:
  if (dcpl >= 0)
    H5Pclose(dcpl);
  if (sp >= 0)
    H5Sclose(sp);
  return d;
}

int64_t tc_h5_dset_len(hid_t dset) {
  hid_t sp = H5Dget_space(dset);
  if (sp < 0)
    return -1;
  hsize_t dims = 0;
  int nd = H5Sget_simple_extent_ndims(sp);
  int ok = nd == 1 && H5Sget_simple_extent_dims(sp, &dims, NULL) == 1;
  H5Sclose(sp);
  return ok ? (int64_t)dims : -1;
}

/* Reads or writes [start, start + n) with one H5Dread/H5Dwrite. */
static int dset_io(hid_t dset, hid_t mem_type, uint64_t start, uint64_t n, void *rbuf,
                   const void *wbuf) {
  if (n == 0)
    return 0;
  hsize_t off = start, cnt = n;
  hid_t fs = H5Dget_space(dset), ms = H5Screate_simple(1, &cnt, NULL);
  int ok = fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, &off, NULL, &cnt, NULL) >= 0;
  if (ok)
    ok = (rbuf ? H5Dread(dset, mem_type, ms, fs, H5P_DEFAULT, rbuf)
               : H5Dwrite(dset, mem_type, ms, fs, H5P_DEFAULT, wbuf)) >= 0;
  hid_t es = ok ? -1 : H5Eget_current_stack(); /* keep the reason past the closes */
  if (ms >= 0)
    H5Sclose(ms);
  if (fs >= 0)
    H5Sclose(fs);
  if (es >= 0)
    H5Eset_current_stack(es);
  return ok ? 0 : -1;
}

int tc_h5_dset_read(hid_t dset, hid_t mem_type, uint64_t start, uint64_t n, void *buf) {
  return dset_io(dset, mem_type, start, n, buf, NULL);
}

int tc_h5_dset_write(hid_t dset, hid_t mem_type, uint64_t start, uint64_t n, const void *buf) {
  return dset_io(dset, mem_type, start, n, NULL, buf);
}

#define SMALL_ARRAY 4096 /* below this many rows a dataset is not compressed */
#define ARRAY_CHUNK 65536

int tc_h5_put_array(hid_t loc, const char *name, hid_t file_type, hid_t mem_type, uint64_t n,
                    const void *buf, int level) {
  /* Always chunked, small arrays in one chunk: only chunked data can carry a checksum. */
  uint64_t chunk = n == 0 ? 1 : (n < ARRAY_CHUNK ? n : ARRAY_CHUNK);
  if (n < SMALL_ARRAY)
    level = 0; /* not worth compressing */
  hid_t d = tc_h5_dset_create(loc, name, file_type, n, chunk, level, 0);
  if (d < 0)
    return -1;
  int ok = n == 0 || H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
  hid_t es = ok ? -1 : H5Eget_current_stack();
  ok = H5Dclose(d) >= 0 && ok;
  if (es >= 0)
    H5Eset_current_stack(es);
  return ok ? 0 : -1;
}

int tc_h5_get_array(hid_t loc, const char *name, hid_t mem_type, uint64_t n, void *buf) {
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
  if (d < 0)
    return -1;
  if (!tc_h5_type_matches(d, mem_type)) {
    H5Eclear2(H5E_DEFAULT);
    H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_DATASET, H5E_BADTYPE,
             "its datatype is not the one docs/format.md gives");
    H5Dclose(d);
    return -1;
  }
  int ok = tc_h5_dset_len(d) == (int64_t)n &&
           (n == 0 || H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
  hid_t es = ok ? -1 : H5Eget_current_stack();
  H5Dclose(d);
  if (es >= 0)
    H5Eset_current_stack(es);
  return ok ? 0 : -1;
}

int tc_h5_index_resize(uint32_t **mmsi, uint64_t **start, uint64_t **count, size_t n) {
  uint32_t *a = realloc(*mmsi, n * sizeof *a);
  if (a)
    *mmsi = a;
  uint64_t *b = realloc(*start, n * sizeof *b);
  if (b)
    *start = b;
  uint64_t *c = realloc(*count, n * sizeof *c);
  if (c)
    *count = c;
  return a && b && c;
}

int tc_h5_type_matches(hid_t dset, hid_t mem_type) {
  hid_t ft = H5Dget_type(dset), want = H5Tcopy(mem_type);
  int ok = ft >= 0 && want >= 0;
  /* numbers are stored little-endian; strings have no byte order */
  if (ok && H5Tget_class(want) != H5T_STRING)
    ok = H5Tset_order(want, H5T_ORDER_LE) >= 0;
  /* H5Tequal compares class, size, order, precision, offset, padding and sign */
  ok = ok && H5Tequal(ft, want) > 0;
  if (ft >= 0)
    H5Tclose(ft);
  if (want >= 0)
    H5Tclose(want);
  return ok;
}

/* HDF5's Fletcher-32 (H5checksum.c): 16-bit big-endian words, sums folded every 360
 * words; folding at the same places gives the same bits as the filter. */
void tc_h5_fletcher32_init(tc_h5_fletcher32 *f) {
  f->s1 = f->s2 = 0;
  f->left = 360;
  f->odd = 0;
}

/* t words (t <= 360) in one pass the compiler vectorises: word i adds to s1 once and
 * to s2 once per word from i on, so s2 gains t * s1 + sum (t - i) w_i. Every sum is
 * exact in 32 bits (HDF5 folds every 360 words for that), so the bits are the filter's. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
__attribute__((target_clones("avx2", "default")))
#endif
static void fletcher_words(tc_h5_fletcher32 *f, const unsigned char *p, size_t t) {
  uint32_t a = 0, b = 0;
  for (size_t i = 0; i < t; i++) {
    uint32_t w = (uint32_t)p[2 * i] << 8 | p[2 * i + 1];
    a += w;
    b += (uint32_t)(t - i) * w;
  }
  f->s2 += (uint32_t)t * f->s1 + b;
  f->s1 += a;
}

void tc_h5_fletcher32_add(tc_h5_fletcher32 *f, const void *data, size_t len) {
  const unsigned char *p = data;
  size_t words = len / 2;
  while (words) {
    size_t t = words < f->left ? words : f->left;
    fletcher_words(f, p, t);
    p += 2 * t;
    words -= t;
    f->left -= t;
    if (f->left == 0) {
      f->s1 = (f->s1 & 0xffff) + (f->s1 >> 16);
      f->s2 = (f->s2 & 0xffff) + (f->s2 >> 16);
      f->left = 360;
    }
  }
  if (len % 2)
    f->odd = 0x100u | p[0]; /* only the last piece may be odd */
}

uint32_t tc_h5_fletcher32_end(tc_h5_fletcher32 *f) {
  uint32_t s1 = f->s1, s2 = f->s2;
  if (f->left != 360) { /* the last, partial block */
    s1 = (s1 & 0xffff) + (s1 >> 16);
    s2 = (s2 & 0xffff) + (s2 >> 16);
  }
  if (f->odd) {
    s1 += (f->odd & 0xffu) << 8;
    s2 += s1;
    s1 = (s1 & 0xffff) + (s1 >> 16);
    s2 = (s2 & 0xffff) + (s2 >> 16);
  }
  s1 = (s1 & 0xffff) + (s1 >> 16);
  s2 = (s2 & 0xffff) + (s2 >> 16);
  return s2 << 16 | s1;
}

uint32_t tc_h5_fletcher32_of(const void *data, size_t len) {
  tc_h5_fletcher32 f;
  tc_h5_fletcher32_init(&f);
  tc_h5_fletcher32_add(&f, data, len);
  return tc_h5_fletcher32_end(&f);
}

int tc_h5_fletcher32_matches(uint32_t sum, const unsigned char stored[4]) {
  /* stored little-endian; HDF5 also accepts the byte-swapped value old versions wrote */
  uint32_t le = (uint32_t)stored[0] | (uint32_t)stored[1] << 8 | (uint32_t)stored[2] << 16 |
                (uint32_t)stored[3] << 24;
  uint32_t be = (uint32_t)stored[3] | (uint32_t)stored[2] << 8 | (uint32_t)stored[1] << 16 |
                (uint32_t)stored[0] << 24;
  return sum == le || sum == be;
}
