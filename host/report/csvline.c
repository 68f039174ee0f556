#include "host/report/csvline.h"

#include <stdlib.h>
#include <string.h>

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    s[--n] = '\0';
  return s;
}

int tc_csvl_split(char *line, char **fields, int max) {
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  int k = 0;
  char *p = line;
  while (k < max) {
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '"') {
      char *o = ++p, *start = p;
      for (; *p; p++) {
        if (*p == '"') {
          if (p[1] == '"') {
            *o++ = '"';
            p++;
            continue;
          }
          p++;
          break;
        }
        *o++ = *p;
      }
      char *rest = p;
      *o = '\0';
      fields[k++] = start;
      while (*rest && *rest != ',')
        rest++;
      if (!*rest)
        break;
      p = rest + 1;
      continue;
    }
    char *c = strchr(p, ',');
    if (c)
      *c = '\0';
    fields[k++] = trim(p);
    if (!c)
      break;
    p = c + 1;
  }
  return k;
}

int tc_csvl_read_line(FILE *f, char **buf, size_t *cap) {
  size_t n = 0;
  if (!*buf || *cap < 256) {
    char *b = realloc(*buf, 256);
    if (!b)
      return -1;
    *buf = b;
    *cap = 256;
  }
  for (;;) {
    if (!fgets(*buf + n, (int)(*cap - n), f)) {
      if (ferror(f))
        return -1;
      return n > 0;
    }
    n += strlen(*buf + n);
    if (n && (*buf)[n - 1] == '\n')
      return 1;
    if (n + 1 < *cap) /* end of file without a newline */
      continue;
    char *b = realloc(*buf, *cap * 2);
    if (!b)
      return -1;
    *buf = b;
    *cap *= 2;
  }
}
