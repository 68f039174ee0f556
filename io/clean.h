/* Cleaning rules of spec/encounters.md §1 that do not depend on encounter
 * parameters (rules 1 and 2) are applied at import; the teleport filter (rule 3)
 * depends on --max-gap and --max-implied-speed and runs in the engine. */
#ifndef TC_CLEAN_H
#define TC_CLEAN_H

#include <stdint.h>

#include "io/columns.h"

typedef struct {
  uint64_t rows_read;        /* data rows seen in the sources */
  uint64_t parse_errors;     /* rows that could not be parsed (skipped) */
  uint64_t bad_position;     /* |lat|>90, |lon|>180, non-finite, or exactly (0,0) */
  uint64_t bad_mmsi;         /* mmsi outside 1..999999999 */
  uint64_t duplicate;        /* same (mmsi, t) as a fix that sorts first by (t, lat, lon) */
  uint64_t non_vessel;       /* base stations, SAR aircraft, AtoN kept out of tracks */
  uint64_t rows_stored;      /* rows written to the store */
} tc_clean_counts;

typedef enum { TC_FIX_OK = 0, TC_FIX_BAD_POSITION, TC_FIX_BAD_MMSI } tc_fix_verdict;

/* Rule 1. */
tc_fix_verdict tc_fix_check(const tc_fix *f);

#endif
