#include "host/cli/waitpolicy.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Commands that run no OpenMP parallel region: not worth the exec (~2.5 ms). */
static const char *const serial[] = {"info", "generate", "devices", "version", "--version", "help"};

void tc_cli_wait_policy(char **argv) {
#ifdef TRAJCORR_HAVE_OPENMP
  for (size_t i = 0; argv[1] && i < sizeof serial / sizeof serial[0]; i++)
    if (!strcmp(argv[1], serial[i]))
      return;
  const char *w = getenv("OMP_WAIT_POLICY"), *s = getenv("GOMP_SPINCOUNT");
  if ((w && *w) || (s && *s))
    return;
  if (setenv("OMP_WAIT_POLICY", TC_CLI_WAIT_POLICY, 1) != 0)
    return;
  /* The same exec gives malloc's heap huge pages (glibc >= 2.35; older ones ignore the
   * tunable): the engine's many small growing arrays (the open candidates' close times)
   * otherwise fault in 4 KiB at a time. A user's own GLIBC_TUNABLES is left alone. */
  const char *g = getenv("GLIBC_TUNABLES");
  int tuned = !(g && *g) && setenv("GLIBC_TUNABLES", TC_CLI_MALLOC_TUNABLES, 1) == 0;
  /* The exec costs ~2.5 ms (docs/performance.md); failing (no /proc), the program
   * runs on as it is, only spinning under load. */
  execv("/proc/self/exe", argv);
  unsetenv("OMP_WAIT_POLICY");
  if (tuned)
    unsetenv("GLIBC_TUNABLES");
#else
  (void)argv;
#endif
}
