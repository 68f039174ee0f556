/* AIS message decoding: bit layouts of ITU-R M.1371-5 Annex 8 (as tabulated in
 * gpsd's AIVDM.txt). Lengths: a message must hold every field read here and must
 * not exceed its standard length (a longer payload is a corrupt or mis-framed one). */
#include "io/ais_decode.h"

#include <math.h>
#include <string.h>

#include "io/columns.h"
#include "io/nmea_sentence.h"

#define U(start, len) tc_ais_bits_u(b, (start), (len))
#define S(start, len) tc_ais_bits_s(b, (start), (len))

/* not-available sentinels: 181° / 91° in 1/10000' and 1/10' */
#define LON_NA_HI (181 * 600000)
#define LAT_NA_HI (91 * 600000)
#define LON_NA_LO (181 * 600)
#define LAT_NA_LO (91 * 600)

void tc_ais_bit_range(int type, int part, unsigned *lo, unsigned *hi) {
  unsigned a = 0, z = 0;
  switch (type) {
  case 1: case 2: case 3: a = 137; z = 168; break; /* through heading */
  case 4: a = 134; z = 168; break;                 /* through latitude */
  case 5: a = 420; z = 424; break;                 /* 420: some send 70 chars, no dte/spare */
  case 9: a = 128; z = 168; break;                 /* through course */
  case 18: a = 133; z = 168; break;                /* through heading */
  case 19: a = 301; z = 312; break;                /* through dimensions */
  case 24: a = part == 0 ? 160 : 162; z = 168; break;
  case 27: a = 96; z = 168; break;                 /* exactly 96 or 168 */
  default: break;
  }
  *lo = a;
  *hi = z;
}

static float speed01(uint32_t v) { return v == 1023 ? NAN : (float)v / 10.0f; }
static float course01(uint32_t v) { return v >= 3600 ? NAN : (float)v / 10.0f; }
static uint16_t heading(uint32_t v) { return v < 360 ? (uint16_t)v : (uint16_t)TC_HEADING_UNKNOWN; }

static void pos_hi(const tc_ais_bits *b, tc_ais_decoded *m, size_t lon_at) {
  int32_t lon = S(lon_at, 28), lat = S(lon_at + 28, 27);
  m->has_pos = 1;
  m->pos_available = lon != LON_NA_HI && lat != LAT_NA_HI;
  m->lon = lon / 600000.0;
  m->lat = lat / 600000.0;
}

static float dim_sum(uint32_t a, uint32_t c) { return a + c == 0 ? NAN : (float)(a + c); }

static void dims(const tc_ais_bits *b, tc_ais_decoded *m, size_t at) {
  m->st.length_m = dim_sum(U(at, 9), U(at + 9, 9));
  m->st.width_m = dim_sum(U(at + 18, 6), U(at + 24, 6));
  m->st_fields |= TC_AIS_ST_DIMS;
}

