/* The encounters CSV of spec §4 and its JSON sidecar (parameters, program, input
 * identity, counts). Written under a temporary name and renamed on success, so a
 * failed run never leaves a half-written list. */
#ifndef TC_ENCOUNTERS_CSV_H
#define TC_ENCOUNTERS_CSV_H

#include <stdio.h>

#include "host/engine/encounter.h"
#include "io/status.h"
#include "io/numfmt.h"

#define TC_ENCOUNTERS_CSV_HEADER                                                              \
  "mmsi_a,mmsi_b,start,end,duration_s,close_slots,min_dist_m,median_dist_m,mean_lat,mean_lon," \
  "speed_a_kn,speed_b_kn"

/* Room for one row's spec columns, whatever the values: six numbers of io/numfmt.h and
 * their commas, and at most 120 bytes for the two MMSIs, times (a timestamp needs
 * TC_ISO_LEN while written), duration and slots. */
#define TC_ENCOUNTER_CSV_MAX (6 * (TC_FMT_FIXED_MAX + 1) + 160)

/* Puts one encounter's spec columns (TC_ENCOUNTERS_CSV_HEADER's order, no newline, no
 * NUL) into buf, which has TC_ENCOUNTER_CSV_MAX bytes; returns the length. The same
 * text as "%u,%u,%s,%s,%lld,%d,%.3f,%.3f,%.6f,%.6f,%.4f,%.4f". */
size_t tc_encounter_csv_format(char *buf, const tc_encounter *e);
/* Writes them to f; < 0 on a write error. The analyst CSV (host/report/out_csv.c)
 * starts its rows with it. */
int tc_encounter_csv_fields(FILE *f, const tc_encounter *e);

/* Writes the header and rows to an open stream. */
tc_status tc_encounters_csv_fwrite(FILE *f, const tc_encounter_list *l);

/* path "-" = standard output; else temp file + rename. */
tc_status tc_encounters_csv_write(const char *path, const tc_encounter_list *l, tc_err *err);

/* Writes text (a complete JSON document) to path atomically. */
tc_status tc_write_file_atomic(const char *path, const char *text, size_t len, tc_err *err);

/* Reads an encounters CSV with the header above (extra trailing columns ignored). */
tc_status tc_encounters_csv_read(const char *path, tc_encounter_list *l, tc_err *err);

#endif
