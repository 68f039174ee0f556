/* Transparent huge pages for the import's big sort buffers, which radix scatters and
 * gathers touch at random: 2 MiB pages spare most TLB misses. Only a hint: the kernel
 * may ignore it, and where it has to compact memory first a fault can stall (seen:
 * ~40 ms in one of 25 trials of 16 MiB). The engine does not use it: side by side on
 * its own runs it gained nothing on average and added those stalls. */
#ifndef TC_HUGEPAGES_H
#define TC_HUGEPAGES_H

#include <stddef.h>

/* Asks for huge pages on the 2 MiB-aligned middle of [p, p + bytes), when there is
 * at least one whole huge page in it. */
void tc_want_huge_pages(void *p, size_t bytes);

#endif
