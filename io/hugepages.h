/* Transparent huge pages for big buffers: the import's sort buffers, which radix
 * scatters and gathers touch at random (2 MiB pages spare most TLB misses), and every
 * buffer the engine grows (host/engine/grow.c, io/columns.c), whose first touches are
 * otherwise a large part of a short run: on dev a fresh 4 KiB page costs ~0.75 ms a
 * MiB to fault in, a huge page ~0.13 (median of 60 fresh processes touching 16 MiB;
 * one in 60 stalled ~24 ms while the kernel compacted memory). Only a hint: the kernel
 * may ignore it, and only whole huge pages inside the buffer are asked for. */
#ifndef TC_HUGEPAGES_H
#define TC_HUGEPAGES_H

#include <stddef.h>

/* Asks for huge pages on the 2 MiB-aligned middle of [p, p + bytes), when there is
 * at least one whole huge page in it. */
void tc_want_huge_pages(void *p, size_t bytes);

/* realloc(p, bytes) that asks for huge pages on the result. A first allocation of at
 * least half a huge page is placed on a huge page boundary and sized in whole huge
 * pages, so all of it can be (a 1.9 MiB array would otherwise fault in 4 KiB at a
 * time, ~480 faults); later growth (realloc moves pages, it does not copy them) keeps
 * what falls on whole huge pages. Free with free(). */
void *tc_realloc_huge(void *p, size_t bytes);

#endif
