#include "host/report/h5image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int tc_h5_attr_str(hid_t loc, const char *name, const char *v) {
  hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR), a = -1;
  int ok = t >= 0 && sp >= 0 && H5Tset_size(t, strlen(v) + 1) >= 0 &&
           (a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 && H5Awrite(a, t, v) >= 0;
  if (a >= 0)
    H5Aclose(a);
  if (sp >= 0)
    H5Sclose(sp);
  if (t >= 0)
    H5Tclose(t);
  return ok;
}

tc_status tc_h5_save_image(hid_t file, const char *path, tc_err *err) {
  ssize_t n = H5Fget_file_image(file, NULL, 0);
  unsigned char *img = n > 0 ? malloc((size_t)n) : NULL;
  if (!img || H5Fget_file_image(file, img, (size_t)n) != n) {
    free(img);
    return tc_fail(err, n > 0 ? TC_ERR_NOMEM : TC_ERR_HDF5, "%s: cannot build the HDF5 image", path);
  }
  tc_status s = TC_OK;
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    s = tc_fail(err, TC_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
  } else {
    for (size_t off = 0; off < (size_t)n && s == TC_OK;) {
      ssize_t w = write(fd, img + off, (size_t)n - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        s = tc_fail(err, TC_ERR_IO, "%s: write failed: %s", path, w < 0 ? strerror(errno) : "short write");
      else
        off += (size_t)w;
    }
    if (close(fd) != 0 && s == TC_OK)
      s = tc_fail(err, TC_ERR_IO, "%s: write failed: %s", path, strerror(errno));
  }
  free(img);
  return s;
}
