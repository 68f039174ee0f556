/* Undoing HDF5's shuffle filter: a shuffled chunk of `stride` elements of es bytes is
 * es byte planes, byte b of element e at planes[b * stride + e]. */
#ifndef TC_UNSHUFFLE_H
#define TC_UNSHUFFLE_H

#include <stddef.h>

/* Elements [0, n) of the planes (n <= stride) into out, es bytes each. Any es; 2, 4
 * and 8 (every column of a store) go 16 elements at a time through SSE2 byte
 * transposes, the rest one byte at a time. */
void tc_unshuffle(const unsigned char *planes, size_t stride, size_t es, size_t n, unsigned char *out);

#endif
