/* Could there be an OpenCL GPU? Asked by `--backend auto` on every run before it
 * builds the backend, so it must be cheap: it lists devices (no context, no kernel
 * build), and it does not even load the ICDs when every installed one is PoCL. PoCL offers this machine's CPU only, where the
 * OpenMP backend is faster, and loading it (LLVM) costs ~40 ms and ~60 MB per run. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/opencl/cl_device.h"

int tc_cl_icds_only_pocl(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return 0; /* a file, or unreadable: let the loader decide */
  int icds = 0, others = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (n < 4 || strcmp(e->d_name + n - 4, ".icd"))
      continue;
    char path[4096], line[512] = "";
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(line, sizeof line, f))
      others = 1; /* unreadable: assume it may be a GPU */
    if (f)
      fclose(f);
    icds++;
    if (!strstr(line, "libpocl"))
      others = 1;
  }
  closedir(d);
  return icds > 0 && !others;
}

int tc_cl_gpu_present(void) {
  const char *dir = getenv("OCL_ICD_VENDORS");
  if (!getenv("OCL_ICD_FILENAMES") && tc_cl_icds_only_pocl(dir && *dir ? dir : "/etc/OpenCL/vendors"))
    return 0;
  tc_cl_device_info info;
  tc_err e = {0};
  return tc_cl_device_select(-1, -1, TC_CL_TYPE_GPU, &info, &e) == TC_OK;
}
