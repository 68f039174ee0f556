/* Doubling growth of the append-only arrays used across the library, so that each
 * push costs amortised O(1) and every one grows (and fails) the same way. */
#ifndef TC_GROW_H
#define TC_GROW_H

#include <stddef.h>

/* Room for at least need elements of elem bytes in v, whose capacity is *cap
 * elements: v itself when it has room, else v reallocated to *cap doubled (first
 * when *cap is 0) as often as need asks, with *cap updated. NULL when out of memory
 * or the size overflows; v and *cap are then unchanged (v still owned by the caller). */
void *tc_grow(void *v, size_t *cap, size_t need, size_t elem, size_t first);

/* Scratch that is refilled every block: room for at least n elements of size bytes
 * in *p (capacity *cap), with a quarter to spare when it grows, contents kept, large
 * blocks hinted to huge pages. 0 when out of memory (*p and *cap unchanged). */
int tc_reserve(void **p, size_t *cap, size_t n, size_t size);

/* tc_reserve for k arrays that share one capacity *cap (element sizes size[i]): all
 * grow together. 0 when out of memory (*cap unchanged; every array keeps at least
 * *cap elements). */
int tc_reserve_all(void **const *p, const size_t *size, int k, size_t *cap, size_t n);

#endif
