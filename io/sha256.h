/* SHA-256 of imported sources, so the store can refuse the same content twice, and a
 * "tee" for standard input that hashes exactly the bytes the importer reads. The hash
 * is nettle's (libnettle, Debian nettle-dev). Hashing the demo's 62 MB input in 1 MiB
 * updates, best of 5: nettle 49 ms (1267 MB/s); a hand-written loop on the x86 SHA
 * extensions 58 ms (1084 MB/s); OpenSSL 3 EVP_DigestUpdate 39 ms (1587 MB/s), but
 * loading libcrypto costs ~5 ms of every process start. docs/architecture.md,
 * "## Dependencies". */
#ifndef TC_SHA256_H
#define TC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/sha2.h>

#include "io/status.h"

#define TC_SHA256_HEX 65 /* 64 hex digits and a NUL */

typedef struct {
  struct sha256_ctx ctx;
  uint64_t nbytes; /* bytes hashed so far (the source's size in the store) */
} tc_sha256;

void tc_sha256_init(tc_sha256 *c);
void tc_sha256_update(tc_sha256 *c, const void *data, size_t n);
void tc_sha256_final(tc_sha256 *c, uint8_t out[32]);
void tc_sha256_hex(const uint8_t digest[32], char hex[TC_SHA256_HEX]);

/* Hashes a whole file; *size gets its length in bytes. */
tc_status tc_sha256_file(const char *path, char hex[TC_SHA256_HEX], uint64_t *size, tc_err *err);

/* Standard input through a hashing thread: after start, fd 0 is a pipe fed with the
 * original standard input, and finish gives the hash and length of what passed
 * through. finish with abort = 1 stops early (the input was not read to its end).
 * Either way finish restores fd 0 and frees t. */
typedef struct tc_stdin_tee tc_stdin_tee;
tc_status tc_stdin_tee_start(tc_stdin_tee **out, tc_err *err);
tc_status tc_stdin_tee_finish(tc_stdin_tee *t, int abort, char hex[TC_SHA256_HEX], uint64_t *size,
                              tc_err *err);

#endif
