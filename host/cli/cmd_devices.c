/* trajcorr devices [--json] [--build [--platform P] [--device D]]: the OpenCL platforms
 * and devices, which one --backend opencl picks by default, and (--build) whether the
 * kernels build there, which also fills the program cache for later runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/specs.h"
#include "host/report/textout.h"

#ifdef TRAJCORR_HAVE_OPENCL
#include "host/opencl/cl_cache.h"
#include "host/opencl/cl_device.h"
#include "host/opencl/cl_program.h"

static void human_bytes(uint64_t b, char *buf, size_t cap) {
  const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = (double)b;
  int i = 0;
  while (v >= 1024 && i < 4) {
    v /= 1024;
    i++;
  }
  snprintf(buf, cap, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

typedef struct {
  int tried[2], ok[2]; /* [0] double, [1] single */
  tc_cl_program_info info[2];
  char msg[2][TC_ERR_MSG_MAX];
} build_result;

/* Builds (or loads from the disk cache, which a build fills) both precisions. */
static void try_build(const tc_cl_device_info *d, build_result *r) {
  memset(r, 0, sizeof *r);
  for (int single = 0; single < 2; single++) {
    if (!single && !d->fp64)
      continue;
    tc_err err = {0};
    cl_program p = NULL;
    r->tried[single] = 1;
    r->ok[single] =
        tc_cl_program_get(d->device_id, single, d->fp64, &p, &r->info[single], &err) == TC_OK;
    if (p)
      clReleaseProgram(p);
    snprintf(r->msg[single], sizeof r->msg[single], "%s", err.msg);
  }
}

/* "built in 1.23 s, cached in FILE", "loaded from the cache in 0.01 s (FILE)". */
static void build_text(const tc_cl_program_info *i, char *buf, size_t cap) {
  int n;
  if (i->from == TC_CL_FROM_DISK)
    n = snprintf(buf, cap, "loaded from the cache in %.2f s (%s)", i->seconds, i->cache_file);
  else if (i->cache_written)
    n = snprintf(buf, cap, "built in %.2f s, cached in %s", i->seconds, i->cache_file);
  else
    n = snprintf(buf, cap, "built in %.2f s%s", i->seconds,
                 i->cache_file[0] ? "" : " (cache off: TRAJCORR_CL_CACHE=off or no home folder)");
  if (i->note[0] && n >= 0 && (size_t)n < cap)
    snprintf(buf + n, cap - (size_t)n, " [cache: %s]", i->note);
}

static void print_json(const tc_cl_device_info *v, size_t n, int def, const build_result *br,
                       const char *cache_dir) {
  printf("{\"program_cache\": ");
  tc_put_json_str(stdout, cache_dir);
  printf(", \"devices\": [");
  for (size_t i = 0; i < n; i++) {
    const tc_cl_device_info *d = &v[i];
    printf("%s\n  {\"index\": %d, \"platform\": %d, \"device\": %d, \"default\": %s, \"platform_name\": ",
           i ? "," : "", d->index, d->platform, d->device, (int)i == def ? "true" : "false");
    tc_put_json_str(stdout, d->platform_name);
    printf(", \"platform_version\": ");
    tc_put_json_str(stdout, d->platform_version);
    printf(", \"name\": ");
    tc_put_json_str(stdout, d->name);
    printf(", \"vendor\": ");
    tc_put_json_str(stdout, d->vendor);
    printf(", \"type\": \"%s\", \"compute_units\": %u, \"clock_mhz\": %u", d->type,
           d->compute_units, d->clock_mhz);
    printf(", \"global_mem\": %llu, \"local_mem\": %llu, \"max_alloc\": %llu",
           (unsigned long long)d->global_mem, (unsigned long long)d->local_mem,
           (unsigned long long)d->max_alloc);
    printf(", \"max_work_group\": %zu, \"fp64\": %s, \"available\": %s, \"driver\": ",
           d->max_work_group, d->fp64 ? "true" : "false", d->available ? "true" : "false");
    tc_put_json_str(stdout, d->driver);
    printf(", \"version\": ");
    tc_put_json_str(stdout, d->version);
    printf(", \"opencl_c\": ");
    tc_put_json_str(stdout, d->c_version);
    if (br) {
      const char *pn[2] = {"double", "single"};
      printf(", \"build\": {");
      int first = 1;
      for (int k = 0; k < 2; k++) {
        if (!br[i].tried[k])
          continue;
        const tc_cl_program_info *pi = &br[i].info[k];
        printf("%s\"%s\": {\"ok\": %s, \"seconds\": %.3f, \"from\": \"%s\", \"cache_file\": ",
               first ? "" : ", ", pn[k], br[i].ok[k] ? "true" : "false", pi->seconds,
               tc_cl_from_name(pi->from));
        tc_put_json_str(stdout, pi->cache_file);
        printf(", \"cache_written\": %s, \"cache_note\": ", pi->cache_written ? "true" : "false");
        tc_put_json_str(stdout, pi->note);
        printf(", \"message\": ");
        tc_put_json_str(stdout, br[i].msg[k]);
        putchar('}');
        first = 0;
      }
      putchar('}');
    }
    putchar('}');
  }
  printf("\n]}\n");
}