tc_ais_result tc_ais_decode(const tc_ais_bits *b, tc_ais_decoded *m) {
  memset(m, 0, sizeof *m);
  m->part = -1;
  m->sog = m->cog = NAN;
  m->heading = TC_HEADING_UNKNOWN;
  m->st.length_m = m->st.width_m = m->st.draught_m = NAN;
  if (b->nbits < 38)
    return b->nbits >= 6 && (U(0, 6) == 0 || U(0, 6) > 27) ? TC_AIS_UNKNOWN_TYPE : TC_AIS_BAD_BIT_COUNT;
  m->type = (int)U(0, 6);
  m->mmsi = U(8, 30);
  m->st.mmsi = m->mmsi;
  if (m->type == 0 || m->type > 27)
    return TC_AIS_UNKNOWN_TYPE;
  if (m->type == 24) {
    uint32_t part = U(38, 2);
    if (part > 1)
      return TC_AIS_BAD_BIT_COUNT; /* parts C/D do not exist */
    m->part = (int)part;
  }
  if (m->type == 21) {
    m->non_vessel = 1;
    return TC_AIS_OK;
  }
  unsigned lo, hi;
  tc_ais_bit_range(m->type, m->part, &lo, &hi);
  if (hi == 0)
    return TC_AIS_IGNORED;
  if (b->nbits < lo || b->nbits > hi || (m->type == 27 && b->nbits != 96 && b->nbits != 168))
    return TC_AIS_BAD_BIT_COUNT;

  switch (m->type) {
  case 1: case 2: case 3:
    m->sog = speed01(U(50, 10));
    pos_hi(b, m, 61);
    m->cog = course01(U(116, 12));
    m->heading = heading(U(128, 9));
    break;
  case 4: {
    m->non_vessel = 1;
    pos_hi(b, m, 79);
    int64_t t = tc_nmea_civil_ms((int)U(38, 14), (int)U(52, 4), (int)U(56, 5), (int)U(61, 5), (int)U(66, 6),
                                 (int)U(72, 6), 0);
    m->has_utc = t != TC_NMEA_NO_TIME && U(72, 6) < 60;
    m->utc_ms = t;
    break;
  }
  case 5:
    m->st.imo = U(40, 30);
    tc_ais_bits_text(b, 70, 7, m->st.callsign);
    tc_ais_bits_text(b, 112, 20, m->st.name);
    m->st.ship_type = (int32_t)U(232, 8);
    dims(b, m, 240);
    m->st.draught_m = U(294, 8) == 0 ? NAN : (float)U(294, 8) / 10.0f;
    tc_ais_bits_text(b, 302, 20, m->st.destination);
    m->st_fields = TC_AIS_ST_NAME | TC_AIS_ST_CALLSIGN | TC_AIS_ST_IMO | TC_AIS_ST_TYPE | TC_AIS_ST_DIMS |
                   TC_AIS_ST_DRAUGHT | TC_AIS_ST_DEST;
    break;
  case 9: {
    m->non_vessel = 1;
    uint32_t v = U(50, 10);
    m->sog = v == 1023 ? NAN : (float)v; /* whole knots for aircraft */
    pos_hi(b, m, 61);
    m->cog = course01(U(116, 12));
    break;
  }
  case 18: case 19:
    m->sog = speed01(U(46, 10));
    pos_hi(b, m, 57);
    m->cog = course01(U(112, 12));
    m->heading = heading(U(124, 9));
    if (m->type == 19) {
      tc_ais_bits_text(b, 143, 20, m->st.name);
      m->st.ship_type = (int32_t)U(263, 8);
      dims(b, m, 271);
      m->st_fields |= TC_AIS_ST_NAME | TC_AIS_ST_TYPE;
    }
    break;
  case 24:
    if (m->part == 0) {
      tc_ais_bits_text(b, 40, 20, m->st.name);
      m->st_fields = TC_AIS_ST_NAME;
    } else {
      m->st.ship_type = (int32_t)U(40, 8);
      tc_ais_bits_text(b, 90, 7, m->st.callsign);
      m->st_fields = TC_AIS_ST_TYPE | TC_AIS_ST_CALLSIGN;
      /* auxiliary craft (98MIDxxxx) carry the mother ship's MMSI instead of dimensions */
      if (m->mmsi / 10000000u != 98)
        dims(b, m, 132);
    }
    break;
  case 27: {
    int32_t lon = S(44, 18), lat = S(62, 17);
    uint32_t sog = U(79, 6), cog = U(85, 9);
    m->has_pos = 1;
    m->pos_available = lon != LON_NA_LO && lat != LAT_NA_LO;
    m->lon = lon / 600.0;
    m->lat = lat / 600.0;
    m->sog = sog == 63 ? NAN : (float)sog;
    m->cog = cog >= 360 ? NAN : (float)cog;
    break;
  }
  default:
    break;
  }
  return TC_AIS_OK;
}
