#include "lead_run.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void tr_scratch(const char *tag, char *dir, size_t cap) {
  const char *tmp = getenv("TC_TEST_TMP");
  snprintf(dir, cap, "%s/%s.%ld", tmp && *tmp ? tmp : "/tmp", tag, (long)getpid());
  cr_assert_eq(tr_sh("rm -rf '%s' && mkdir -p '%s'", dir, dir), 0);
}

int tr_sh(const char *fmt, ...) {
  char cmd[8192];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}
