/* Close times of long open candidates, kept in fixed-size blocks in one unlinked
 * temporary file per tc_runs instead of in memory. A pair that stays close for days
 * (ships moored side by side) holds a close time per grid time until its candidate
 * ends, because its medians (spec §4) need them all; in memory that made the engine's
 * footprint grow with the days read (~10 MB a day at 20 M fixes a day). Blocks are
 * chained (each knows the one written before it for the same candidate), so a
 * candidate needs only its last block's number; freed blocks are reused, so the file
 * holds at most the close times open at one time. The file is made on the first
 * block: runs without long candidates never touch the disk. */
#ifndef TC_RUNSPILL_H
#define TC_RUNSPILL_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"

/* Close times per block: a candidate keeps at most this many in memory. */
#define TC_RUNSPILL_BLOCK 64

typedef struct tc_runspill tc_runspill;

/* elem: bytes of one close time. The file goes in $TMPDIR (else /tmp) when needed. */
tc_status tc_runspill_create(size_t elem, tc_runspill **out);
void tc_runspill_free(tc_runspill *s); /* NULL safe; closes (and so drops) the file */

/* Writes TC_RUNSPILL_BLOCK close times v as the block after prev (1 + a block number,
 * 0: the candidate's first); *block: 1 + the new block's number. */
tc_status tc_runspill_put(tc_runspill *s, uint32_t prev, const void *v, uint32_t *block);
/* Reads the nblocks blocks of the chain ending at block (1 + number) into v, oldest
 * first. */
tc_status tc_runspill_read(tc_runspill *s, uint32_t block, size_t nblocks, void *v);
/* Frees the nblocks blocks of the chain ending at block for reuse. */
void tc_runspill_release(tc_runspill *s, uint32_t block, size_t nblocks);

/* What went wrong with the file (names it and the reason); "" when nothing did. */
const char *tc_runspill_error(const tc_runspill *s);
uint64_t tc_runspill_peak_bytes(const tc_runspill *s); /* largest size of the file */

#endif
