/* `trajcorr import` of NMEA as a user runs it: commented files are detected, a file
 * with no receive time is refused with a clear message, --time-base supplies one. */
#include <criterion/criterion.h>
#include <unistd.h>

#include "support/lead_run.h"

#define GPSD TC_SOURCE_DIR "/tests/data/nmea/gpsd/sample.aivdm"

Test(cli_import, nmea_without_time_needs_time_base, .timeout = 60) {
  if (access(GPSD, R_OK) != 0)
    cr_skip_test("gpsd sample not bundled");
  char dir[512];
  tr_scratch("cli_import", dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' import '%s/s.h5' '" GPSD "' >'%s/out' 2>&1", TC_BINARY, dir, dir), 1);
  cr_assert_eq(tr_sh("grep -q 'no time' '%s/out' && test ! -e '%s/s.h5'", dir, dir), 0);
  cr_assert_eq(tr_sh("'%s' import --quiet --time-base 2024-05-01T00:00:00Z '%s/s.h5' '" GPSD "'", TC_BINARY,
                     dir), 0);
  cr_assert_eq(tr_sh("'%s' info '%s/s.h5' | grep -q '2024-05-01T00:00:00Z'", TC_BINARY, dir), 0);
  cr_assert_eq(tr_sh("'%s' import --time-base yesterday '%s/s.h5' '" GPSD "' 2>/dev/null", TC_BINARY, dir), 2);
  tr_sh("rm -rf '%s'", dir);
}
