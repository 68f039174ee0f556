/* One NMEA 0183 unit of an AIS feed: optional NMEA 4.0 tag blocks (\c:..,g:..*hh\),
 * the !xxVDM / !xxVDO sentence with its checksum, and the trailing fields some
 * receivers append after the checksum (USCG: ",d-109,...,r003669946,1325394060").
 * Also the DMA $PGHP timestamp sentence. No allocation; pointers refer to the line. */
#ifndef TC_NMEA_SENTENCE_H
#define TC_NMEA_SENTENCE_H

#include <stddef.h>
#include <stdint.h>

#define TC_NMEA_NO_TIME INT64_MIN

/* Receive-time sources carried by the sentences themselves, in Unix milliseconds. */
typedef enum {
  TC_NMEA_TSRC_TAG = 0,   /* tag block c: (seconds, or milliseconds when > 1e11) */
  TC_NMEA_TSRC_TRAILER,   /* first Unix time field after the checksum */
  TC_NMEA_TSRC_PGHP,      /* DMA $PGHP sentence preceding the message */
  TC_NMEA_TSRC_COUNT
} tc_nmea_tsrc;

typedef struct {
  int64_t ms[TC_NMEA_TSRC_COUNT]; /* TC_NMEA_NO_TIME where absent */
} tc_nmea_times;

typedef struct {
  char talker[3];          /* "AI", "BS", "AB", ... */
  int own;                 /* 1 for VDO (own vessel) */
  unsigned frag_count;     /* 1..9 */
  unsigned frag_num;       /* 1..frag_count */
  int seq_id;              /* 0..9, -1 when empty */
  char channel;            /* 'A', 'B', '1', '2', ... or 0 when empty */
  const char *payload;     /* armoured 6-bit payload, not NUL-terminated */
  size_t payload_len;
  int fill;                /* 0..5 */
  int has_group;           /* tag block g:num-total-id */
  unsigned g_num, g_total;
  uint32_t g_id;
  tc_nmea_times times;     /* TAG and TRAILER filled here; PGHP by the caller */
} tc_nmea_sentence;

typedef enum {
  TC_NMEA_AIS = 0,       /* an !xxVDM/!xxVDO sentence: *out is filled */
  TC_NMEA_PGHP,          /* $PGHP timestamp: *pghp_ms is set */
  TC_NMEA_IGNORED,       /* blank, or a '#' comment */
  TC_NMEA_OTHER,         /* another NMEA sentence with a valid checksum */
  TC_NMEA_BAD_CHECKSUM,  /* sentence checksum missing or wrong */
  TC_NMEA_BAD_TAG,       /* tag block malformed or its checksum wrong */
  TC_NMEA_MALFORMED      /* not a sentence, or a field out of range */
} tc_nmea_kind;

/* Parses the unit at s[0..len). *used is how far it reached: a line can carry
 * several units back to back (tag block + sentence + tag block + sentence), so the
 * caller parses again from s + *used while *used < len. */
tc_nmea_kind tc_nmea_parse(const char *s, size_t len, tc_nmea_sentence *out, int64_t *pghp_ms,
                           size_t *used);

/* Short reason for a bad kind ("bad checksum", ...); NULL for the good ones. */
const char *tc_nmea_kind_reason(tc_nmea_kind k);

/* Unix milliseconds of a UTC civil time; TC_NMEA_NO_TIME when a field is out of range. */
int64_t tc_nmea_civil_ms(int year, int month, int day, int hour, int min, int sec, int ms);

#endif
