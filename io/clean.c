#include "io/clean.h"

#include <math.h>

tc_fix_verdict tc_fix_check(const tc_fix *f) {
  if (!isfinite(f->lat) || !isfinite(f->lon) || fabs(f->lat) > 90.0 || fabs(f->lon) > 180.0 ||
      (f->lat == 0.0 && f->lon == 0.0))
    return TC_FIX_BAD_POSITION;
  if (f->mmsi < 1u || f->mmsi > 999999999u)
    return TC_FIX_BAD_MMSI;
  return TC_FIX_OK;
}
