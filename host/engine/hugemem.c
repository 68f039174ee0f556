#include "host/engine/hugemem.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

void *tc_realloc_huge(void *p, size_t bytes) {
  void *q = realloc(p, bytes);
#ifdef MADV_HUGEPAGE
  if (q && bytes >= HUGE_PAGE) {
    uintptr_t a = ((uintptr_t)q + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    uintptr_t e = ((uintptr_t)q + bytes) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (e > a)
      (void)madvise((void *)a, e - a, MADV_HUGEPAGE); /* a hint: failure changes nothing */
  }
#endif
  return q;
}
