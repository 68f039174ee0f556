#include "bench/harness/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/harness/benchfn.h"

extern char **environ;

/* environ plus env_add (later entries win for the same key); an entry without '='
 * removes that variable. */
static char **merged_env(const char *const *add) {
  size_t ne = 0, na = 0;
  while (environ && environ[ne])
    ne++;
  while (add && add[na])
    na++;
  char **env = calloc(ne + na + 1, sizeof *env);
  if (!env)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < ne; i++) {
    int replaced = 0;
    for (size_t a = 0; a < na && !replaced; a++) {
      const char *eq = strchr(add[a], '=');
      size_t kl = eq ? (size_t)(eq - add[a]) : strlen(add[a]);
      replaced = !strncmp(environ[i], add[a], kl) && environ[i][kl] == '=';
    }
    if (!replaced)
      env[k++] = environ[i];
  }
  for (size_t a = 0; a < na; a++)
    if (strchr(add[a], '='))
      env[k++] = (char *)add[a];
  env[k] = NULL;
  return env;
}

/* Peak memory of a child. Linux hands a child the parent's RSS high-water mark as a
 * floor of its ru_maxrss: posix_spawn's child runs on the parent's memory until exec,
 * and exec keeps that memory's mark. So a child of a bench process that once held
 * 1 GB would report a 1 GB peak. Two measures: this process's mark is reset to its
 * current RSS before each spawn (clear_refs "5", Linux 4.0+), which lowers the floor
 * to what the bench holds now; and the child's own mark (VmHWM of its new memory) is
 * polled while it runs. The reported peak is ru_maxrss when that is above the floor
 * (then it is the child's own), else the last VmHWM seen. This also lowers what
 * getrusage says of this process's own peak. */
static void reset_peak_rss(void) {
  FILE *f = fopen("/proc/self/clear_refs", "w");
  if (!f)
    return;
  fputs("5", f);
  fclose(f);
}

/* VmHWM of a process, bytes; 0 when unreadable (gone, or no /proc). */
static uint64_t vm_hwm(const char *status_path) {
  FILE *f = fopen(status_path, "r");
  if (!f)
    return 0;
  char line[256];
  unsigned long long kb = 0;
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "VmHWM:", 6) && sscanf(line + 6, "%llu", &kb) == 1)
      break;
  fclose(f);
  return (uint64_t)kb * 1024u;
}

tc_status tc_bench_spawn(const tc_bench_cmd *c, tc_bench_proc *res, tc_err *err) {
  memset(res, 0, sizeof *res);
  tc_status st = TC_OK;
  posix_spawn_file_actions_t fa;
  int fa_ok = 0;
  char **env = NULL;
  if (!c->argv || !c->argv[0])
    return tc_fail(err, TC_ERR_ARG, "spawn: empty command");
  env = merged_env(c->env_add);
  if (!env) {
    st = tc_fail(err, TC_ERR_NOMEM, "spawn: out of memory for the environment");
    goto cleanup;
  }
  if (posix_spawn_file_actions_init(&fa) != 0) {
    st = tc_fail(err, TC_ERR_NOMEM, "spawn: posix_spawn_file_actions_init failed");
    goto cleanup;
  }
  fa_ok = 1;
  const char *out = c->stdout_path ? c->stdout_path : "/dev/null";
  const char *errp = c->stderr_path ? c->stderr_path : "/dev/null";
  if (posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) != 0 ||
      posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644) != 0 ||
      posix_spawn_file_actions_addopen(&fa, 2, errp, O_WRONLY | O_CREAT | O_TRUNC, 0644) != 0) {
    st = tc_fail(err, TC_ERR_NOMEM, "spawn: cannot set up redirections");
    goto cleanup;
  }
  pid_t pid;
  reset_peak_rss();
  uint64_t floor_rss = vm_hwm("/proc/self/status");
  double t0 = tc_bench_now();
  int rc = strchr(c->argv[0], '/')
               ? posix_spawn(&pid, c->argv[0], &fa, NULL, (char *const *)c->argv, env)
               : posix_spawnp(&pid, c->argv[0], &fa, NULL, (char *const *)c->argv, env);
  if (rc != 0) {
    st = tc_fail(err, TC_ERR_IO, "spawn: cannot start %s: %s", c->argv[0], strerror(rc));
    goto cleanup;
  }
  int status = 0;
  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  char child_status[64];
  snprintf(child_status, sizeof child_status, "/proc/%ld/status", (long)pid);
  uint64_t polled = 0;
  for (;;) {
    pid_t w = wait4(pid, &status, WNOHANG, &ru);
    if (w == pid)
      break;
    if (w < 0 && errno != EINTR) {
      st = tc_fail(err, TC_ERR_IO, "spawn: wait4 for %s failed: %s", c->argv[0], strerror(errno));
      goto cleanup;
    }
    if (w == 0) {
      uint64_t h = vm_hwm(child_status);
      if (h > polled)
        polled = h;
      double el = tc_bench_now() - t0;
      if (c->timeout_s > 0 && !res->timed_out && el > c->timeout_s) {
        kill(pid, SIGKILL);
        res->timed_out = 1;
      }
      /* Poll at about 1% of the time so far (0.2 to 10 ms): the reaping delay stays
       * a small part of the wall time. */
      double nap_s = el / 100.0;
      nap_s = nap_s < 2e-4 ? 2e-4 : nap_s > 1e-2 ? 1e-2 : nap_s;
      struct timespec nap = {0, (long)(nap_s * 1e9)};
      nanosleep(&nap, NULL);
    }
  }
  res->wall_s = tc_bench_now() - t0;
  res->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
  uint64_t maxrss = (uint64_t)ru.ru_maxrss * 1024u;
  /* Above the floor (plus slack for what this process grew since), ru_maxrss is the
   * child's own peak; at or under it, only the polled mark tells. */
  res->peak_rss = maxrss > floor_rss + floor_rss / 50 + (1u << 20) || polled == 0 ? maxrss : polled;
  if (WIFEXITED(status)) {
    res->exit_code = WEXITSTATUS(status);
  } else {
    res->exit_code = -1;
    res->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
cleanup:
  if (fa_ok)
    posix_spawn_file_actions_destroy(&fa);
  free(env);
  return st;
}

void tc_bench_cmdline(const char *const *argv, char *buf, size_t cap) {
  size_t o = 0;
  if (cap == 0)
    return;
  buf[0] = '\0';
  for (size_t i = 0; argv && argv[i] && o < cap; i++) {
    int quote = argv[i][0] == '\0' || strpbrk(argv[i], " \t'\"$") != NULL;
    o += (size_t)snprintf(buf + o, cap - o, quote ? "%s'%s'" : "%s%s", i ? " " : "", argv[i]);
  }
}
