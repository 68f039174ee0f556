/* Helpers for the analyst suites (outputs, context, report): scratch files, a
 * Python reader run through system(), and small candidate fixtures. */
#ifndef TC_TEST_ANALYST_UTIL_H
#define TC_TEST_ANALYST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "host/report/candidates.h"

/* $TC_TEST_TMP/analyst/<name> (directory created); returns a static buffer slot. */
const char *au_path(const char *name);
/* Writes text to a scratch file and returns its path. */
const char *au_write(const char *name, const char *text);
/* 1 when /usr/bin/python3 can import every module named (space-separated). */
int au_have_python(const char *modules);
/* Runs /usr/bin/python3 on script text with args; returns its exit status, and its
 * standard output and error in out (capped). */
int au_python(const char *script, const char *args, char *out, size_t cap);
/* An encounter with the given identity and plausible other fields. */
tc_encounter au_encounter(uint32_t a, uint32_t b, int64_t start, int64_t end, double lat, double lon);

#endif
