#include "bench/harness/load.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct tc_bench_load {
  size_t n;
  pid_t pid[TC_BENCH_LOAD_MAX_PROCS];
};

/* The child: dies with its parent or after the limit, spins otherwise. Only
 * async-signal-safe calls after fork (the bench may hold OpenMP threads). */
static void competitor(pid_t parent) {
  (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) /* the parent died before prctl */
    _exit(0);
  alarm(TC_BENCH_LOAD_MAX_S); /* SIGALRM's default action ends the process */
  volatile unsigned long spin = 0;
  for (;;)
    spin++;
}

tc_status tc_bench_load_start(size_t n, tc_bench_load **out, tc_err *err) {
  *out = NULL;
  if (n > TC_BENCH_LOAD_MAX_PROCS)
    return tc_fail(err, TC_ERR_ARG, "--load %zu: at most %d competitors", n, TC_BENCH_LOAD_MAX_PROCS);
  tc_bench_load *l = calloc(1, sizeof *l);
  if (!l)
    return tc_fail(err, TC_ERR_NOMEM, "load: out of memory");
  pid_t self = getpid();
  for (size_t i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0)
      competitor(self);
    if (p < 0) {
      int e = errno;
      tc_bench_load_stop(l);
      return tc_fail(err, TC_ERR_IO, "load: cannot start competitor %zu of %zu: %s", i + 1, n, strerror(e));
    }
    l->pid[l->n++] = p;
    kill(p, SIGSTOP); /* paused until a loaded round */
  }
  *out = l;
  return TC_OK;
}

void tc_bench_load_run(tc_bench_load *l, int busy) {
  for (size_t i = 0; l && i < l->n; i++)
    kill(l->pid[i], busy ? SIGCONT : SIGSTOP);
  /* let the scheduler see the new state before the next measured run */
  struct timespec settle = {0, 50 * 1000 * 1000};
  nanosleep(&settle, NULL);
}

size_t tc_bench_load_count(const tc_bench_load *l) { return l ? l->n : 0; }

void tc_bench_load_stop(tc_bench_load *l) {
  if (!l)
    return;
  for (size_t i = 0; i < l->n; i++)
    kill(l->pid[i], SIGKILL); /* a stopped process dies of SIGKILL too */
  for (size_t i = 0; i < l->n; i++)
    while (waitpid(l->pid[i], NULL, 0) < 0 && errno == EINTR)
      ;
  free(l);
}
