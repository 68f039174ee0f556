/* Bytes from input (a CSV field, a header, a first line, a name read from a store) in
 * a message, shown so that a terminal displays them instead of obeying them: control
 * bytes as \xNN (ESC is \x1b), bytes that are not valid UTF-8 as \xNN, C1 controls and
 * bidirectional overrides as \u{NNNN}; printable ASCII and valid UTF-8 as they are. */
#ifndef TC_PRINTABLE_H
#define TC_PRINTABLE_H

#include <stddef.h>

/* Room for n input bytes all escaped (4 each), the ellipsis and the terminator. */
#define TC_PRINTABLE_CAP(n) (4 * (n) + 4)

/* Writes the escaped src[0..len) into dst (cap bytes, always terminated) and returns
 * dst. What does not fit in cap (less room for "…") is cut, whole characters only,
 * and "…" appended; at most max_in input bytes are shown (0: no limit). */
const char *tc_printable(char *dst, size_t cap, const void *src, size_t len, size_t max_in);

#endif
