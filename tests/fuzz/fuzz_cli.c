/* libFuzzer target for the command-line parser (host/cli/opts.c) over every command's
 * table (host/cli/specs.c): the input's first byte picks the command, the rest is split
 * into argv words at NUL, newline and space. Only parsing runs (no command does any
 * work); the parser must neither crash nor leak, and must answer TC_CLI_RUN, 0 or 2.
 *
 * The parser's files are compiled in here; the rest (the library structs' init
 * functions, the bench suite list) comes from trajcorr_core. By hand, from build/:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -DTRAJCORR_VERSION='"0"' \
 *     -I.. -Igenerated -isystem /usr/include/hdf5/serial ../tests/fuzz/fuzz_cli.c \
 *     libtrajcorr_core.a <the libraries of CMakeFiles/trajcorr.dir/link.txt> -o fuzz_cli
 *   ./fuzz_cli -max_total_time=180 corpus/
 * (tests/fuzz/CMakeLists.txt builds it against trajcorr_core.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cli/opts.c"
#include "host/cli/opts_help.c"
#include "host/cli/specs.c"

#define MAX_WORDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FILE *null;
  if (!null)
    null = fopen("/dev/null", "w");
  if (size < 1 || size > 4096)
    return 0;
  const tc_cli_spec *s = tc_cli_specs[data[0] % tc_cli_nspecs];
  char *buf = malloc(size); /* the words outlive the parse: dest points into them */
  if (!buf)
    return 0;
  memcpy(buf, data + 1, size - 1);
  buf[size - 1] = '\0';
  char *argv[MAX_WORDS + 2];
  int argc = 0;
  argv[argc++] = (char *)s->name;
  /* --help and --man print the whole table: skip them, they are not the parser */
  for (char *p = buf, *end = buf + size - 1; p < end && argc <= MAX_WORDS;) {
    size_t n = strcspn(p, " \n");
    p[n] = '\0';
    if (n && strcmp(p, "--help") && strcmp(p, "--man") && !(p[0] == '-' && p[1] != '-' && strchr(p, 'h')))
      argv[argc++] = p;
    p += n + 1;
  }
  argv[argc] = NULL;
  _Alignas(16) unsigned char dest[4096];
  if (s->dest_size > sizeof dest)
    abort();
  unsetenv("TRAJCORR_PARSE_ONLY");
  int rc = tc_cli_parse_to(s, argc, argv, dest, null);
  if (rc != TC_CLI_RUN && rc != 0 && rc != 2)
    abort();
  if (rc == TC_CLI_RUN)
    tc_cli_free(s, dest);
  free(buf);
  return 0;
}
