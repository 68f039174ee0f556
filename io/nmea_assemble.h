/* Reassembly of multi-sentence AIS messages. Fragments are matched by the NMEA 4.0
 * tag-block group (g:num-total-id) when there is one, else by (fragment count,
 * sequential message id, channel). Groups may interleave. A continuation without its
 * first fragment is an orphan; a group that never completes (a fragment missing,
 * restarted by a new first fragment with the same key, evicted from the bounded
 * table, too old, or still open at the end) is reported through the drop callback. */
#ifndef TC_NMEA_ASSEMBLE_H
#define TC_NMEA_ASSEMBLE_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"
#include "io/ais_bits.h"
#include "io/nmea_sentence.h"

/* A complete message: its bits and what the sentences said about it. */
typedef struct {
  tc_ais_bits bits;
  tc_nmea_times times;   /* per source, from the first fragment that carried it */
  uint64_t lineno;       /* line of the first fragment */
  int own;               /* VDO: own vessel */
  unsigned nfrag;
} tc_nmea_msg;

typedef enum {
  TC_ASM_DONE = 0,   /* *out holds a complete message */
  TC_ASM_PENDING,    /* stored, waiting for the other fragments */
  TC_ASM_ORPHAN,     /* continuation with no open group, or out of order: dropped */
  TC_ASM_BAD_CHAR,   /* payload character outside the 6-bit alphabet: group dropped */
  TC_ASM_BAD_FILL,   /* fill bits impossible: group dropped */
  TC_ASM_TOO_LONG    /* longer than TC_AIS_MAX_BITS: group dropped */
} tc_asm_result;

/* Called once per incomplete group dropped: line of its first fragment, fragments
 * received, fragments expected. */
typedef void (*tc_asm_drop_fn)(void *ctx, uint64_t first_lineno, unsigned have, unsigned total);

typedef struct tc_nmea_asm tc_nmea_asm;

/* max_groups: open groups kept (oldest evicted first); max_age: sentences after which
 * an open group is stale and can no longer be continued. */
tc_status tc_nmea_asm_create(size_t max_groups, uint64_t max_age, tc_asm_drop_fn on_drop, void *ctx,
                             tc_nmea_asm **out, tc_err *err);
void tc_nmea_asm_free(tc_nmea_asm *a); /* NULL safe */

/* times: the sentence's receive times (tag, trailer, $PGHP) already resolved. */
tc_asm_result tc_nmea_asm_add(tc_nmea_asm *a, const tc_nmea_sentence *s, const tc_nmea_times *times,
                              uint64_t lineno, tc_nmea_msg *out);
/* Drops every open group (end of input). */
void tc_nmea_asm_flush(tc_nmea_asm *a);
size_t tc_nmea_asm_open_groups(const tc_nmea_asm *a);

#endif
