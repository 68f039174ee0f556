/* io/hugepages: where big buffers are placed (a huge page boundary, so the kernel can
 * back them with 2 MiB pages), and that growing one keeps its contents. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/hugepages.h"

#define MIB ((size_t)1 << 20)

Test(hugepages, big_first_allocations_start_on_a_huge_page) {
  const size_t sizes[] = {MIB, MIB + 1, 2 * MIB - 4096, 2 * MIB, 5 * MIB + 3};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    unsigned char *p = tc_realloc_huge(NULL, sizes[i]);
    cr_assert_not_null(p);
    cr_assert_eq((uintptr_t)p % (2 * MIB), 0, "%zu bytes at %p", sizes[i], (void *)p);
    memset(p, 0xab, sizes[i]); /* all of it is usable */
    free(p);
  }
}

Test(hugepages, small_allocations_and_growth_keep_contents) {
  unsigned char *p = tc_realloc_huge(NULL, 1000);
  cr_assert_not_null(p);
  for (size_t i = 0; i < 1000; i++)
    p[i] = (unsigned char)(i * 7);
  size_t sizes[] = {MIB / 2 - 1, 3 * MIB, 9 * MIB};
  size_t have = 1000;
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    p = tc_realloc_huge(p, sizes[k]);
    cr_assert_not_null(p);
    for (size_t i = 0; i < 1000; i++)
      cr_assert_eq(p[i], (unsigned char)(i * 7), "byte %zu lost growing to %zu", i, sizes[k]);
    memset(p + have, 1, sizes[k] - have);
    have = sizes[k];
  }
  free(p);
}
