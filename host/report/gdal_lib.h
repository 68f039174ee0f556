/* GDAL/OGR's C API, loaded when a format that needs it is written (docs/architecture.md,
 * "GDAL"). libgdal pulls in about 110 shared libraries, 80 ms of every command's start
 * if the program were linked against it, and its own shared libhdf5 beside the static
 * HDF5 the store code may use: opened with dlopen(RTLD_LOCAL) on first use, it costs
 * nothing to the commands that never write a GIS file, and its HDF5 stays a separate
 * copy that never binds to the program's.
 *
 * Every call goes through the table tc_gdal(); the error handler tc_gdal_capture_begin
 * installs keeps GDAL's messages (the library never prints) for tc_gdal_fail. Built
 * without GDAL (TRAJCORR_HAVE_GDAL unset), tc_gdal_load fails with the reason. */
#ifndef TC_GDAL_LIB_H
#define TC_GDAL_LIB_H

#include "io/status.h"

#ifdef TRAJCORR_HAVE_GDAL
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#define TC_GDAL_FUNCS(X)                                                                                      \
  X(GDALAllRegister) X(GDALGetDriverByName) X(GDALCreate) X(GDALClose) X(GDALDatasetCreateLayer)             \
  X(GDALDatasetStartTransaction) X(GDALDatasetCommitTransaction) X(GDALVersionInfo)                          \
  X(OGR_Fld_Create) X(OGR_Fld_Destroy) X(OGR_Fld_SetWidth) X(OGR_L_CreateField) X(OGR_L_GetLayerDefn)        \
  X(OGR_L_CreateFeature) X(OGR_F_Create) X(OGR_F_Destroy) X(OGR_F_SetFieldInteger)                           \
  X(OGR_F_SetFieldInteger64) X(OGR_F_SetFieldDouble) X(OGR_F_SetFieldString) X(OGR_F_SetFieldDateTime)       \
  X(OGR_F_SetFieldNull) X(OGR_F_SetGeometryDirectly) X(OGR_G_CreateGeometry) X(OGR_G_DestroyGeometry)        \
  X(OGR_G_AddPoint_2D) X(OGR_G_SetPoint_2D) X(OGR_G_AddPointM) X(OGR_G_AddGeometryDirectly)                  \
  X(OSRNewSpatialReference) X(OSRImportFromEPSG) X(OSRSetAxisMappingStrategy) X(OSRRelease)                  \
  X(CPLPushErrorHandler) X(CPLPopErrorHandler) X(CPLErrorReset) X(CPLGetLastErrorMsg)

#define TC_GDAL_MEMBER(f) __typeof__(&f) f;
typedef struct {
  TC_GDAL_FUNCS(TC_GDAL_MEMBER)
} tc_gdal_api;
#undef TC_GDAL_MEMBER

/* The table, after a successful tc_gdal_load. */
const tc_gdal_api *tc_gdal(void);
#endif

/* Loads the library (once; later calls return the first outcome). TC_ERR_UNSUPPORTED
 * naming what is missing when GDAL was not built in or its library cannot be opened;
 * what names the format asked for, for the message. */
tc_status tc_gdal_load(const char *what, tc_err *err);

/* Between begin and end GDAL's messages are kept instead of printed: the first error
 * and the last warning. */
void tc_gdal_capture_begin(void);
void tc_gdal_capture_end(void);
/* Whether an error was kept since tc_gdal_capture_begin. */
int tc_gdal_error_kept(void);
/* TC_ERR_IO: "what: GDAL's first error message" (CPLGetLastErrorMsg when none was kept,
 * else "failed"). */
tc_status tc_gdal_fail(tc_err *err, const char *what);

#endif
