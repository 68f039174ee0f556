#include "host/opencl/cl_device.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PLATFORMS 16
#define MAX_DEVICES 64

static const char *type_name(cl_device_type t) {
  if (t & CL_DEVICE_TYPE_GPU)
    return "gpu";
  if (t & CL_DEVICE_TYPE_CPU)
    return "cpu";
  if (t & CL_DEVICE_TYPE_ACCELERATOR)
    return "accelerator";
  return "other";
}

static tc_status str_info(cl_device_id d, cl_device_info what, char *buf, size_t cap,
                          const char *name, tc_err *err) {
  tc_status st = TC_OK;
  size_t len = 0;
  TC_CL_TRY(err, clGetDeviceInfo(d, what, cap - 1, buf, &len));
  buf[len < cap ? len : cap - 1] = '\0';
cleanup:
  if (st != TC_OK)
    tc_err_prefix(err, "device info %s: ", name);
  return st;
}

/* Fills the facts of one device; device strings longer than the fields are cut. */
static tc_status describe(cl_device_id d, tc_cl_device_info *o, tc_err *err) {
  tc_status st = TC_OK;
  cl_uint cu = 0, mhz = 0;
  cl_ulong gmem = 0, lmem = 0, maxa = 0;
  cl_bool avail = CL_FALSE;
  size_t mwg = 0;
  cl_device_fp_config dbl = 0;
  char *ext = NULL;
  size_t extlen = 0;
  o->device_id = d;
  if ((st = str_info(d, CL_DEVICE_NAME, o->name, sizeof o->name, "name", err)) ||
      (st = str_info(d, CL_DEVICE_VENDOR, o->vendor, sizeof o->vendor, "vendor", err)) ||
      (st = str_info(d, CL_DEVICE_VERSION, o->version, sizeof o->version, "version", err)) ||
      (st = str_info(d, CL_DRIVER_VERSION, o->driver, sizeof o->driver, "driver", err)) ||
      (st = str_info(d, CL_DEVICE_OPENCL_C_VERSION, o->c_version, sizeof o->c_version,
                     "OpenCL C version", err)))
    goto cleanup;
  TC_CL_TRY(err, clGetDeviceInfo(d, CL_DEVICE_TYPE, sizeof o->type_bits, &o->type_bits, NULL));
  TC_CL_TRY(err, clGetDeviceInfo(d, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof cu, &cu, NULL));
  TC_CL_TRY(err, clGetDeviceInfo(d, CL_DEVICE_MAX_CLOCK_FREQUENCY, sizeof mhz, &mhz, NULL));
  TC_CL_TRY(err, clGetDeviceInfo(d, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof gmem, &gmem, NULL));
  TC_CL_TRY(err, clGetDeviceInfo(d, CL_DEVICE_LOCAL_MEM_SIZE, sizeof lmem, &lmem, NULL));
  TC_CL_TRY(err, clGetDeviceInfo(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof maxa, &maxa, NULL));
  TC_CL_TRY(err, clGetDeviceInfo(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof mwg, &mwg, NULL));
  TC_CL_TRY(err, clGetDeviceInfo(d, CL_DEVICE_AVAILABLE, sizeof avail, &avail, NULL));
  TC_CL_TRY(err, clGetDeviceInfo(d, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof dbl, &dbl, NULL));
  TC_CL_TRY(err, clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, 0, NULL, &extlen));
  if (!(ext = malloc(extlen + 1))) {
    st = tc_fail(err, TC_ERR_NOMEM, "device extensions: %zu bytes", extlen + 1);
    goto cleanup;
  }
  TC_CL_TRY(err, clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, extlen, ext, NULL));
  ext[extlen] = '\0';
  o->type = type_name(o->type_bits);
  o->compute_units = cu;
  o->clock_mhz = mhz;
  o->global_mem = gmem;
  o->local_mem = lmem;
  o->max_alloc = maxa;
  o->max_work_group = mwg;
  o->available = avail == CL_TRUE;
  o->fp64 = dbl != 0 || strstr(ext, "cl_khr_fp64") != NULL;
cleanup:
  free(ext);
  return st;
}

