/* A small JSON reader (RFC 8259) for GeoJSON inputs: the whole text becomes a tree
 * of nodes held in one arena, freed at once. Numbers are doubles; strings are UTF-8
 * with escapes decoded (\u escapes of the BMP and surrogate pairs). */
#ifndef TC_JSONREAD_H
#define TC_JSONREAD_H

#include <stddef.h>

#include "io/status.h"

typedef enum { TC_JNULL, TC_JBOOL, TC_JNUM, TC_JSTR, TC_JARR, TC_JOBJ } tc_jtype;

typedef struct tc_jnode tc_jnode;
struct tc_jnode {
  tc_jtype type;
  double num;       /* TC_JNUM; 0/1 for TC_JBOOL */
  const char *str;  /* TC_JSTR */
  const char *key;  /* member name when the parent is an object */
  tc_jnode *child;  /* first element or member */
  tc_jnode *next;   /* next sibling */
  size_t n;         /* number of children */
};

typedef struct tc_jdoc tc_jdoc;

/* Parses text (len bytes, need not be NUL-terminated). name labels errors, which
 * give line and column. */
tc_status tc_jdoc_parse(const char *text, size_t len, const char *name, tc_jdoc **out, tc_err *err);
/* Reads and parses a whole file. */
tc_status tc_jdoc_load(const char *path, tc_jdoc **out, tc_err *err);
void tc_jdoc_free(tc_jdoc *j);
const tc_jnode *tc_jdoc_root(const tc_jdoc *j);
/* Member of an object by name, NULL when absent or not an object. */
const tc_jnode *tc_jget(const tc_jnode *obj, const char *key);

#endif
