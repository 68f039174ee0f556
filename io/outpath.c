#include "io/outpath.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int tc_path_is_stream(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

/* The resolved absolute name of path, which need not exist: realpath of the whole
 * path, else of its parent directory followed by the last component. 0 on failure. */
static int resolve(const char *path, char out[PATH_MAX]) {
  if (realpath(path, out))
    return 1;
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  char dir[PATH_MAX], rdir[PATH_MAX];
  size_t dl = slash ? (size_t)(slash - path) : 0;
  if (dl >= sizeof dir)
    return 0;
  if (slash) {
    memcpy(dir, path, dl ? dl : 1); /* "/x": the parent is "/" */
    dir[dl ? dl : 1] = '\0';
  } else {
    strcpy(dir, ".");
  }
  if (!realpath(dir, rdir) || strlen(rdir) + 1 + strlen(base) >= PATH_MAX)
    return 0;
  strcpy(out, rdir);
  if (strcmp(rdir, "/"))
    strcat(out, "/");
  strcat(out, base);
  return 1;
}

int tc_path_same_file(const char *a, const char *b) {
  struct stat sa, sb;
  int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
  if (ea && eb)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  if (ea != eb)
    return 0;
  char ra[PATH_MAX], rb[PATH_MAX];
  if (resolve(a, ra) && resolve(b, rb))
    return !strcmp(ra, rb);
  return !strcmp(a, b);
}

static int skip(const char *p) { return !p || !*p || !strcmp(p, "-"); }

tc_status tc_outpath_check(const char *const *outs, size_t nouts, const char *const *ins, size_t nins,
                           tc_err *err) {
  for (size_t i = 0; i < nouts; i++) {
    const char *o = outs[i];
    if (skip(o) || tc_path_is_stream(o))
      continue;
    for (size_t j = 0; j < nins; j++)
      if (!skip(ins[j]) && tc_path_same_file(o, ins[j]))
        return tc_fail(err, TC_ERR_ARG, "refusing to write '%s': it is the input '%s'%s; "
                       "choose another output name", o, ins[j],
                       strcmp(o, ins[j]) ? " (the same file through a link or another path)" : "");
    for (size_t j = 0; j < i; j++)
      if (!skip(outs[j]) && tc_path_same_file(o, outs[j]))
        return tc_fail(err, TC_ERR_ARG, "refusing to write '%s' twice: it is also the output '%s'", o,
                       outs[j]);
  }
  return TC_OK;
}
