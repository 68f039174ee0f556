#include "io/outpath.h"

#include <sys/stat.h>

int tc_path_is_stream(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}
