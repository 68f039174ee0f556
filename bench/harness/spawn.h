/* Runs a program as a child process and measures it as a user would see it: wall
 * time, CPU time (user + system, all threads) and peak resident memory, from
 * wait4's rusage of that child alone. The pipeline and peer suites time whole
 * commands this way, so each stage's peak RSS is its own. */
#ifndef TC_BENCH_SPAWN_H
#define TC_BENCH_SPAWN_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"

typedef struct {
  const char *const *argv;      /* argv[0] is the program path (searched in PATH if no '/') */
  const char *const *env_add;   /* NULL-terminated "KEY=VALUE" added to the environment, or "KEY"
                                   removed from it; may be NULL */
  const char *stdout_path;      /* NULL = /dev/null */
  const char *stderr_path;      /* NULL = /dev/null */
  double timeout_s;             /* 0 = none; the child is killed (SIGKILL) past it */
} tc_bench_cmd;

typedef struct {
  int exit_code;                /* -1 when killed by a signal */
  int signal;                   /* the signal, or 0 */
  int timed_out;
  double wall_s, cpu_s;
  uint64_t peak_rss;            /* bytes */
} tc_bench_proc;

/* Runs and waits. TC_OK when the child could be started and reaped, whatever its
 * exit status (that is in *res); TC_ERR_IO when it could not be started. */
tc_status tc_bench_spawn(const tc_bench_cmd *c, tc_bench_proc *res, tc_err *err);

/* "prog arg1 'arg two' ..." for notes and logs. */
void tc_bench_cmdline(const char *const *argv, char *buf, size_t cap);

#endif
