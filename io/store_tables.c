/* The store's two small tables, the vessel (static data) table and the list of
 * imported sources: one 1-D dataset per field in a group, read and written whole. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "io/store_schema.h"

typedef struct {
  const char *name;
  int kind;    /* a tc_h5_kind, or -1 for a fixed-length string */
  size_t slen; /* string: its length in the file */
  size_t off, fsize; /* where the field is in the row struct, and its size */
} col_desc;

#define NUM(n, k, type, f) {n, k, 0, offsetof(type, f), sizeof(((type *)0)->f)}
#define STR(n, len, type, f) {n, -1, len, offsetof(type, f), sizeof(((type *)0)->f)}

static const col_desc vessel_cols[] = {
    NUM(TC_H5_V_MMSI, TC_H5_U32, tc_vessel_static, mmsi),
    NUM(TC_H5_V_FROM, TC_H5_I64, tc_vessel_static, t),
    NUM(TC_H5_V_IMO, TC_H5_U32, tc_vessel_static, imo),
    STR(TC_H5_V_NAME, sizeof(((tc_vessel_static *)0)->name), tc_vessel_static, name),
    STR(TC_H5_V_CALLSIGN, sizeof(((tc_vessel_static *)0)->callsign), tc_vessel_static, callsign),
    NUM(TC_H5_V_TYPE, TC_H5_I32, tc_vessel_static, ship_type),
    NUM(TC_H5_V_LENGTH, TC_H5_F32, tc_vessel_static, length_m),
    NUM(TC_H5_V_WIDTH, TC_H5_F32, tc_vessel_static, width_m),
    NUM(TC_H5_V_DRAUGHT, TC_H5_F32, tc_vessel_static, draught_m),
    STR(TC_H5_V_DEST, sizeof(((tc_vessel_static *)0)->destination), tc_vessel_static, destination),
};

static const col_desc source_cols[] = {
    STR(TC_H5_S_NAME, TC_H5_S_NAME_LEN, tc_store_srcfile, name),
    NUM(TC_H5_S_SIZE, TC_H5_U64, tc_store_srcfile, size),
    STR(TC_H5_S_SHA, 64, tc_store_srcfile, sha256),
    STR(TC_H5_S_FORMAT, TC_H5_S_FORMAT_LEN, tc_store_srcfile, format),
    NUM(TC_H5_S_TIME, TC_H5_I64, tc_store_srcfile, imported_at),
    NUM(TC_H5_S_RECORDS, TC_H5_U64, tc_store_srcfile, records),
};

static size_t elem_size(const col_desc *c) {
  return c->kind < 0 ? c->slen : tc_h5_kind_size((tc_h5_kind)c->kind);
}

static tc_status write_table(hid_t file, const char *path, const char *group, const col_desc *cols,
                             size_t ncols, const void *rows, size_t stride, size_t n, int level,
                             tc_err *err) {
  tc_status st = TC_OK;
  char *tmp = NULL;
  hid_t g = H5Gcreate2(file, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0)
    return tc_h5_fail(err, path, "cannot create group '/%s'", group);
  for (size_t c = 0; c < ncols && st == TC_OK; c++) {
    size_t es = elem_size(&cols[c]);
    tmp = calloc(n ? n : 1, es);
    if (!tmp) {
      st = tc_fail(err, TC_ERR_NOMEM, "%s: no memory for '/%s/%s'", path, group, cols[c].name);
      break;
    }
    const char *r = rows;
    for (size_t i = 0; i < n; i++, r += stride) {
      if (cols[c].kind >= 0) {
        memcpy(tmp + i * es, r + cols[c].off, es);
      } else { /* NUL-padded: nothing after the terminator leaks into the file */
        size_t len = strnlen(r + cols[c].off, cols[c].fsize);
        memcpy(tmp + i * es, r + cols[c].off, len < es ? len : es);
      }
    }
    hid_t ft = cols[c].kind < 0 ? tc_h5_str_type(es) : tc_h5_file_type((tc_h5_kind)cols[c].kind);
    hid_t mt = cols[c].kind < 0 ? ft : tc_h5_native((tc_h5_kind)cols[c].kind);
    if (ft < 0 || tc_h5_put_array(g, cols[c].name, ft, mt, n, tmp, level) < 0)
      st = tc_h5_fail(err, path, "cannot write dataset '/%s/%s'", group, cols[c].name);
    if (cols[c].kind < 0 && ft >= 0)
      H5Tclose(ft);
    free(tmp);
    tmp = NULL;
  }
  if (H5Gclose(g) < 0 && st == TC_OK)
    st = tc_h5_fail(err, path, "cannot close group '/%s'", group);
  return st;
}

