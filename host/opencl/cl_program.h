/* Kernel program building: sources come from the copies embedded at build time
 * (kernels/embed.cmake) or, when TRAJCORR_KERNEL_DIR is set, from that folder.
 * Contexts and built programs are cached for the whole process, keyed by device,
 * options and source text, and programs also on disk (cl_cache.h), because a cold
 * build takes seconds on PoCL and about one on NVIDIA. */
#ifndef TC_CL_PROGRAM_H
#define TC_CL_PROGRAM_H

#include <stddef.h>

#include "host/opencl/cl_check.h"

/* The one source the kernels are built from: geo.h (unless fp64 == 0: geo.h needs
 * doubles) then every kernel .cl file, cells.cl first, each preceded by a #line
 * directive so build logs name the right file; `#include "x.h"` lines of files that
 * are part of the source are blanked. *text is malloc'd. */
tc_status tc_cl_program_source(int fp64, char **text, size_t *len, tc_err *err);

/* The build options for a precision ("-cl-std=CL1.2 -DTC_SINGLE=1 ..."). No fast-math
 * or mad options: geo.h asks for FP_CONTRACT OFF so results match the host. */
void tc_cl_build_options(int single, int fp64, char *buf, size_t cap);

/* The process's context for a device (created on first use). The caller gets its own
 * reference: clReleaseContext when done. */
tc_status tc_cl_context_get(cl_device_id dev, cl_context *ctx, tc_err *err);

/* Where tc_cl_program_get found the program. */
typedef enum {
  TC_CL_FROM_PROCESS = 0, /* already built in this process */
  TC_CL_FROM_DISK,        /* the on-disk cache (cl_cache.h): no compile */
  TC_CL_FROM_SOURCE       /* compiled from source (cache miss, bad file, or cache off) */
} tc_cl_from;

typedef struct {
  tc_cl_from from;
  double seconds;       /* to get the program, build or load included */
  char cache_file[4096]; /* the cache file read or written; "" when the cache is off */
  int cache_written;    /* the build was stored in cache_file */
  char note[512];       /* why a cache file was refused or not written; "" when none */
} tc_cl_program_info;

/* "process", "disk cache", "built" */
const char *tc_cl_from_name(tc_cl_from f);

/* The program for (device, precision): from this process's cache, else from the disk
 * cache (cl_cache.h), else built from source and then stored on disk. The caller gets
 * its own reference (clReleaseProgram). info (may be NULL) says where it came from. A
 * cache file that is bad, or that the driver refuses, is rebuilt and replaced; a cache
 * that cannot be written is noted in info, never an error. On a failed build err holds
 * the options and the start of the build log. */
tc_status tc_cl_program_get(cl_device_id dev, int single, int fp64, cl_program *prog,
                            tc_cl_program_info *info, tc_err *err);

/* Releases every program and context cached in the process (end of program, tests);
 * the disk cache stays. */
void tc_cl_cache_clear(void);

#endif
