/* The NMEA AIVDM/AIVDO importer: tc_format_nmea (io/formats.h) reads lines through
 * this stream, which turns sentences into tc_records. Usable on its own (tests,
 * benchmarks) by feeding lines. Receive time of a message comes from the first
 * available of a configurable list of clocks; a message with none is skipped as
 * "no time", and a file where no message has a time is a TC_ERR_FORMAT error. */
#ifndef TC_NMEA_READER_H
#define TC_NMEA_READER_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"
#include "io/ais_decode.h"
#include "io/nmea_assemble.h"
#include "io/reader.h"

typedef enum {
  TC_NMEA_CLOCK_TAG = 0,      /* tag block c: */
  TC_NMEA_CLOCK_TRAILER,      /* Unix time after the checksum (USCG, libais test files) */
  TC_NMEA_CLOCK_PGHP,         /* DMA $PGHP sentence just before */
  TC_NMEA_CLOCK_BASE_STATION, /* UTC of the last type 4 message seen (off by default) */
  TC_NMEA_CLOCK_TIME_BASE,    /* config time_base (tc_reader_opts.time_base) */
  TC_NMEA_CLOCK_COUNT
} tc_nmea_clock;

typedef struct {
  size_t nclocks;                         /* clocks tried, in order */
  tc_nmea_clock clocks[TC_NMEA_CLOCK_COUNT];
  int64_t time_base;                      /* Unix seconds; INT64_MIN = none */
  int strict;                             /* first bad sentence is TC_ERR_FORMAT */
  size_t max_groups;                      /* open multi-sentence groups kept (64) */
  uint64_t max_age;                       /* sentences a group may stay open (200) */
  uint64_t no_time_limit;                 /* messages without time, none with, before failing (1000) */
} tc_nmea_config;

/* tag, trailer, $PGHP, time base; no base-station clock. */
void tc_nmea_config_default(tc_nmea_config *c);

typedef struct {
  uint64_t lines, sentences, messages;  /* messages = complete, decoded or not */
  uint64_t ignored_types;               /* valid AIS types not used (6, 8, 12, ...) */
  uint64_t by_type[28];                 /* decoded messages per type */
} tc_nmea_stats;

/* Sees every complete message (tests, the agreement table): r is the decode result,
 * t_ms the receive time chosen (TC_NMEA_NO_TIME when none). */
typedef void (*tc_nmea_tap_fn)(void *ctx, const tc_nmea_msg *msg, tc_ais_result r, const tc_ais_decoded *d,
                               int64_t t_ms);

typedef struct tc_nmea_stream tc_nmea_stream;

/* path only names the input in messages; counts (caller's) receives the skips. */
tc_status tc_nmea_stream_create(const tc_nmea_config *c, const char *path, tc_reader_counts *counts,
                                tc_nmea_stream **out, tc_err *err);
void tc_nmea_stream_free(tc_nmea_stream *s); /* NULL safe */
void tc_nmea_stream_set_tap(tc_nmea_stream *s, tc_nmea_tap_fn fn, void *ctx);
/* Feeds one line (without its newline). Records it completes are queued for pop. */
tc_status tc_nmea_stream_line(tc_nmea_stream *s, const char *line, size_t len, uint64_t lineno, tc_err *err);
/* End of input: open groups are dropped as incomplete; fails if nothing had a time. */
tc_status tc_nmea_stream_finish(tc_nmea_stream *s, tc_err *err);
/* Next queued record: 1 and *rec filled, or 0 when the queue is empty. */
int tc_nmea_stream_pop(tc_nmea_stream *s, tc_record *rec);
const tc_nmea_stats *tc_nmea_stream_stats(const tc_nmea_stream *s);

/* Score of a first line for format detection (tc_format_nmea.detect). */
int tc_nmea_detect(const char *line);

#endif
