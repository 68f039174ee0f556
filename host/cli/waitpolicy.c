#include "host/cli/waitpolicy.h"

#include <stdlib.h>
#include <unistd.h>

void tc_cli_wait_policy(char **argv) {
#ifdef TRAJCORR_HAVE_OPENMP
  const char *w = getenv("OMP_WAIT_POLICY"), *s = getenv("GOMP_SPINCOUNT");
  if ((w && *w) || (s && *s))
    return;
  if (setenv("OMP_WAIT_POLICY", TC_CLI_WAIT_POLICY, 1) != 0)
    return;
  /* The exec costs a few milliseconds (measured in docs/performance.md); failing
   * (no /proc), the program runs on as it is, only spinning under load. */
  execv("/proc/self/exe", argv);
  unsetenv("OMP_WAIT_POLICY");
#else
  (void)argv;
#endif
}