static tc_status read_table(hid_t file, const char *path, const char *group, const col_desc *cols,
                            size_t ncols, void **rows_out, size_t stride, size_t *n_out, tc_err *err) {
  tc_status st = TC_OK;
  char *rows = NULL, *tmp = NULL;
  hid_t g = H5Gopen2(file, group, H5P_DEFAULT), d = -1, mt = -1;
  if (g < 0)
    return tc_h5_fail(err, path, "cannot open group '/%s'", group);
  d = H5Dopen2(g, cols[0].name, H5P_DEFAULT);
  int64_t n = d >= 0 ? tc_h5_dset_len(d) : -1;
  if (d >= 0)
    H5Dclose(d);
  if (n < 0) {
    st = tc_h5_fail(err, path, "cannot read dataset '/%s/%s'", group, cols[0].name);
    goto cleanup;
  }
  rows = calloc(n ? (size_t)n : 1, stride);
  if (!rows) {
    st = tc_fail(err, TC_ERR_NOMEM, "%s: no memory for the table '/%s'", path, group);
    goto cleanup;
  }
  for (size_t c = 0; c < ncols; c++) {
    size_t es = elem_size(&cols[c]);
    tmp = calloc(n ? (size_t)n : 1, es);
    mt = cols[c].kind < 0 ? tc_h5_str_type(es) : H5Tcopy(tc_h5_native((tc_h5_kind)cols[c].kind));
    if (!tmp || mt < 0) {
      st = tc_fail(err, TC_ERR_NOMEM, "%s: no memory for '/%s/%s'", path, group, cols[c].name);
      goto cleanup;
    }
    if (tc_h5_get_array(g, cols[c].name, mt, (uint64_t)n, tmp) < 0) {
      st = tc_h5_fail(err, path, "cannot read dataset '/%s/%s' (%lld rows expected)", group,
                      cols[c].name, (long long)n);
      goto cleanup;
    }
    for (int64_t i = 0; i < n; i++) {
      char *dst = rows + (size_t)i * stride + cols[c].off;
      if (cols[c].kind >= 0) {
        memcpy(dst, tmp + (size_t)i * es, es);
      } else {
        size_t len = strnlen(tmp + (size_t)i * es, es);
        if (len > cols[c].fsize - 1)
          len = cols[c].fsize - 1;
        memcpy(dst, tmp + (size_t)i * es, len);
        dst[len] = '\0';
      }
    }
    free(tmp);
    tmp = NULL;
    H5Tclose(mt);
    mt = -1;
  }
  *rows_out = rows;
  *n_out = (size_t)n;
  rows = NULL;
cleanup:
  if (mt >= 0)
    H5Tclose(mt);
  free(tmp);
  free(rows);
  H5Gclose(g);
  return st;
}

#define NCOLS(a) (sizeof a / sizeof a[0])

tc_status tc_h5_write_vessels(hid_t file, const char *path, const tc_vessel_static *v, size_t n,
                              int level, tc_err *err) {
  return write_table(file, path, TC_H5_G_VESSELS, vessel_cols, NCOLS(vessel_cols), v, sizeof *v, n,
                     level, err);
}

tc_status tc_h5_read_vessels(hid_t file, const char *path, tc_vessel_static **v, size_t *n,
                             tc_err *err) {
  return read_table(file, path, TC_H5_G_VESSELS, vessel_cols, NCOLS(vessel_cols), (void **)v,
                    sizeof **v, n, err);
}

tc_status tc_h5_write_sources(hid_t file, const char *path, const tc_store_srcfile *s, size_t n,
                              tc_err *err) {
  return write_table(file, path, TC_H5_G_SOURCES, source_cols, NCOLS(source_cols), s, sizeof *s, n,
                     0, err);
}

tc_status tc_h5_read_sources(hid_t file, const char *path, tc_store_srcfile **s, size_t *n,
                             tc_err *err) {
  return read_table(file, path, TC_H5_G_SOURCES, source_cols, NCOLS(source_cols), (void **)s,
                    sizeof **s, n, err);
}
