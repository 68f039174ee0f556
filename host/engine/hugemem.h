/* Large engine buffers ask the kernel for transparent huge pages: on first touch a
 * 2 MiB page costs one fault instead of 512, and first touches of fresh memory are
 * what a short run mostly pays for. A hint only: ignored where THP is off. */
#ifndef TC_HUGEMEM_H
#define TC_HUGEMEM_H

#include <stddef.h>

/* realloc(p, bytes), then the hint on the new block when it is large. */
void *tc_realloc_huge(void *p, size_t bytes);

#endif
