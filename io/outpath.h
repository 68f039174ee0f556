/* Output paths that are not files: /dev/null, /dev/stdout, a FIFO. Outputs are
 * written under a temporary name and renamed on success, but renaming onto such a
 * path would replace the device (as root, /dev/null itself), so they are written
 * directly instead. */
#ifndef TC_OUTPATH_H
#define TC_OUTPATH_H

/* 1 when path exists and is neither a regular file nor a directory. */
int tc_path_is_stream(const char *path);

#endif
