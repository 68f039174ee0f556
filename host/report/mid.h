/* Flag state from an MMSI's Maritime Identification Digits (ITU-R M.585, MID table
 * of the ITU Maritime mobile Access and Retrieval System, MARS). */
#ifndef TC_MID_H
#define TC_MID_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint16_t mid;
  char iso2[3];      /* ISO 3166-1 alpha-2 of the state or territory */
  const char *name;  /* as ITU lists it, shortened */
} tc_mid_entry;

/* The entry for a MID (201 … 775), or NULL when the MID is not allocated. */
const tc_mid_entry *tc_mid_lookup(unsigned mid);
/* The MID an MMSI carries, by ITU-R M.585 formats: MIDxxxxxx ship, 0MIDxxxxx group,
 * 00MIDxxxx coast station, 111MIDxxx SAR aircraft, 8MIDxxxxx handheld, 98MIDxxxx
 * craft of a parent ship, 99MIDxxxx aid to navigation; leading zeros count as digits.
 * 0 when it carries none (below 1 000 000, 970/972/974 devices, other 1xxxxxxxx). */
unsigned tc_mmsi_mid(uint32_t mmsi);
/* Flag state of an MMSI: tc_mid_lookup(tc_mmsi_mid(mmsi)), NULL when unknown. */
const tc_mid_entry *tc_mmsi_flag(uint32_t mmsi);
/* The whole table, sorted by MID (for docs and tests). */
const tc_mid_entry *tc_mid_table(size_t *n);

#endif