static void print_text(const tc_cl_device_info *v, size_t n, int def, const build_result *br) {
  for (size_t i = 0; i < n; i++) {
    const tc_cl_device_info *d = &v[i];
    char g[32], l[32], a[32];
    human_bytes(d->global_mem, g, sizeof g);
    human_bytes(d->local_mem, l, sizeof l);
    human_bytes(d->max_alloc, a, sizeof a);
    printf("%c [%d] %s%s\n", (int)i == def ? '*' : ' ', d->index, d->name,
           d->available ? "" : " (not available)");
    printf("      --platform %d --device %d   platform: %s (%s)\n", d->platform, d->device,
           d->platform_name, d->platform_version);
    printf("      type %s, %u compute units at %u MHz, vendor %s\n", d->type, d->compute_units,
           d->clock_mhz, d->vendor);
    printf("      global memory %s (one buffer up to %s), local memory %s, work-group up to %zu\n",
           g, a, l, d->max_work_group);
    printf("      fp64 %s, driver %s, %s, %s\n", d->fp64 ? "yes" : "no (single precision only)",
           d->driver, d->version, d->c_version);
    for (int k = 0; br && k < 2; k++) {
      if (!br[i].tried[k])
        continue;
      char txt[TC_ERR_MSG_MAX + 4200];
      build_text(&br[i].info[k], txt, sizeof txt);
      if (br[i].ok[k])
        printf("      kernels (%s): %s\n", k ? "single" : "double", txt);
      else
        printf("      kernels (%s): FAILED: %s\n", k ? "single" : "double", br[i].msg[k]);
    }
  }
}

/* The listing itself; cmd_devices adds the closing line. */
static int list_devices(int json, int build, int platform, int device) {
  int rc = 0;
  tc_cl_device_info *list = NULL, chosen;
  size_t n = 0;
  build_result *br = NULL;
  tc_err err = {0};
  if (tc_cl_devices_list(&list, &n, &err) != TC_OK) {
    if (json) {
      printf("{\"devices\": [], \"error\": ");
      tc_put_json_str(stdout, err.msg);
      printf("}\n");
    }
    fprintf(stderr, "trajcorr devices: %s\n", err.msg);
    return 1;
  }
  int def = -1;
  if (tc_cl_device_select(-1, -1, TC_CL_TYPE_ANY, &chosen, &err) == TC_OK)
    def = chosen.index;
  if (build) {
    if (!(br = calloc(n, sizeof *br))) {
      fprintf(stderr, "trajcorr devices: out of memory\n");
      free(list);
      return 1;
    }
    int only = -1; /* listing index of the one device to build, or -1 for all */
    if (platform >= 0 || device >= 0) {
      if (tc_cl_device_select(platform, device, TC_CL_TYPE_ANY, &chosen, &err) != TC_OK) {
        fprintf(stderr, "trajcorr devices: %s\n", err.msg);
        free(br);
        free(list);
        return 2;
      }
      only = chosen.index;
    }
    for (size_t i = 0; i < n; i++) {
      if (only >= 0 && (int)i != only)
        continue;
      try_build(&list[i], &br[i]);
      for (int k = 0; k < 2; k++)
        if (br[i].tried[k] && !br[i].ok[k])
          rc = 1;
    }
  }
  char cache_dir[4096];
  if (!tc_cl_cache_dir(cache_dir, sizeof cache_dir))
    snprintf(cache_dir, sizeof cache_dir, "off");
  if (json) {
    print_json(list, n, def, br, cache_dir);
  } else {
    print_text(list, n, def, br);
    printf("program cache: %s%s\n", cache_dir,
           strcmp(cache_dir, "off") ? "" : " (TRAJCORR_CL_CACHE=off, or no HOME)");
  }
  free(br);
  free(list);
  tc_cl_cache_clear();
  return rc;
}

#else

static int list_devices(int json, int build, int platform, int device) {
  (void)json;
  (void)build;
  (void)platform;
  (void)device;
  fprintf(stderr, "trajcorr devices: this trajcorr was built without OpenCL "
                  "(apt-get install ocl-icd-opencl-dev opencl-headers, then rebuild)\n");
  return 1;
}

#endif

int cmd_devices(int argc, char **argv) {
  double t_start = tc_cli_now();
  tc_devices_args a;
  int rc = tc_cli_parse(&tc_cli_devices, argc, argv, &a);
  if (rc != TC_CLI_RUN)
    return rc;
  rc = list_devices(a.json, a.build, a.platform, a.device);
  fflush(stdout);
  if (!a.quiet)
    tc_cli_closing_line("trajcorr devices", t_start);
  return rc;
}
