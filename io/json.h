/* JSON is read and written with jansson (Debian libjansson-dev; docs/architecture.md,
 * "## Dependencies"). These helpers are the few rules every writer shares: JSON has no
 * NaN or infinity (written as null), and text from outside (notes, program output,
 * names from AIS messages) may hold bytes that are not UTF-8, which jansson refuses:
 * they become U+FFFD. Objects keep their keys in insertion order (jansson >= 2.8), so
 * a document's members come out in the order the writer adds them. */
#ifndef TC_JSON_H
#define TC_JSON_H

#include <jansson.h>

#include "io/status.h"

/* v, or null when it is not finite. NULL only when out of memory. */
json_t *tc_json_real(double v);
/* v rounded to `decimals` places as printf("%.*f") rounds it, null when not finite;
 * 0 decimals gives an integer. Dumped with JSON_REAL_PRECISION(15) the text has
 * exactly those decimals (trailing zeros dropped): files stay as small as a fixed
 * format makes them. NULL only when out of memory. */
json_t *tc_json_fixed(double v, int decimals);
/* JSON_REAL_PRECISION for documents of tc_json_fixed values: any decimal of up to 15
 * significant digits comes back as written. */
#define TC_JSON_FIXED_PRECISION JSON_REAL_PRECISION(15)
/* s (NULL = null) with bytes that are not UTF-8 replaced by U+FFFD. NULL only when out of memory. */
json_t *tc_json_string(const char *s);
/* json_object_set_new that remembers failure: adds v (taking it) under key, and sets
 * *bad when v is NULL (out of memory) or the object could not grow. */
void tc_json_set(json_t *obj, const char *key, json_t *v, int *bad);
/* json_array_append_new likewise. */
void tc_json_push(json_t *arr, json_t *v, int *bad);
/* Writes doc to path with json_dumpf flags and a final newline. */
tc_status tc_json_write_file(const json_t *doc, size_t flags, const char *path, tc_err *err);

#endif
