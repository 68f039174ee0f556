/* --backend auto: the decision (an accelerator and the crossover), the fixes per day it
 * is taken on, the TRAJCORR_AUTO_CROSSOVER knob, and the CLI on this machine (PoCL is a
 * CPU device: auto stays openmp whatever the input). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/backends/auto.h"
#include "support/lead_run.h"

Test(auto_backend, decision) {
  cr_expect_str_eq(tc_auto_decide(2e8, 1e8, 1), "opencl");
  cr_expect_str_eq(tc_auto_decide(1e8, 1e8, 1), "opencl");
  cr_expect_str_eq(tc_auto_decide(9.9e7, 1e8, 1), "openmp");
  cr_expect_str_eq(tc_auto_decide(2e8, 1e8, 0), "openmp");
  cr_expect_str_eq(tc_auto_decide(0, 0, 1), "opencl");
}

Test(auto_backend, fixes_per_day) {
  cr_expect_float_eq(tc_auto_fixes_per_day(5000000, 0, 86399), 5e6, 1e-6);
  cr_expect_float_eq(tc_auto_fixes_per_day(5000000, 0, 3600), 5e6, 1e-6, "a short input is a day");
  cr_expect_float_eq(tc_auto_fixes_per_day(30000000, 0, 3 * 86400), 1e7, 1e-6);
}

Test(auto_backend, crossover_knob) {
  tc_backend_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.platform = cfg.device = -1;
  cfg.device_type = 2; /* cpu: never an accelerator, so no driver is needed here */
  const tc_backend_ops *ops = NULL;
  char why[256];
  tc_err err = {0};
  cr_assert_eq(tc_backend_auto(5e6, &cfg, &ops, why, sizeof why, &err), TC_OK, "%s", err.msg);
  cr_expect_str_eq(ops->name, "openmp");
  cr_expect(strstr(why, "under the crossover") != NULL, "%s", why);
  setenv("TRAJCORR_AUTO_CROSSOVER", "0", 1);
  cr_assert_eq(tc_backend_auto(5e6, &cfg, &ops, why, sizeof why, &err), TC_OK, "%s", err.msg);
  cr_expect_str_eq(ops->name, "openmp");
  cr_expect(strstr(why, "no OpenCL GPU or accelerator") != NULL, "%s", why);
  setenv("TRAJCORR_AUTO_CROSSOVER", "lots", 1);
  cr_expect_eq(tc_backend_auto(5e6, &cfg, &ops, why, sizeof why, &err), TC_ERR_ARG);
  cr_expect(strstr(err.msg, "TRAJCORR_AUTO_CROSSOVER='lots'") != NULL, "%s", err.msg);
  unsetenv("TRAJCORR_AUTO_CROSSOVER");
}

/* The CLI says what auto picked and why; on PoCL (a CPU device) it is openmp even with the
 * crossover at 0, and the list is openmp's. */
Test(auto_backend, cli_profile_line, .timeout = 120) {
  char dir[512];
  tr_scratch("auto", dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' generate -q --vessels 60 --days 1 --seed 5 --store '%s/s.h5'", TC_BINARY, dir), 0);
  cr_assert_eq(tr_sh("TRAJCORR_AUTO_CROSSOVER=0 '%s' encounters --profile '%s/s.h5' -o '%s/a.csv' 2> '%s/err' "
                     "&& grep -q 'profile: backend auto: openmp: .* fixes a day, but no OpenCL GPU or "
                     "accelerator' '%s/err' && grep -q '\\[openmp, double\\]' '%s/err'",
                     TC_BINARY, dir, dir, dir, dir, dir),
               0, "auto with the crossover at 0 on a machine without a GPU");
  cr_assert_eq(tr_sh("'%s' encounters --profile '%s/s.h5' -o '%s/b.csv' 2> '%s/err' && grep -q 'under the "
                     "crossover of 1e+08' '%s/err'",
                     TC_BINARY, dir, dir, dir, dir),
               0, "auto at the default crossover");
  cr_assert_eq(tr_sh("TRAJCORR_AUTO_CROSSOVER=-1 '%s' encounters -q '%s/s.h5' -o '%s/c.csv' 2> '%s/err'; "
                     "test $? -eq 2 && grep -q TRAJCORR_AUTO_CROSSOVER '%s/err'",
                     TC_BINARY, dir, dir, dir, dir),
               0, "a bad knob is a usage error naming it");
  cr_assert_eq(tr_sh("cmp -s '%s/a.csv' '%s/b.csv'", dir, dir), 0);
  tr_sh("rm -rf '%s'", dir);
}
