/* Stable encounter ids: 16 hex digits of a 64-bit FNV-1a hash of (mmsi_a, mmsi_b,
 * start). Those three are identical on every backend, bucket size and thread count
 * (spec §5), so an encounter keeps its id across reruns. docs/outputs.md. */
#ifndef TC_ENCID_H
#define TC_ENCID_H

#include <stdint.h>

#define TC_ENCID_LEN 17 /* 16 hex digits + NUL */

uint64_t tc_encounter_hash(uint32_t mmsi_a, uint32_t mmsi_b, int64_t start);
/* Writes the id into out (TC_ENCID_LEN bytes). */
void tc_encounter_id(uint32_t mmsi_a, uint32_t mmsi_b, int64_t start, char out[TC_ENCID_LEN]);

#endif
