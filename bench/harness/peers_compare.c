/* The check both peers runs share (suite_peers.c, peers_alternating.c): two encounter
 * lists compared by bench/peers/compare_encounters.py, its summary line kept. */
#include <stdio.h>
#include <string.h>

#include "bench/harness/peers.h"
#include "bench/harness/stage.h"

int tc_bench_peers_compare(tc_bench_ctx *c, const char *tag, const char *expected, const char *actual,
                           char *why, size_t cap) {
  char script[4096], out[4096];
  tc_err e = {0};
  if (tc_bench_pathf(script, sizeof script, &e, "%s/compare_encounters.py", c->peers_dir) != TC_OK ||
      tc_bench_pathf(out, sizeof out, &e, "%s/%s.out", c->workdir, tag) != TC_OK) {
    tc_bench_strcpy(why, cap, e.msg);
    return 0;
  }
  const char *argv[] = {c->python, script, expected, actual, NULL};
  tc_bench_proc p;
  int ok = tc_bench_stage_run(c, tag, argv, 300, &p, why, cap);
  FILE *f = fopen(out, "r");
  if (f) { /* first line: "expected N, actual M, common keys K; max |diff| ..." */
    char line[300];
    if (fgets(line, sizeof line, f)) {
      line[strcspn(line, "\n")] = '\0';
      snprintf(why, cap, "%s%s", ok ? "" : "MISMATCH: ", line);
    }
    fclose(f);
  }
  return ok;
}
