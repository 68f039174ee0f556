/* The table of built backends, looked up by name. */
#include <string.h>

#include "host/backend.h"

/* BACKEND EXTERNS: one line per backend implementation */
extern const tc_backend_ops tc_backend_openmp;
extern const tc_backend_ops tc_backend_allpairs;
#ifdef TRAJCORR_HAVE_OPENCL
extern const tc_backend_ops tc_backend_opencl, tc_backend_opencl_allpairs;
#endif

static const tc_backend_ops *const backends[] = {
    /* BACKEND TABLE: one line per backend implementation */
    &tc_backend_openmp,
    &tc_backend_allpairs,
#ifdef TRAJCORR_HAVE_OPENCL
    &tc_backend_opencl, &tc_backend_opencl_allpairs,
#endif
    NULL};

const tc_backend_ops *tc_backend_find(const char *name) {
  for (size_t i = 0; backends[i]; i++)
    if (!strcmp(backends[i]->name, name))
      return backends[i];
  return NULL;
}