tc_status tc_cl_devices_list(tc_cl_device_info **list, size_t *n, tc_err *err) {
  tc_status st = TC_OK;
  cl_platform_id plats[MAX_PLATFORMS];
  cl_device_id devs[MAX_DEVICES];
  cl_uint np = 0;
  tc_cl_device_info *out = NULL;
  size_t count = 0, cap = 0;
  *list = NULL;
  *n = 0;
  cl_int rc = clGetPlatformIDs(MAX_PLATFORMS, plats, &np);
  if (rc == -1001 /* CL_PLATFORM_NOT_FOUND_KHR */ || (rc == CL_SUCCESS && np == 0))
    return tc_fail(err, TC_ERR_UNSUPPORTED,
                   "no OpenCL platform: the ICD loader found no driver (vendor files in "
                   "/etc/OpenCL/vendors or $OCL_ICD_VENDORS; install pocl-opencl-icd for the CPU)");
  TC_CL_TRY_RC(err, rc, "clGetPlatformIDs");
  if (np > MAX_PLATFORMS)
    np = MAX_PLATFORMS;
  for (cl_uint p = 0; p < np; p++) {
    char pname[128] = "", pver[128] = "";
    cl_uint nd = 0;
    TC_CL_TRY(err, clGetPlatformInfo(plats[p], CL_PLATFORM_NAME, sizeof pname - 1, pname, NULL));
    TC_CL_TRY(err, clGetPlatformInfo(plats[p], CL_PLATFORM_VERSION, sizeof pver - 1, pver, NULL));
    rc = clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, MAX_DEVICES, devs, &nd);
    if (rc == CL_DEVICE_NOT_FOUND)
      continue; /* a platform with no device is not an error */
    TC_CL_TRY_RC(err, rc, "clGetDeviceIDs");
    if (nd > MAX_DEVICES)
      nd = MAX_DEVICES;
    for (cl_uint d = 0; d < nd; d++) {
      if (count == cap) {
        size_t nc = cap ? 2 * cap : 8;
        tc_cl_device_info *t = realloc(out, nc * sizeof *t);
        if (!t) {
          st = tc_fail(err, TC_ERR_NOMEM, "device list: %zu entries", nc);
          goto cleanup;
        }
        out = t;
        cap = nc;
      }
      tc_cl_device_info *o = &out[count];
      memset(o, 0, sizeof *o);
      o->index = (int)count;
      o->platform = (int)p;
      o->device = (int)d;
      o->platform_id = plats[p];
      memcpy(o->platform_name, pname, sizeof pname);
      memcpy(o->platform_version, pver, sizeof pver);
      if ((st = describe(devs[d], o, err)) != TC_OK) {
        tc_err_prefix(err, "platform %u device %u: ", p, d);
        goto cleanup;
      }
      count++;
    }
  }
  if (count == 0) {
    st = tc_fail(err, TC_ERR_UNSUPPORTED, "no OpenCL device: %u platform(s) found, none with a device",
                 np);
    goto cleanup;
  }
  *list = out;
  *n = count;
  out = NULL;
cleanup:
  free(out);
  return st;
}

int tc_cl_device_type_ok(const tc_cl_device_info *d, int type) {
  if (type == TC_CL_TYPE_GPU)
    return (d->type_bits & CL_DEVICE_TYPE_GPU) != 0;
  if (type == TC_CL_TYPE_CPU)
    return (d->type_bits & CL_DEVICE_TYPE_CPU) != 0;
  return 1;
}

static int rank_of(const tc_cl_device_info *d) {
  if (d->type_bits & CL_DEVICE_TYPE_GPU)
    return 0;
  if (d->type_bits & CL_DEVICE_TYPE_ACCELERATOR)
    return 1;
  if (d->type_bits & CL_DEVICE_TYPE_CPU)
    return 2;
  return 3;
}

/* A device tc_cl_device_nth may hand out: of the platform and type, available, and of
 * the kind `best` (rank_of). */
static int nth_eligible(const tc_cl_device_info *d, int platform, int device_type, int best) {
  return (platform < 0 || d->platform == platform) && tc_cl_device_type_ok(d, device_type) && d->available &&
         (best < 0 || rank_of(d) == best);
}

