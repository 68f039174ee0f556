/* A source of AIS records in any supported format. The format is detected from the
 * first lines (or forced): generic CSV, DMA CSV, MarineCadastre CSV, NMEA AIVDM/AIVDO.
 * Each format implements tc_reader_format; io/reader.c holds the table of formats. */
#ifndef TC_READER_H
#define TC_READER_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"
#include "io/columns.h"
#include "io/linesrc.h"
#include "io/vessel.h"

typedef enum { TC_REC_POSITION = 1, TC_REC_STATIC = 2 } tc_rec_kind;

typedef struct {
  tc_rec_kind kind;
  tc_fix fix;            /* kind == TC_REC_POSITION (not yet cleaned by rule 1) */
  tc_vessel_static st;   /* kind == TC_REC_STATIC */
} tc_record;

#define TC_READER_MAX_SAMPLES 5
#define TC_READER_MAX_REASONS 16

typedef struct {
  uint64_t records;                 /* records returned */
  uint64_t skipped;                 /* rows/sentences dropped as bad, all reasons */
  uint64_t non_vessel;              /* base stations, SAR aircraft, AtoN: not vessel tracks */
  /* per-reason counts ("bad checksum", "column 'lat' not a number", ...) */
  size_t nreasons;
  struct { char reason[64]; uint64_t count; } reasons[TC_READER_MAX_REASONS];
  /* first few problems as "file:line: column 'lat': 'abc' is not a number" */
  size_t nsamples;
  char samples[TC_READER_MAX_SAMPLES][256];
} tc_reader_counts;

typedef struct {
  const char *format;   /* NULL or "auto" = detect; "csv", "dma", "marinecadastre", "nmea" */
  int strict;           /* first bad row is an error (TC_ERR_FORMAT) */
  int64_t time_base;    /* NMEA: time for files with no time source; INT64_MIN = none */
} tc_reader_opts;

typedef struct tc_reader tc_reader;

tc_status tc_reader_open(const char *path, const tc_reader_opts *o, tc_reader **out, tc_err *err);
/* Next record; *eof = 1 at the end. Bad rows are skipped and counted unless strict. */
tc_status tc_reader_next(tc_reader *r, tc_record *rec, int *eof, tc_err *err);
const tc_reader_counts *tc_reader_get_counts(const tc_reader *r);
const char *tc_reader_format_name(const tc_reader *r);
uint64_t tc_reader_bytes_read(const tc_reader *r);
int64_t tc_reader_size(const tc_reader *r);
void tc_reader_close(tc_reader *r);

/* Helper for format implementations: count a skipped row under a reason and keep a
 * sample message while there is room. */
void tc_reader_counts_skip(tc_reader_counts *c, const char *reason, const char *sample);

/* What a format provides (one per file in io/, listed in io/reader.c). */
typedef struct {
  const char *name;
  /* Score how well the first non-empty line fits this format: 0 = not at all. */
  int (*detect)(const char *first_line);
  /* first_line (already consumed from src; for CSV the header) stays valid only
   * during this call. */
  tc_status (*open)(tc_linesrc *src, const char *first_line, const tc_reader_opts *o,
                    tc_reader_counts *counts, void **state, tc_err *err);
  tc_status (*next)(void *state, tc_linesrc *src, tc_record *rec, int *eof, tc_err *err);
  void (*close)(void *state);
} tc_reader_format;

#endif
