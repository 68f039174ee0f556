/* Static and voyage data of a vessel as seen at a time (AIS types 5, 19, 24; the
 * static columns of the DMA and MarineCadastre CSV dialects). Unknown text fields
 * are empty strings, unknown numbers 0 (imo, ship_type) or NaN (dimensions, draught). */
#ifndef TC_VESSEL_H
#define TC_VESSEL_H

#include <stdint.h>

typedef struct {
  uint32_t mmsi;
  int64_t t;             /* when this was seen (valid-from) */
  uint32_t imo;
  char name[24];
  char callsign[12];
  int32_t ship_type;     /* ITU-R M.1371 code, 0 = unknown */
  float length_m, width_m;
  float draught_m;
  char destination[24];
} tc_vessel_static;

#endif
