#include "host/report/encid.h"

#include <stdio.h>

/* FNV-1a over a fixed little-endian byte layout, so the id does not depend on the
 * host's endianness or struct padding: 4 bytes mmsi_a, 4 bytes mmsi_b, 8 bytes start. */
uint64_t tc_encounter_hash(uint32_t mmsi_a, uint32_t mmsi_b, int64_t start) {
  unsigned char b[16];
  uint64_t s = (uint64_t)start;
  for (int i = 0; i < 4; i++) {
    b[i] = (unsigned char)(mmsi_a >> (8 * i));
    b[4 + i] = (unsigned char)(mmsi_b >> (8 * i));
  }
  for (int i = 0; i < 8; i++)
    b[8 + i] = (unsigned char)(s >> (8 * i));
  uint64_t h = 0xcbf29ce484222325ULL;
  for (int i = 0; i < 16; i++) {
    h ^= b[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

void tc_encounter_id(uint32_t mmsi_a, uint32_t mmsi_b, int64_t start, char out[TC_ENCID_LEN]) {
  snprintf(out, TC_ENCID_LEN, "%016llx", (unsigned long long)tc_encounter_hash(mmsi_a, mmsi_b, start));
}
