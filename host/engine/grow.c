#include "host/engine/grow.h"
#include "io/hugepages.h"

#include <stdint.h>
#include <stdlib.h>


void *tc_grow(void *v, size_t *cap, size_t need, size_t elem, size_t first) {
  if (need <= *cap && v)
    return v;
  size_t c = *cap ? *cap : (first ? first : 1);
  while (c < need) {
    if (c > SIZE_MAX / 2)
      return NULL;
    c *= 2;
  }
  if (elem && c > SIZE_MAX / elem)
    return NULL;
  void *n = tc_realloc_huge(v, c * elem);
  if (!n)
    return NULL;
  *cap = c;
  return n;
}

int tc_reserve_all(void **const *p, const size_t *size, int k, size_t *cap, size_t n) {
  size_t c = *cap;
  for (int i = 0; i < k; i++) {
    c = *cap;
    if (!tc_reserve(p[i], &c, n, size[i]))
      return 0;
  }
  *cap = c;
  return 1;
}

int tc_reserve(void **p, size_t *cap, size_t n, size_t size) {
  if (n <= *cap)
    return 1;
  size_t c = n + n / 4;
  if (size && c > SIZE_MAX / size)
    return 0;
  void *q = tc_realloc_huge(*p, c * size);
  if (!q)
    return 0;
  *p = q;
  *cap = c;
  return 1;
}
