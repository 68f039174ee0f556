/* Kernel program building: sources come from the copies embedded at build time
 * (kernels/embed.cmake) or, when TRAJCORR_KERNEL_DIR is set, from that folder.
 * Contexts and built programs are cached for the whole process, keyed by device,
 * options and source text, because a cold PoCL build takes seconds. */
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

/* The program for (device, precision), built once per process and cached. The caller
 * gets its own reference (clReleaseProgram). *build_s (may be NULL) is the build time
 * in seconds, 0 when it came from the cache. On a failed build err holds the options
 * and the start of the build log. */
tc_status tc_cl_program_get(cl_device_id dev, int single, int fp64, cl_program *prog,
                            double *build_s, tc_err *err);

/* Releases every cached program and context (end of program, tests). */
void tc_cl_cache_clear(void);

#endif
