/* host/cli/waitpolicy.c: a command with parallel regions runs with
 * OMP_WAIT_POLICY=passive unless the user set OMP_WAIT_POLICY or GOMP_SPINCOUNT, and
 * then with malloc's huge pages (GLIBC_TUNABLES) unless the user set GLIBC_TUNABLES; a
 * command without them is not started again. Read from /proc/PID/environ of a
 * `trajcorr import` that waits on standard input (an exec keeps the pid). */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support/lead_run.h"

/* The OMP_WAIT_POLICY / GOMP_SPINCOUNT / GLIBC_TUNABLES entries of argv's environment once it runs,
 * with `extra` ("KEY=VALUE" or NULL) added; "" when none. */
static void policy_seen(const char *const *argv, const char *extra, char *out, size_t cap) {
  int in[2];
  cr_assert_eq(pipe(in), 0);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    dup2(in[0], 0);
    close(in[1]);
    unsetenv("OMP_WAIT_POLICY");
    unsetenv("GOMP_SPINCOUNT");
    unsetenv("GLIBC_TUNABLES");
    if (extra)
      putenv((char *)extra);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  close(in[0]);
  out[0] = '\0';
  char path[64], env[65536];
  snprintf(path, sizeof path, "/proc/%ld/environ", (long)pid);
  /* Wait until the program has started (and re-executed itself, if it does): its
   * command line is the program's and its environment no longer changes. */
  size_t n = 0;
  for (int tries = 0; tries < 400; tries++) {
    struct timespec nap = {0, 25 * 1000 * 1000};
    nanosleep(&nap, NULL);
    FILE *f = fopen(path, "rb");
    if (!f)
      break;
    size_t m = fread(env, 1, sizeof env - 1, f);
    fclose(f);
    if (tries >= 20 && m == n)
      break; /* stable for a while */
    n = m;
  }
  env[n] = '\0';
  for (size_t i = 0; i < n; i += strlen(env + i) + 1)
    if (!strncmp(env + i, "OMP_WAIT_POLICY=", 16) || !strncmp(env + i, "GOMP_SPINCOUNT=", 15) ||
        !strncmp(env + i, "GLIBC_TUNABLES=", 15))
      snprintf(out + strlen(out), cap - strlen(out), "%s;", env + i);
  close(in[1]); /* end of input: the import ends (empty input) */
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
}

Test(waitpolicy, passive_unless_the_user_chose, .timeout = 120) {
  char dir[512], store[600], seen[256];
  tr_scratch("waitpolicy", dir, sizeof dir);
  snprintf(store, sizeof store, "%s/s.h5", dir);
  const char *argv[] = {TC_BINARY, "import", store, "-", NULL};
  policy_seen(argv, NULL, seen, sizeof seen);
#ifdef TRAJCORR_HAVE_OPENMP
  cr_assert_str_eq(seen, "OMP_WAIT_POLICY=passive;GLIBC_TUNABLES=glibc.malloc.hugetlb=1;");
  policy_seen(argv, "GLIBC_TUNABLES=glibc.malloc.arena_max=2", seen, sizeof seen);
  cr_assert(strstr(seen, "OMP_WAIT_POLICY=passive;"), "%s", seen);
  cr_assert(strstr(seen, "GLIBC_TUNABLES=glibc.malloc.arena_max=2;"), "%s", seen);
  cr_assert(!strstr(seen, "hugetlb"), "%s", seen);
#else
  cr_assert_str_eq(seen, "");
#endif
  policy_seen(argv, "OMP_WAIT_POLICY=active", seen, sizeof seen);
  cr_assert_str_eq(seen, "OMP_WAIT_POLICY=active;");
  policy_seen(argv, "GOMP_SPINCOUNT=1000", seen, sizeof seen);
  cr_assert_str_eq(seen, "GOMP_SPINCOUNT=1000;");
  tr_sh("rm -rf '%s'", dir);
}
