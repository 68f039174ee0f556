/* Test support for the NMEA importer: a minimal reader of one-object-per-line JSON
 * (gpsd, libais and gpsdecode expectation files) and of gpsd's '|'-separated .chk
 * lines. Values are returned as spans of the line; nothing is allocated. */
#ifndef TC_NMEA_EXPECT_H
#define TC_NMEA_EXPECT_H

#include <stddef.h>
#include <stdint.h>

#include "io/ais_decode.h"

typedef struct {
  const char *p; /* NULL when absent */
  size_t n;
} tc_nx_span;

/* The value of member `key` of the JSON object in [obj.p, obj.p+obj.n). */
tc_nx_span tc_nx_get(tc_nx_span obj, const char *key);
tc_nx_span tc_nx_line(const char *line); /* a whole line as a span */
/* Element i of a JSON array. */
tc_nx_span tc_nx_at(tc_nx_span arr, size_t i);
int tc_nx_is_null(tc_nx_span v);
/* A number, or a string holding one ("9383663"); 0 when not a number. */
int tc_nx_num(tc_nx_span v, double *out);
/* A string with its escapes decoded; 0 when not a string or too long. */
int tc_nx_str(tc_nx_span v, char *out, size_t cap);

/* A payload built bit by bit, for synthetic sentences. */
typedef struct {
  unsigned char bit[1024];
  size_t n;
} tc_nx_bitw;

void tc_nx_put(tc_nx_bitw *w, int64_t v, unsigned len); /* len low bits of v, MSB first */
/* The bits as one !AIVDM sentence (fill bits, checksum), behind a tag block
 * \tag*hh\ when tag is not NULL. 0 when it does not fit in cap. */
int tc_nx_sentence(const tc_nx_bitw *w, const char *tag, char *out, size_t cap);

/* Field i of a '|'-separated line into out; 0 when the line is shorter. */
int tc_nx_chk_field(const char *line, size_t i, char *out, size_t cap);

/* Whose expectation a JSON object is: the tolerances and conventions differ (gpsd
 * prints 6 decimals and rounds type 27 positions to 0.1 degree; libais stores float32
 * and scales type 9 speed by 0.1). */
typedef enum { TC_NX_GPSD = 0, TC_NX_LIBAIS } tc_nx_source;

/* Compares an expected decode (JSON object) with ours (r == TC_AIS_OK or
 * TC_AIS_IGNORED): 1 when every field compared agrees, else 0 and `why` names the
 * first field that does not. Fields: type, mmsi; lat, lon, speed, course, heading
 * for position types; imo, callsign, shipname, shiptype, dimensions, draught,
 * destination for static types (those each type carries). */
int tc_nx_compare(tc_nx_span exp, tc_nx_source src, const tc_ais_decoded *d, char *why, size_t cap);
/* The same against one line of gpsd's unscaled .chk output (integers: 1/10000 minute,
 * 0.1 knot, 0.1 degree; exact). */
int tc_nx_compare_chk(const char *chk_line, const tc_ais_decoded *d, char *why, size_t cap);

#endif
