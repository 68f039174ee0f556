/* Output of `trajcorr generate`: the fixes as generic CSV
 * (mmsi,timestamp,lat,lon,sog,cog,heading; ISO 8601 UTC with Z; 6 decimals of degree)
 * and the truth list as CSV. Hand-rolled number formatting into a 1 MiB buffer written
 * in big blocks (plain file, standard output, or gzip when the name ends in .gz):
 * millions of rows per second. */
#ifndef TC_GEN_CSVOUT_H
#define TC_GEN_CSVOUT_H

#include <stddef.h>
#include <stdint.h>

#include "bench/generate/traffic.h"
#include "io/status.h"
#include "io/columns.h"

#define TC_GEN_FIX_HEADER "mmsi,timestamp,lat,lon,sog,cog,heading\n"
#define TC_GEN_TRUTH_HEADER                                                                        \
  "kind,mmsi_a,mmsi_b,start,end,expected,lat,lon,close_slots,min_dist_m,speed_a_kn,speed_b_kn\n"
#define TC_GEN_ROW_MAX 96 /* longest formatted fix row, newline included */

typedef struct tc_gen_out tc_gen_out;

/* "-" is standard output; a name ending in ".gz" is gzip (gz_level 1-9). */
tc_status tc_gen_out_open(const char *path, int gz_level, tc_gen_out **out, tc_err *err);
tc_status tc_gen_out_write(tc_gen_out *o, const char *s, size_t n, tc_err *err);
tc_status tc_gen_out_fixes(tc_gen_out *o, const tc_fix *f, size_t n, tc_err *err);
/* Flushes and closes (reporting any error, e.g. a full disk), then frees. */
tc_status tc_gen_out_close(tc_gen_out *o, tc_err *err);
void tc_gen_out_abort(tc_gen_out *o); /* frees without caring; NULL safe */
uint64_t tc_gen_out_bytes(const tc_gen_out *o); /* uncompressed bytes written */

/* One CSV row with newline into out (>= TC_GEN_ROW_MAX bytes); returns the length. */
size_t tc_gen_format_fix(const tc_fix *f, char *out);

/* The truth list as CSV (header TC_GEN_TRUTH_HEADER; expected blank for port rows). */
tc_status tc_gen_write_truth(const char *path, const tc_truth *t, size_t n, tc_err *err);
/* The same followed by the planted events (--events): kind loitering, switch_off, outage
 * or dark; mmsi_b blank but for dark; start, end: the run, the gap, or (dark) the two
 * gaps' overlap; expected 1 (must be reported), 0 for outage gaps (reported as gaps,
 * never as part of a dark rendezvous); lat, lon; close_slots: the loitering run's grid
 * times; the last three columns blank. */
tc_status tc_gen_write_truth_events(const char *path, const tc_truth *t, size_t n, const tc_gen_event *ev,
                                    size_t nev, tc_err *err);

#endif
