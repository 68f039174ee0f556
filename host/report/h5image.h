/* What the analyst HDF5 outputs (encounters, events) share: their string attributes,
 * and the file built in memory (the core driver) written with write(2): HDF5 1.10
 * crashes at exit after a failed write of its own, so a full disk must fail in our
 * code, with the path and the reason. */
#ifndef TC_H5IMAGE_H
#define TC_H5IMAGE_H

#include <hdf5.h>

#include "io/status.h"

/* A scalar string attribute name = v on loc (a NUL-terminated C string); 1 on success. */
int tc_h5_attr_str(hid_t loc, const char *name, const char *v);

/* The in-memory file's bytes into path (created or truncated). */
tc_status tc_h5_save_image(hid_t file, const char *path, tc_err *err);

#endif