tc_status tc_cl_device_nth(int platform, int device_type, int n, int *device, tc_err *err) {
  tc_cl_device_info *list = NULL;
  size_t nl = 0;
  tc_status st = tc_cl_devices_list(&list, &nl, err);
  if (st != TC_OK)
    return st;
  int best = -1, count = 0;
  for (size_t i = 0; i < nl; i++)
    if (nth_eligible(&list[i], platform, device_type, -1) && (best < 0 || rank_of(&list[i]) < best))
      best = rank_of(&list[i]);
  for (size_t i = 0; best >= 0 && i < nl; i++)
    count += nth_eligible(&list[i], platform, device_type, best);
  *device = -1;
  for (size_t i = 0, k = 0; count && i < nl && *device < 0; i++)
    if (nth_eligible(&list[i], platform, device_type, best) && (int)k++ == n % count)
      *device = platform >= 0 ? list[i].device : list[i].index;
  free(list);
  if (*device < 0)
    return tc_fail(err, TC_ERR_NOT_FOUND, "no available OpenCL device of the type asked for among %zu listed", nl);
  return TC_OK;
}

tc_status tc_cl_device_select(int platform, int device, int device_type, tc_cl_device_info *out,
                              tc_err *err) {
  static const char *const tnames[] = {"any", "gpu", "cpu"};
  tc_cl_device_info *list = NULL;
  size_t n = 0;
  const tc_cl_device_info *pick = NULL;
  tc_status st = TC_OK;
  if (device_type < 0 || device_type > 2)
    return tc_fail(err, TC_ERR_ARG, "device type %d: expected 0 (any), 1 (gpu) or 2 (cpu)",
                   device_type);
  if ((st = tc_cl_devices_list(&list, &n, err)) != TC_OK)
    return st;
  if (device >= 0) {
    for (size_t i = 0; i < n && !pick; i++)
      if (platform >= 0 ? (list[i].platform == platform && list[i].device == device)
                        : list[i].index == device)
        pick = &list[i];
    if (!pick) {
      st = platform >= 0 ? tc_fail(err, TC_ERR_NOT_FOUND,
                                   "OpenCL platform %d has no device %d (see trajcorr devices)",
                                   platform, device)
                         : tc_fail(err, TC_ERR_NOT_FOUND,
                                   "no OpenCL device %d: %zu device(s) listed (see trajcorr devices)",
                                   device, n);
      goto cleanup;
    }
    if (!tc_cl_device_type_ok(pick, device_type)) {
      st = tc_fail(err, TC_ERR_NOT_FOUND, "OpenCL device %d (%s) is a %s device, not %s", device,
                   pick->name, pick->type, tnames[device_type]);
      goto cleanup;
    }
  } else {
    for (size_t i = 0; i < n; i++) {
      if ((platform >= 0 && list[i].platform != platform) || !tc_cl_device_type_ok(&list[i], device_type) ||
          !list[i].available)
        continue;
      if (!pick || rank_of(&list[i]) < rank_of(pick))
        pick = &list[i];
    }
    if (!pick) {
      if (platform >= 0)
        st = tc_fail(err, TC_ERR_NOT_FOUND, "OpenCL platform %d has no available %s device",
                     platform, tnames[device_type]);
      else
        st = tc_fail(err, TC_ERR_NOT_FOUND, "no available OpenCL %s device among %zu listed",
                     tnames[device_type], n);
      goto cleanup;
    }
  }
  if (!pick->available) {
    st = tc_fail(err, TC_ERR_UNSUPPORTED, "OpenCL device %d (%s) is not available", pick->index,
                 pick->name);
    goto cleanup;
  }
  *out = *pick;
cleanup:
  free(list);
  return st;
}

tc_status tc_cl_device_type_parse(const char *s, int *type, tc_err *err) {
  if (!strcmp(s, "any"))
    *type = TC_CL_TYPE_ANY;
  else if (!strcmp(s, "gpu"))
    *type = TC_CL_TYPE_GPU;
  else if (!strcmp(s, "cpu"))
    *type = TC_CL_TYPE_CPU;
  else
    return tc_fail(err, TC_ERR_ARG, "device type '%s': expected gpu, cpu or any", s);
  return TC_OK;
}

tc_status tc_cl_device_limit_alloc(tc_cl_device_info *dev, int *forced, tc_err *err) {
  const char *v = getenv("TRAJCORR_CL_MAX_ALLOC");
  *forced = 0;
  if (!v || !*v)
    return TC_OK;
  char *end = NULL;
  errno = 0;
  unsigned long long b = strtoull(v, &end, 10);
  if (errno || end == v || *end || b == 0 || v[0] == '-')
    return tc_fail(err, TC_ERR_ARG, "TRAJCORR_CL_MAX_ALLOC='%s': expected a positive number of bytes",
                   v);
  if (b < dev->max_alloc) {
    dev->max_alloc = b;
    *forced = 1;
  }
  return TC_OK;
}
