/* Test helpers that run the trajcorr program itself (TC_BINARY) in a scratch folder. */
#ifndef TC_TEST_LEAD_RUN_H
#define TC_TEST_LEAD_RUN_H

#include <stddef.h>

/* A fresh scratch folder under $TC_TEST_TMP (or /tmp) named after `tag`. */
void tr_scratch(const char *tag, char *dir, size_t cap);

/* Runs a shell command line (formatted); returns its exit status. */
int tr_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
