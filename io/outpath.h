/* Output paths: which are not files, and which must not be written at all.
 *
 * Outputs are written under a temporary name and renamed on success, but renaming
 * onto a device or FIFO would replace it (as root, /dev/null itself), so those are
 * written directly instead (tc_path_is_stream).
 *
 * An output that is one of the command's inputs (the store, a list, a port file),
 * through a symbolic link, a hard link or another spelling of the path, would
 * replace that input: every command checks its outputs with tc_outpath_check after
 * parsing its options and before opening anything. */
#ifndef TC_OUTPATH_H
#define TC_OUTPATH_H

#include <stddef.h>

#include "io/status.h"

/* 1 when path exists and is neither a regular file nor a directory. */
int tc_path_is_stream(const char *path);

/* 1 when a and b name the same file: equal device and inode when both exist
 * (symbolic links followed), otherwise equal resolved parent directory and name. */
int tc_path_same_file(const char *a, const char *b);

/* TC_ERR_ARG, naming both paths, when an output is the same file as an input or as
 * another output. NULL entries, "-" (standard input/output) and device or FIFO
 * outputs (written directly, never replaced) are skipped. */
tc_status tc_outpath_check(const char *const *outs, size_t nouts, const char *const *ins, size_t nins,
                           tc_err *err);

#endif
