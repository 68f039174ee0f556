/* libFuzzer target: a track store file as input. Opens it, checks it the way
 * `trajcorr check` does (every bucket through the engine's decode and row checks, the
 * vessel index, the tables) and runs the encounters engine on it with small
 * parameters. A damaged store may fail anywhere, with a status; it must never crash,
 * hang or leak. Seeds: tests/fuzz/seed_store.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/backend.h"
#include "host/engine/encounter.h"
#include "host/engine/engine.h"
#include "host/engine/params.h"
#include "host/engine/source.h"
#include "io/store.h"
#include "io/store_check.h"
#include "io/store_chunks.h"

static void run_engine(tc_store *s) {
  tc_store_source_ctx sctx;
  tc_bucket_source src = tc_store_source(&sctx, s);
  sctx.slice_rows = 4096; /* several slices for any bucket of more than one chunk */
  tc_params p;
  tc_params_default(&p);
  p.threads = 1;
  tc_backend_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.platform = cfg.device = -1;
  tc_encounter_list l;
  tc_encounter_list_init(&l);
  tc_engine_stats st;
  tc_err err;
  tc_encounters_run(&src, &p, tc_backend_find("openmp"), &cfg, &l, &st, &err);
  tc_encounter_list_free(&l);
}

/* Every read the rest of the program makes, each allowed to fail. */
static void read_everything(tc_store *s) {
  tc_err err;
  tc_columns c;
  tc_columns_init(&c);
  const tc_store_info *in = tc_store_get_info(s);
  for (size_t k = 0; k < in->nbuckets && k < 64; k++) {
    tc_store_read_bucket_cols(s, k, &c, TC_COL_ALL, 1, &err);
    tc_store_read_bucket(s, k, &c, &err);
    const uint32_t *m;
    const uint64_t *start, *count;
    size_t n;
    if (tc_store_read_index(s, k, &m, &start, &count, &n, &err) == TC_OK && n > 0) {
      uint32_t first = m[0], last = m[n - 1];
      tc_store_read_vessel(s, k, first, &c, &err);
      tc_store_read_vessel(s, k, last, &c, &err);
    }
  }
  const tc_vessel_static *v;
  size_t nv;
  if (tc_store_vessels(s, &v, &nv, &err) == TC_OK && nv > 0) {
    tc_vessel_static one;
    tc_store_vessel_at(s, v[0].mmsi, in->t_max, &one, &err);
  }
  const tc_store_srcfile *src;
  size_t ns;
  tc_store_sources(s, &src, &ns, &err);
  tc_columns_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[] = "/tmp/fuzz_store.XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0)
    return 0;
  size_t at = 0;
  while (at < size) {
    ssize_t w = write(fd, data + at, size - at);
    if (w <= 0)
      break;
    at += (size_t)w;
  }
  close(fd);
  tc_store_check_report r;
  tc_err err;
  tc_store_check(path, NULL, NULL, &r, &err);
  tc_store *s = NULL;
  if (tc_store_open(path, &s, &err) == TC_OK) {
    read_everything(s);
    tc_store_close(s);
  }
  if (tc_store_open(path, &s, &err) == TC_OK) { /* a fresh handle: the engine reads first */
    if (tc_store_get_info(s)->rows <= 2000000)
      run_engine(s);
    tc_store_close(s);
  }
  unlink(path);
  return 0;
}
