#include "io/hdf5_sig.h"

#include <stdio.h>
#include <string.h>

int tc_file_is_hdf5(const char *path) {
  static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  FILE *f = fopen(path, "rb");
  if (!f)
    return 0;
  int yes = 0;
  for (long off = 0; !yes && off <= 65536; off = off ? 2 * off : 512) {
    unsigned char b[8];
    if (fseek(f, off, SEEK_SET) != 0 || fread(b, 1, sizeof b, f) != sizeof b)
      break;
    yes = memcmp(b, sig, sizeof sig) == 0;
  }
  fclose(f);
  return yes;
}
