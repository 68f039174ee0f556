#include "io/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *tc_json_real(double v) { return isfinite(v) ? json_real(v) : json_null(); }

json_t *tc_json_fixed(double v, int decimals) {
  if (!isfinite(v))
    return json_null();
  char b[400]; /* %.*f of the largest double: 309 digits before the point */
  snprintf(b, sizeof b, "%.*f", decimals, v);
  double r = strtod(b, NULL);
  if (decimals == 0 && fabs(r) < 9007199254740992.0) /* 2^53: exact as an integer */
    return json_integer((json_int_t)r);
  return json_real(r);
}

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 when there is none:
 * jansson's own validator judges each candidate sequence. */
static size_t utf8_len(const unsigned char *p, size_t n) {
  size_t k = p[0] < 0x80 ? 1 : p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3
                         : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
  if (k == 0 || k > n)
    return 0;
  json_t *probe = json_stringn((const char *)p, k);
  json_decref(probe);
  return probe ? k : 0;
}

json_t *tc_json_string(const char *s) {
  if (!s)
    return json_null();
  json_t *v = json_string(s);
  if (v)
    return v;
  /* Not UTF-8 (or out of memory): copy it with each bad byte as U+FFFD (3 bytes). */
  size_t n = strlen(s), o = 0;
  char *t = malloc(3 * n + 1);
  if (!t)
    return NULL;
  for (size_t i = 0; i < n;) {
    size_t k = utf8_len((const unsigned char *)s + i, n - i);
    if (k) {
      memcpy(t + o, s + i, k);
      o += k;
      i += k;
    } else {
      memcpy(t + o, "\xef\xbf\xbd", 3);
      o += 3;
      i++;
    }
  }
  v = json_stringn(t, o);
  free(t);
  return v;
}

void tc_json_set(json_t *obj, const char *key, json_t *v, int *bad) {
  if (!v || json_object_set_new(obj, key, v) != 0)
    *bad = 1;
}

void tc_json_push(json_t *arr, json_t *v, int *bad) {
  if (!v || json_array_append_new(arr, v) != 0)
    *bad = 1;
}

tc_status tc_json_write_file(const json_t *doc, size_t flags, const char *path, tc_err *err) {
  FILE *f = fopen(path, "w");
  if (!f)
    return tc_fail(err, TC_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
  int bad = json_dumpf(doc, f, flags) != 0 || fputc('\n', f) == EOF;
  bad |= fclose(f) != 0;
  if (bad)
    return tc_fail(err, TC_ERR_IO, "%s: write failed: %s", path, strerror(errno));
  return TC_OK;
}
