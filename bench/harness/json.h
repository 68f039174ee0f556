/* A tiny JSON writer into a growable buffer, for the benchmark's one-record-per-
 * measurement output. Errors are sticky (like a FILE's error flag): calls after a
 * failure do nothing, and tc_json_finish reports the first one, so call sites stay
 * short. Strings are escaped; bytes that are not valid UTF-8 become U+FFFD; NaN
 * and infinities are written as null (JSON has no such numbers). */
#ifndef TC_JSON_H
#define TC_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "io/status.h"

typedef struct tc_json tc_json;

/* pretty: newlines and two-space indentation; 0 = one line. */
tc_status tc_json_create(int pretty, tc_json **out);
void tc_json_free(tc_json *j); /* NULL safe */

void tc_json_obj_begin(tc_json *j);
void tc_json_obj_end(tc_json *j);
void tc_json_arr_begin(tc_json *j);
void tc_json_arr_end(tc_json *j);
void tc_json_key(tc_json *j, const char *key); /* inside an object, before each value */
void tc_json_str(tc_json *j, const char *s);   /* NULL writes null */
void tc_json_num(tc_json *j, double v);
void tc_json_int(tc_json *j, int64_t v);
void tc_json_uint(tc_json *j, uint64_t v);
void tc_json_bool(tc_json *j, int v);
void tc_json_null(tc_json *j);

/* key + value in one call. */
void tc_json_kstr(tc_json *j, const char *key, const char *s);
void tc_json_knum(tc_json *j, const char *key, double v);
void tc_json_kint(tc_json *j, const char *key, int64_t v);
void tc_json_kuint(tc_json *j, const char *key, uint64_t v);
void tc_json_kbool(tc_json *j, const char *key, int v);

/* TC_OK when every call so far succeeded and the document is complete (all
 * containers closed, one top-level value); else the first error. */
tc_status tc_json_finish(const tc_json *j, tc_err *err);
/* The text so far (NUL-terminated; valid until the next call that writes). */
const char *tc_json_text(const tc_json *j, size_t *len);
/* tc_json_finish, then writes the text (and a final newline) to path. */
tc_status tc_json_write_file(const tc_json *j, const char *path, tc_err *err);

#endif
