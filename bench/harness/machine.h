/* What a benchmark result was measured on: CPU, cores, memory, OS, and the
 * program's version and build. Written into every results file so that numbers
 * from different machines are never compared blind. */
#ifndef TC_MACHINE_H
#define TC_MACHINE_H

#include <stddef.h>
#include <stdint.h>

#include "io/json.h"
#include "io/status.h"

typedef struct {
  char cpu_model[128];      /* /proc/cpuinfo "model name" (or "unknown") */
  int cores_online;         /* logical CPUs online */
  int cores_allowed;        /* in this process's affinity mask (what threads get) */
  uint64_t mem_total;       /* bytes */
  uint64_t mem_available;   /* bytes, at collection time */
  char os[160];             /* uname: system release machine; distribution name */
  char hostname[64];
  char version[32];         /* TRAJCORR_VERSION */
  char build_type[32];      /* TRAJCORR_BUILD_TYPE */
  char compiler[64];
  char hdf5[32];            /* library version linked */
  int openmp;               /* built with OpenMP */
  int openmp_max_threads;   /* 1 without OpenMP */
  int engine_threads;       /* what encounters uses by default (tc_params_threads) */
  int opencl;               /* built with OpenCL */
  double load1;             /* 1-minute load average at collection (others' work skews timings) */
  char accelerators[512];   /* filled by a probe (OpenCL devices); empty when none */
} tc_machine_info;

/* A hook for what the core cannot see by itself (OpenCL platforms and devices):
 * called last, may append to m->accelerators. NULL = none. */
typedef void (*tc_machine_probe)(tc_machine_info *m, void *ctx);

/* Fills m. Fields that cannot be read are left "unknown"/0; only a failure to get
 * anything at all is an error. */
tc_status tc_machine_collect(tc_machine_info *m, tc_machine_probe probe, void *ctx, tc_err *err);

/* One JSON object with every field; NULL when out of memory. */
json_t *tc_machine_json(const tc_machine_info *m);

/* A one-line summary: "AMD EPYC, 2 cores, 23.4 GiB, Linux 6.1 x86_64, trajcorr 0.1.0 Release". */
void tc_machine_summary(const tc_machine_info *m, char *buf, size_t cap);

#endif
