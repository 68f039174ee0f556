/* OpenCL platform/device enumeration and selection (--platform, --device,
 * --device-type), and the facts `trajcorr devices` shows. */
#ifndef TC_CL_DEVICE_H
#define TC_CL_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "host/opencl/cl_check.h"

typedef struct {
  int index;                 /* position in the whole listing (all platforms) */
  int platform, device;      /* platform index; device index within that platform */
  cl_platform_id platform_id;
  cl_device_id device_id;
  char platform_name[128], platform_version[128];
  char name[128], vendor[128], version[128], driver[128], c_version[64];
  cl_device_type type_bits;
  const char *type;          /* "gpu", "cpu", "accelerator", "other" */
  unsigned compute_units;
  unsigned clock_mhz;
  uint64_t global_mem, local_mem, max_alloc;
  size_t max_work_group;
  int fp64;                  /* cl_khr_fp64 (double precision) */
  int available;
} tc_cl_device_info;

/* Selection by type: the values of tc_backend_config.device_type. */
enum { TC_CL_TYPE_ANY = 0, TC_CL_TYPE_GPU = 1, TC_CL_TYPE_CPU = 2 };

/* Every device of every platform, in platform then device order. *list is malloc'd
 * (free()); TC_ERR_UNSUPPORTED with a clear message when no platform exists. */
tc_status tc_cl_devices_list(tc_cl_device_info **list, size_t *n, tc_err *err);

/* Picks one device. platform >= 0 restricts to that platform and then `device` is the
 * index within it; otherwise `device` is the listing index. With device < 0 the first
 * available device of the requested type is taken, GPUs preferred for TC_CL_TYPE_ANY. */
tc_status tc_cl_device_select(int platform, int device, int device_type, tc_cl_device_info *out,
                              tc_err *err);

/* 1 when d is of the type (TC_CL_TYPE_*). */
int tc_cl_device_type_ok(const tc_cl_device_info *d, int type);

/* For one of several processes sharing a machine (MPI ranks on a node): the n-th,
 * modulo their number, of the devices tc_cl_device_select would choose among with
 * device < 0 (available, of the type, the best kind present: GPUs before accelerators
 * before CPUs). *device: the listing index, or the index within `platform` when
 * platform >= 0, ready for tc_cl_device_select. */
tc_status tc_cl_device_nth(int platform, int device_type, int n, int *device, tc_err *err);

/* "gpu" / "cpu" / "any" -> TC_CL_TYPE_*. */
tc_status tc_cl_device_type_parse(const char *s, int *type, tc_err *err);

/* TRAJCORR_CL_MAX_ALLOC=BYTES lowers the largest buffer a device allows, so that a test on a
 * big device takes the paths of a small one (every user of the device honours it). Lowers
 * dev->max_alloc and sets *forced when it does; an unreadable value is an error naming it. */
tc_status tc_cl_device_limit_alloc(tc_cl_device_info *dev, int *forced, tc_err *err);

#endif
