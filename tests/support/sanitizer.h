/* TC_UNDER_ASAN: 1 in a build with AddressSanitizer, where limits that cannot hold
 * (peak RSS) are skipped and performance-sized smoke runs are made smaller.
 * TRAJCORR_ASAN comes from -DTRAJCORR_SANITIZE=address,... (or TRAJCORR_FUZZ); the
 * compilers' own markers catch ASan flags given another way. */
#ifndef TC_TEST_SANITIZER_H
#define TC_TEST_SANITIZER_H

#if defined(TRAJCORR_ASAN) || defined(__SANITIZE_ADDRESS__)
#define TC_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TC_UNDER_ASAN 1
#endif
#endif
#ifndef TC_UNDER_ASAN
#define TC_UNDER_ASAN 0
#endif

#endif
