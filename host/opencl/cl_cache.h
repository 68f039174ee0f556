/* The on-disk cache of built OpenCL programs, so a run starts without compiling the
 * kernels (seconds on PoCL, ~1 s on NVIDIA). One file per key:
 *   key  = SHA-256 of (platform name, device name, device version, driver version,
 *          SHA-256 of the whole program source as built, build options)
 *   file = <dir>/<key in hex>.clbin: an 88-byte header (magic, format version, header
 *          size, key, binary length, SHA-256 of the binary) then the binary.
 * A file whose header, length or checksum does not match is never trusted: the caller
 * rebuilds from source and replaces it. Files are written to a temporary name and
 * renamed, so a reader sees a whole file or none. */
#ifndef TC_CL_CACHE_H
#define TC_CL_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "host/opencl/cl_check.h"

#define TC_CL_CACHE_FORMAT 1
#define TC_CL_CACHE_HEADER 88
#define TC_CL_KEY_LEN 32

/* The cache folder: TRAJCORR_CL_CACHE when set ("off" disables the cache), else
 * $XDG_CACHE_HOME/trajcorr/cl, else $HOME/.cache/trajcorr/cl. Returns 0 (buf = "")
 * when the cache is off or no folder can be named. */
int tc_cl_cache_dir(char *buf, size_t cap);

/* The key of a program: device identity and driver (asked of the device), the source
 * as built and the build options. */
tc_status tc_cl_cache_key(cl_device_id dev, const char *src, size_t len, const char *opts,
                          uint8_t key[TC_CL_KEY_LEN], tc_err *err);

/* <dir>/<hex key>.clbin */
void tc_cl_cache_path(const char *dir, const uint8_t key[TC_CL_KEY_LEN], char *buf, size_t cap);

/* Reads and checks one cache file. *bin (malloc'd) and *len are set only when the file
 * is whole and carries `key`; otherwise *bin is NULL and `why` says what was wrong
 * ("" when the file does not exist). Only TC_ERR_NOMEM is an error. */
tc_status tc_cl_cache_load(const char *path, const uint8_t key[TC_CL_KEY_LEN], unsigned char **bin,
                           size_t *len, char *why, size_t whycap, tc_err *err);

/* Writes one cache file atomically (temporary file in the same folder, fsync, rename),
 * creating the folder when needed. TC_ERR_IO names the path and the system error. */
tc_status tc_cl_cache_store(const char *path, const uint8_t key[TC_CL_KEY_LEN],
                            const unsigned char *bin, size_t len, tc_err *err);

#endif
