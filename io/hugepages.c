#include "io/hugepages.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE ((uintptr_t)2 << 20)

void tc_want_huge_pages(void *p, size_t bytes) {
#ifdef MADV_HUGEPAGE
  uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
  uintptr_t e = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
  if (p && e > a)
    (void)madvise((void *)a, e - a, MADV_HUGEPAGE); /* a hint: failure changes nothing */
#else
  (void)p, (void)bytes;
#endif
}

void *tc_realloc_huge(void *p, size_t bytes) {
  if (!p && bytes >= HUGE_PAGE / 2 && bytes <= SIZE_MAX - HUGE_PAGE) {
    void *q = NULL;
    size_t whole = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    if (posix_memalign(&q, HUGE_PAGE, whole) != 0)
      return NULL;
    tc_want_huge_pages(q, whole);
    return q;
  }
  void *q = realloc(p, bytes);
  if (q && bytes >= HUGE_PAGE)
    tc_want_huge_pages(q, bytes);
  return q;
}
