/* Test support: runs sample files through the NMEA stream and tallies agreement with
 * expected decodes (gpsdecode JSON lines, libais JSON, gpsd .chk) per file and
 * message type, for test_nmea and the table in docs/nmea.md. */
#ifndef TC_NMEA_AGREE_H
#define TC_NMEA_AGREE_H

#include <stddef.h>
#include <stdint.h>

#include "io/nmea_reader.h"

typedef struct {
  uint64_t line;       /* line of the first fragment */
  tc_ais_result r;
  tc_ais_decoded d;
  int64_t t;           /* receive time chosen, ms */
} tc_nx_msg;

typedef struct {
  tc_nx_msg *m;
  size_t n, cap;
} tc_nx_msgs;

/* Every complete message of a file, in order (records are drained and dropped). */
tc_status tc_nx_decode_file(const char *path, const tc_nmea_config *cfg, tc_reader_counts *counts,
                            tc_nx_msgs *out, tc_err *err);
void tc_nx_msgs_free(tc_nx_msgs *v);

/* All records of a file through tc_reader (format detection, line source). */
typedef struct {
  tc_record *r;
  size_t n, npos, nstatic;
  tc_reader_counts counts;
  tc_status st;            /* first failure of open or next */
  char err[TC_ERR_MSG_MAX];
} tc_nx_run;

/* force: format "nmea" instead of detection. The caller frees run.r. */
tc_nx_run tc_nx_read_all(const char *path, int64_t time_base, int force);

/* Count of one skip reason (0 when absent). */
uint64_t tc_nx_reason(const tc_reader_counts *c, const char *why);

typedef struct tc_nx_table tc_nx_table;

tc_nx_table *tc_nx_table_new(void);
void tc_nx_table_free(tc_nx_table *t);
/* One expectation file each; TC_OK or an error naming the file. by_line for libais:
 * 1 = JSON line N is input line N (typeexamples), 0 = in message order (tagblock). */
tc_status tc_nx_agree_gpsdecode(tc_nx_table *t, const char *label, const char *nmea, const char *jsonl,
                                tc_err *err);
tc_status tc_nx_agree_libais(tc_nx_table *t, const char *label, const char *nmea, const char *json, int by_line,
                             tc_err *err);
tc_status tc_nx_agree_chk(tc_nx_table *t, const char *label, const char *nmea, const char *chk, tc_err *err);
/* Totals; the first disagreement (a field that differs, or a message gpsd/libais
 * decode that trajcorr drops for a reason other than its length rule) in `first`. */
void tc_nx_table_totals(const tc_nx_table *t, unsigned *compared, unsigned *disagree, char *first, size_t cap);
/* The table as Markdown. */
tc_status tc_nx_table_write(const tc_nx_table *t, const char *path, tc_err *err);

#endif
