#include "bench/harness/machine.h"

#include <hdf5.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifdef TRAJCORR_HAVE_OPENMP
#include <omp.h>
#endif

#include "host/engine/params.h"

#ifndef TRAJCORR_VERSION
#define TRAJCORR_VERSION "unknown"
#endif
#ifndef TRAJCORR_BUILD_TYPE
#define TRAJCORR_BUILD_TYPE "unknown"
#endif

/* Truncating copy and append (the fields are for display; a cut name is fine). */
static void copy(char *dst, size_t cap, const char *src) {
  size_t n = strlen(src);
  if (n >= cap)
    n = cap - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

static void append(char *dst, size_t cap, const char *src) {
  size_t o = strlen(dst);
  if (o + 1 < cap)
    copy(dst + o, cap - o, src);
}

/* Value after "key<blanks>:" on the first matching line of a /proc file. */
static int proc_field(const char *path, const char *key, char *out, size_t cap) {
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  char line[512];
  int found = 0;
  size_t kl = strlen(key);
  while (!found && fgets(line, sizeof line, f)) {
    if (strncmp(line, key, kl) != 0)
      continue;
    char *p = line + kl;
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p != ':')
      continue;
    p++;
    while (*p == ' ' || *p == '\t')
      p++;
    p[strcspn(p, "\n")] = '\0';
    copy(out, cap, p);
    found = 1;
  }
  fclose(f);
  return found;
}

static uint64_t meminfo_bytes(const char *key) {
  char v[64];
  unsigned long long kib;
  if (!proc_field("/proc/meminfo", key, v, sizeof v) || sscanf(v, "%llu", &kib) != 1)
    return 0;
  return (uint64_t)kib * 1024u;
}

/* PRETTY_NAME from /etc/os-release, unquoted. */
static void distro(char *out, size_t cap) {
  out[0] = '\0';
  FILE *f = fopen("/etc/os-release", "r");
  if (!f)
    return;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "PRETTY_NAME=", 12) != 0)
      continue;
    char *p = line + 12;
    p[strcspn(p, "\n")] = '\0';
    size_t n = strlen(p);
    if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
      p[n - 1] = '\0';
      p++;
    }
    copy(out, cap, p);
    break;
  }
  fclose(f);
}

tc_status tc_machine_collect(tc_machine_info *m, tc_machine_probe probe, void *ctx, tc_err *err) {
  memset(m, 0, sizeof *m);
  if (!proc_field("/proc/cpuinfo", "model name", m->cpu_model, sizeof m->cpu_model) &&
      !proc_field("/proc/cpuinfo", "Model", m->cpu_model, sizeof m->cpu_model))
    copy(m->cpu_model, sizeof m->cpu_model, "unknown");
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  m->cores_online = online > 0 ? (int)online : 0;
  cpu_set_t set;
  m->cores_allowed = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : m->cores_online;
  double la[1];
  m->load1 = getloadavg(la, 1) == 1 ? la[0] : -1.0;
  m->mem_total = meminfo_bytes("MemTotal");
  m->mem_available = meminfo_bytes("MemAvailable");
  if (m->mem_total == 0) {
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    if (pages > 0 && psz > 0)
      m->mem_total = (uint64_t)pages * (uint64_t)psz;
  }
  struct utsname u;
  char dist[96];
  distro(dist, sizeof dist);
  if (uname(&u) == 0) {
    const char *parts[] = {u.sysname, " ", u.release, " ", u.machine, dist[0] ? "; " : "", dist};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
      append(m->os, sizeof m->os, parts[i]);
    copy(m->hostname, sizeof m->hostname, u.nodename);
  } else {
    copy(m->os, sizeof m->os, dist[0] ? dist : "unknown");
    copy(m->hostname, sizeof m->hostname, "unknown");
  }
  copy(m->version, sizeof m->version, TRAJCORR_VERSION);
  copy(m->build_type, sizeof m->build_type, TRAJCORR_BUILD_TYPE);
#if defined(__clang__)
  snprintf(m->compiler, sizeof m->compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
  snprintf(m->compiler, sizeof m->compiler, "gcc %s", __VERSION__);
#else
  copy(m->compiler, sizeof m->compiler, "unknown");
#endif
  unsigned maj, min, rel;
  if (H5get_libversion(&maj, &min, &rel) >= 0)
    snprintf(m->hdf5, sizeof m->hdf5, "%u.%u.%u", maj, min, rel);
  else
    copy(m->hdf5, sizeof m->hdf5, "unknown");
#ifdef TRAJCORR_HAVE_OPENMP
  m->openmp = 1;
  m->openmp_max_threads = omp_get_max_threads();
#else
  m->openmp_max_threads = 1;
#endif
  tc_params dp;
  tc_params_default(&dp);
  m->engine_threads = tc_params_threads(&dp);
#ifdef TRAJCORR_HAVE_OPENCL
  m->opencl = 1; /* devices are described by the probe (host/opencl), not here */
#endif
  if (probe)
    probe(m, ctx);
  if (m->cores_online == 0 && m->mem_total == 0)
    return tc_fail(err, TC_ERR_IO, "machine: neither sysconf nor /proc gave the core count or memory");
  return TC_OK;
}

json_t *tc_machine_json(const tc_machine_info *m) {
  int bad = 0;
  json_t *o = json_object();
  if (!o)
    return NULL;
  tc_json_set(o, "cpu_model", tc_json_string(m->cpu_model), &bad);
  tc_json_set(o, "cores_online", json_integer(m->cores_online), &bad);
  tc_json_set(o, "cores_allowed", json_integer(m->cores_allowed), &bad);
  tc_json_set(o, "mem_total_bytes", json_integer((json_int_t)m->mem_total), &bad);
  tc_json_set(o, "mem_available_bytes", json_integer((json_int_t)m->mem_available), &bad);
  tc_json_set(o, "os", tc_json_string(m->os), &bad);
  tc_json_set(o, "hostname", tc_json_string(m->hostname), &bad);
  tc_json_set(o, "version", tc_json_string(m->version), &bad);
  tc_json_set(o, "build_type", tc_json_string(m->build_type), &bad);
  tc_json_set(o, "compiler", tc_json_string(m->compiler), &bad);
  tc_json_set(o, "hdf5", tc_json_string(m->hdf5), &bad);
  tc_json_set(o, "openmp", json_boolean(m->openmp), &bad);
  tc_json_set(o, "openmp_max_threads", json_integer(m->openmp_max_threads), &bad);
  tc_json_set(o, "engine_threads", json_integer(m->engine_threads), &bad);
  tc_json_set(o, "opencl", json_boolean(m->opencl), &bad);
  tc_json_set(o, "load_avg_1min", tc_json_real(m->load1), &bad);
  tc_json_set(o, "accelerators", tc_json_string(m->accelerators), &bad);
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

void tc_machine_summary(const tc_machine_info *m, char *buf, size_t cap) {
  snprintf(buf, cap, "%s, %d core%s, %.1f GiB, %s, trajcorr %s %s, load %.2f", m->cpu_model,
           m->cores_allowed, m->cores_allowed == 1 ? "" : "s",
           (double)m->mem_total / (1024.0 * 1024.0 * 1024.0), m->os, m->version, m->build_type, m->load1);
}
