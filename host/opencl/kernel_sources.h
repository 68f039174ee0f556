/* OpenCL C sources embedded at build time by kernels/embed.cmake. */
#ifndef TC_KERNEL_SOURCES_H
#define TC_KERNEL_SOURCES_H

#include <stddef.h>

typedef struct {
  const char *name;   /* file name under kernels/, e.g. "geo.h" */
  const char *text;   /* NUL-terminated source */
  size_t len;
} tc_kernel_source;

/* Terminated by an entry with name == NULL. */
extern const tc_kernel_source tc_kernel_sources[];

#endif
