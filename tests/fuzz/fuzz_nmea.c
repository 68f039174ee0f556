/* libFuzzer target: the NMEA AIVDM/AIVDO decoder (io/nmea_reader.h) — sentence parsing
 * with tag blocks, trailers and $PGHP, multi-sentence reassembly and the AIS message
 * decoder — fed line by line as the importer feeds it, with a configuration taken
 * from the input so the small-table and strict paths are reached too.
 *
 * Input: two control bytes, then lines separated by '\n'.
 *   byte 0  bit 0 strict; bit 1 base-station clock added; bit 2 time base set;
 *           bits 3-4 open groups kept {64, 1, 2, 4}; bits 5-6 group age {200, 1, 3, 10};
 *           bit 7 clocks tried in reverse order
 *   byte 1  messages without time allowed before failing {1000, 1, 2, ..., 255}
 * Each line is handed over NUL-terminated in a buffer of exactly its length + 1, as
 * the line source does, so a read past its end is caught. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/nmea_reader.h"

static void tap(void *ctx, const tc_nmea_msg *msg, tc_ais_result r, const tc_ais_decoded *d, int64_t t_ms) {
  (void)t_ms;
  size_t *n = ctx;
  if (msg->bits.nbits > TC_AIS_MAX_BITS)
    abort(); /* reassembly must have refused it */
  if (r == TC_AIS_OK && d->st_fields && strnlen(d->st.name, sizeof d->st.name) > sizeof d->st.name)
    abort();
  (*n)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  uint8_t c0 = data[0], c1 = data[1];
  data += 2, size -= 2;
  static const size_t groups[4] = {64, 1, 2, 4};
  static const uint64_t ages[4] = {200, 1, 3, 10};
  tc_nmea_config cfg;
  tc_nmea_config_default(&cfg);
  cfg.strict = c0 & 1;
  if ((c0 & 2) && cfg.nclocks < TC_NMEA_CLOCK_COUNT)
    cfg.clocks[cfg.nclocks++] = TC_NMEA_CLOCK_BASE_STATION;
  cfg.time_base = (c0 & 4) ? 1325376000 : INT64_MIN;
  cfg.max_groups = groups[(c0 >> 3) & 3];
  cfg.max_age = ages[(c0 >> 5) & 3];
  if (c0 & 0x80)
    for (size_t i = 0; i < cfg.nclocks / 2; i++) {
      tc_nmea_clock t = cfg.clocks[i];
      cfg.clocks[i] = cfg.clocks[cfg.nclocks - 1 - i];
      cfg.clocks[cfg.nclocks - 1 - i] = t;
    }
  cfg.no_time_limit = c1 ? c1 : 1000;

  tc_reader_counts counts = {0};
  tc_nmea_stream *s = NULL;
  tc_err err = {0};
  if (tc_nmea_stream_create(&cfg, "fuzz.nmea", &counts, &s, &err) != TC_OK)
    abort(); /* only fails for want of memory */
  size_t ntap = 0;
  tc_nmea_stream_set_tap(s, tap, &ntap);
  tc_status st = TC_OK;
  uint64_t lineno = 0;
  size_t pos = 0;
  while (st == TC_OK && pos < size) {
    const uint8_t *nl = memchr(data + pos, '\n', size - pos);
    size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;
    size_t n = len;
    if (n && data[pos + n - 1] == '\r')
      n--;
    char *line = malloc(n + 1);
    if (!line)
      abort();
    memcpy(line, data + pos, n);
    line[n] = 0;
    if (lineno == 0)
      (void)tc_nmea_detect(line);
    st = tc_nmea_stream_line(s, line, n, ++lineno, &err);
    free(line);
    tc_record rec;
    while (tc_nmea_stream_pop(s, &rec))
      if (rec.kind != TC_REC_POSITION && rec.kind != TC_REC_STATIC)
        abort();
    pos += len + 1;
  }
  if (st == TC_OK)
    st = tc_nmea_stream_finish(s, &err);
  tc_record rec;
  while (tc_nmea_stream_pop(s, &rec))
    ;
  const tc_nmea_stats *stats = tc_nmea_stream_stats(s);
  if (stats->messages < ntap)
    abort(); /* every message tapped is counted */
  if (counts.nsamples > TC_READER_MAX_SAMPLES || counts.nreasons > TC_READER_MAX_REASONS)
    abort();
  tc_nmea_stream_free(s);
  return 0;
}
