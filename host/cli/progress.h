/* A one-line progress display on stderr, redrawn at most a few times a second, and
 * only when stderr is a terminal. */
#ifndef TC_PROGRESS_H
#define TC_PROGRESS_H

#include <stdint.h>

typedef struct tc_progress tc_progress;

/* enabled = 0 (e.g. --quiet) gives a progress that prints nothing. NULL on no memory. */
tc_progress *tc_progress_create(int enabled);
/* "LABEL: 1.2 M rows, 450 k rows/s, 35%" (percent only when total > 0). */
void tc_progress_update(tc_progress *p, const char *label, uint64_t rows, uint64_t done,
                        uint64_t total);
void tc_progress_clear(tc_progress *p); /* erase the line before other output */
void tc_progress_free(tc_progress *p);  /* clears; NULL safe */

#endif
