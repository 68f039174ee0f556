/* io/printable.h: input bytes in messages escaped, cut on whole characters. */
#include <criterion/criterion.h>
#include <string.h>

#include "io/printable.h"

static const char *show(const char *s, size_t cap, size_t max_in) {
  static char buf[512];
  return tc_printable(buf, cap, s, strlen(s), max_in);
}

Test(printable, controls_and_bad_utf8_escaped) {
  cr_assert_str_eq(show("\x1b]0;PWNED\x07\x1b[31mRED", 512, 0), "\\x1b]0;PWNED\\x07\\x1b[31mRED");
  cr_assert_str_eq(show("a\tb\r\n\x7f", 512, 0), "a\\x09b\\x0d\\x0a\\x7f");
  cr_assert_str_eq(show("\xff\xfe\xc0\xaf\xed\xa0\x80", 512, 0), /* invalid, overlong, surrogate */
                   "\\xff\\xfe\\xc0\\xaf\\xed\\xa0\\x80");
  cr_assert_str_eq(show("\xe2\x82", 512, 0), "\\xe2\\x82"); /* cut short */
}

Test(printable, utf8_kept_active_code_points_escaped) {
  cr_assert_str_eq(show("Bj\xc3\xb8rn \xe2\x82\xac \xf0\x9f\x9a\xa2", 512, 0), "Bj\xc3\xb8rn \xe2\x82\xac \xf0\x9f\x9a\xa2");
  cr_assert_str_eq(show("\xc2\x9b" "2J", 512, 0), "\\u{009b}2J");      /* C1 CSI */
  cr_assert_str_eq(show("x\xe2\x80\xaey", 512, 0), "x\\u{202e}y");     /* right-to-left override */
}

Test(printable, cut_with_an_ellipsis_on_whole_characters) {
  cr_assert_str_eq(show("0123456789", 512, 4), "0123\xe2\x80\xa6");
  cr_assert_str_eq(show("0123", 512, 4), "0123");
  cr_assert_str_eq(show("0123456789", 8, 0), "0123\xe2\x80\xa6"); /* 4 + 3 + NUL */
  cr_assert_str_eq(show("\x1b\x1b\x1b", 9, 0), "\\x1b\xe2\x80\xa6"); /* never half an escape */
  cr_assert_str_eq(show("ab", 3, 0), "ab");
  char one[1] = {'z'};
  tc_printable(one, 1, "abc", 3, 0);
  cr_assert_eq(one[0], '\0');
}
