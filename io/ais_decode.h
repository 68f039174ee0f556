/* Decoding of the AIS messages trajcorr uses (ITU-R M.1371-5): position reports
 * 1, 2, 3 (class A), 18, 19 (class B), 27 (long range, 1/10' resolution); static
 * data 5 (class A), 19 and 24 A/B (class B); and, kept out of vessel tracks, 4
 * (base station: position and UTC clock), 9 (SAR aircraft) and 21 (aid to
 * navigation). Other valid types are recognised and ignored. */
#ifndef TC_AIS_DECODE_H
#define TC_AIS_DECODE_H

#include <stdint.h>

#include "io/ais_bits.h"
#include "io/vessel.h"

/* Which static fields a message carries (24A only the name, 24B the rest but the
 * draught and destination, ...). */
enum {
  TC_AIS_ST_NAME = 1,
  TC_AIS_ST_CALLSIGN = 2,
  TC_AIS_ST_IMO = 4,
  TC_AIS_ST_TYPE = 8,
  TC_AIS_ST_DIMS = 16,
  TC_AIS_ST_DRAUGHT = 32,
  TC_AIS_ST_DEST = 64
};

typedef struct {
  int type;            /* 1..27 */
  int part;            /* type 24: 0 = A, 1 = B; -1 otherwise */
  uint32_t mmsi;
  int non_vessel;      /* 4, 9, 21: never a vessel track */
  /* position (has_pos): lat/lon in degrees; pos_available = 0 for the 91/181 sentinel */
  int has_pos, pos_available;
  double lat, lon;
  float sog, cog;      /* knots, degrees; NaN when not available */
  uint16_t heading;    /* 0..359, 511 = not available */
  /* static data (st_fields != 0); st.t is left 0 for the caller */
  unsigned st_fields;
  tc_vessel_static st;
  /* type 4: the base station's UTC clock */
  int has_utc;
  int64_t utc_ms;
} tc_ais_decoded;

typedef enum {
  TC_AIS_OK = 0,         /* *m filled */
  TC_AIS_IGNORED,        /* a valid type trajcorr does not use (6, 7, 8, 10..17, 20, 22, 23, 25, 26) */
  TC_AIS_UNKNOWN_TYPE,   /* type 0 or > 27 */
  TC_AIS_BAD_BIT_COUNT   /* too short for the fields read, or longer than the type allows */
} tc_ais_result;

tc_ais_result tc_ais_decode(const tc_ais_bits *b, tc_ais_decoded *m);

/* Accepted payload lengths in bits for a type (and 24 part), for documentation and
 * tests; 0/0 for types not decoded. */
void tc_ais_bit_range(int type, int part, unsigned *min_bits, unsigned *max_bits);

#endif
