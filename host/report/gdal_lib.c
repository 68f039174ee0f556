#include "host/report/gdal_lib.h"

#include <stdio.h>
#include <string.h>

#ifdef TRAJCORR_HAVE_GDAL
#include <dlfcn.h>

#ifndef TRAJCORR_GDAL_SONAME
#define TRAJCORR_GDAL_SONAME "libgdal.so"
#endif

static tc_gdal_api api;
static int state;              /* 0 not tried, 1 loaded, -1 failed */
static char why[512];

const tc_gdal_api *tc_gdal(void) { return state == 1 ? &api : NULL; }

/* What GDAL said between capture_begin and _end (one writer at a time: the commands
 * write their outputs from one thread). */
static struct {
  char error[512], warning[512];
} cap;

static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum no, const char *msg) {
  (void)no;
  if ((cls == CE_Failure || cls == CE_Fatal) && !cap.error[0])
    snprintf(cap.error, sizeof cap.error, "%s", msg ? msg : "");
  else if (cls == CE_Warning)
    snprintf(cap.warning, sizeof cap.warning, "%s", msg ? msg : "");
}

void tc_gdal_capture_begin(void) {
  cap.error[0] = cap.warning[0] = '\0';
  if (state == 1) {
    api.CPLPushErrorHandler(handler);
    api.CPLErrorReset();
  }
}

void tc_gdal_capture_end(void) {
  if (state == 1)
    api.CPLPopErrorHandler();
}

int tc_gdal_error_kept(void) { return cap.error[0] != '\0'; }

tc_status tc_gdal_fail(tc_err *err, const char *what) {
  const char *m = cap.error[0] ? cap.error : state == 1 ? api.CPLGetLastErrorMsg() : "";
  return tc_fail(err, TC_ERR_IO, "%s: %s", what, m && m[0] ? m : "failed (GDAL gave no reason)");
}

tc_status tc_gdal_load(const char *what, tc_err *err) {
  if (state == 0) {
    state = -1;
    /* RTLD_LOCAL: neither GDAL nor its libhdf5 joins the global scope, so nothing
     * loaded later binds to them, and they bind to none of the program's symbols
     * (the program exports none: docs/architecture.md). */
    void *h = dlopen(TRAJCORR_GDAL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      snprintf(why, sizeof why, "cannot load GDAL (%s): %s; apt-get install libgdal32", TRAJCORR_GDAL_SONAME,
               dlerror());
    } else {
      const char *missing = NULL;
      void *sym;
#define TC_GDAL_SYM(f)                                                                                        \
  if (!missing && !(sym = dlsym(h, #f)))                                                                      \
    missing = #f;                                                                                             \
  else if (!missing)                                                                                          \
    memcpy(&api.f, &sym, sizeof sym); /* POSIX: a function's address in a void * */
      TC_GDAL_FUNCS(TC_GDAL_SYM)
#undef TC_GDAL_SYM
      if (missing) {
        snprintf(why, sizeof why, "%s has no %s (GDAL 3.0 or later is needed)", TRAJCORR_GDAL_SONAME, missing);
        dlclose(h);
      } else {
        state = 1;
        tc_gdal_capture_begin(); /* drivers that fail to register say so through the handler */
        api.GDALAllRegister();
        tc_gdal_capture_end();
      }
    }
  }
  if (state == 1)
    return TC_OK;
  return tc_fail(err, TC_ERR_UNSUPPORTED, "%s output: %s", what, why);
}

#else

void tc_gdal_capture_begin(void) {}
void tc_gdal_capture_end(void) {}
int tc_gdal_error_kept(void) { return 0; }
tc_status tc_gdal_fail(tc_err *err, const char *what) { return tc_fail(err, TC_ERR_IO, "%s: failed", what); }

tc_status tc_gdal_load(const char *what, tc_err *err) {
  return tc_fail(err, TC_ERR_UNSUPPORTED,
                 "%s output needs GDAL, and this trajcorr was built without it (apt-get install libgdal-dev, "
                 "then rebuild); CSV, GeoJSON, KML and HDF5 are written without it",
                 what);
}

#endif
