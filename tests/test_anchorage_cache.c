/* The anchorages found in a store are cached beside it under a key of the store and
 * the finder's parameters (host/report/anchorage_store.c): every later process that
 * ranks the same store reads them back, whichever command it is and however its
 * command line differs, and the key line is the same each time. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/analyst_util.h"

static void key_of(const char *cache, char *buf, size_t cap) {
  FILE *f = fopen(cache, "r");
  cr_assert(f, "no cache %s", cache);
  cr_assert(fgets(buf, (int)cap, f));
  fclose(f);
}

Test(anchorage_cache, read_back_by_every_later_process, .timeout = 120) {
  char store[1024], cache[1200], err[1024], key0[256], key[256], cmd[8192];
  snprintf(store, sizeof store, "%s", au_path("anch.h5"));
  snprintf(err, sizeof err, "%s", au_path("anch.err"));
  snprintf(cache, sizeof cache, "%s.anchorages.csv", store);
  snprintf(cmd, sizeof cmd,
           "rm -f '%s' '%s' && '%s' generate -q --vessels 300 --days 1 --seed 5 --store '%s' -o /dev/null >/dev/null "
           "2>&1 && '%s' report '%s' -o '%s.html' --coast none 2>'%s' && grep -q 'anchorages found in the store;' '%s'",
           store, cache, TC_BINARY, store, TC_BINARY, store, store, err, err);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  key_of(cache, key0, sizeof key0);
  cr_assert(!strncmp(key0, "# trajcorr anchorages key ", 26), "%s", key0);
  static const char *const later[] = {
      "report '%s' -o '%s.html' --coast none",
      "report '%s' -o '%s.html' --coast none --panels 3 --title 'another command line, another stack'",
      "encounters '%s' --sort score -o '%s.csv'",
      "encounters '%s' -t 1 --coast none --sort score -o '%s.geojson' --flag PA,LR,MH,GB,NL,BE,DE,RU",
  };
  for (size_t i = 0; i < sizeof later / sizeof *later; i++) {
    char line[2048];
    snprintf(line, sizeof line, later[i], store, store);
    snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s' && grep -q 'anchorages found in the store (cached)' '%s'", TC_BINARY,
             line, err, err);
    cr_assert_eq(system(cmd), 0, "not read back: %s", line);
    key_of(cache, key, sizeof key);
    cr_assert_str_eq(key, key0, "%s", line);
  }
}
