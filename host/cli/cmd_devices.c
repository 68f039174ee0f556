/* trajcorr devices [--json] [--build [--platform P] [--device D]]: the OpenCL platforms
 * and devices, which one --backend opencl picks by default, and (--build) whether the
 * kernels build there, which also fills the program cache for later runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/cli/specs.h"

#ifdef TRAJCORR_HAVE_OPENCL
#include "host/opencl/cl_cache.h"
#include "host/opencl/cl_device.h"
#include "host/opencl/cl_program.h"
#include "io/json.h"

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

static json_t *device_json(const tc_cl_device_info *d, int is_default, const build_result *br) {
  json_t *o = json_pack("{s:i,s:i,s:i,s:b,s:o,s:o,s:o,s:o,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:b,s:b,s:o,s:o,s:o}",
                        "index", d->index, "platform", d->platform, "device", d->device, "default",
                        is_default, "platform_name", tc_json_string(d->platform_name),
                        "platform_version", tc_json_string(d->platform_version), "name",
                        tc_json_string(d->name), "vendor", tc_json_string(d->vendor), "type", d->type,
                        "compute_units", (json_int_t)d->compute_units, "clock_mhz",
                        (json_int_t)d->clock_mhz, "global_mem", (json_int_t)d->global_mem,
                        "local_mem", (json_int_t)d->local_mem, "max_alloc", (json_int_t)d->max_alloc,
                        "max_work_group", (json_int_t)d->max_work_group, "fp64", d->fp64, "available",
                        d->available, "driver", tc_json_string(d->driver), "version",
                        tc_json_string(d->version), "opencl_c", tc_json_string(d->c_version));
  if (!o || !br)
    return o;
  static const char *const pn[2] = {"double", "single"};
  int bad = 0;
  json_t *b = json_object();
  for (int k = 0; b && k < 2; k++)
    if (br->tried[k])
      tc_json_set(b, pn[k],
                  json_pack("{s:b,s:o,s:s,s:o,s:b,s:o,s:o}", "ok", br->ok[k], "seconds",
                            tc_json_fixed(br->info[k].seconds, 3), "from", tc_cl_from_name(br->info[k].from),
                            "cache_file", tc_json_string(br->info[k].cache_file), "cache_written",
                            br->info[k].cache_written, "cache_note", tc_json_string(br->info[k].note),
                            "message", tc_json_string(br->msg[k])),
                  &bad);
  tc_json_set(o, "build", b, &bad);
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* 0, or 1 when out of memory or standard output failed (said on standard error). */
static int print_json(const tc_cl_device_info *v, size_t n, int def, const build_result *br,
                      const char *cache_dir, const char *error) {
  int bad = 0;
  json_t *list = json_array(), *doc = json_object();
  bad = !list || !doc;
  if (doc && cache_dir)
    tc_json_set(doc, "program_cache", tc_json_string(cache_dir), &bad);
  for (size_t i = 0; i < n && !bad; i++)
    tc_json_push(list, device_json(&v[i], (int)i == def, br ? &br[i] : NULL), &bad);
  if (doc)
    tc_json_set(doc, "devices", list, &bad);
  else
    json_decref(list);
  if (error)
    tc_json_set(doc, "error", tc_json_string(error), &bad);
  if (!bad)
    bad = json_dumpf(doc, stdout, JSON_INDENT(2) | TC_JSON_FIXED_PRECISION) != 0 || putchar('\n') == EOF;
  json_decref(doc);
  if (bad)
    fprintf(stderr, "trajcorr devices: cannot write the JSON (out of memory or output error)\n");
  return bad;
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
    if (json)
      print_json(NULL, 0, -1, NULL, NULL, err.msg);
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
    if (print_json(list, n, def, br, cache_dir, NULL))
      rc = 1;
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
