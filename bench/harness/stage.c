#include "bench/harness/stage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/grow.h"
#include "host/report/encounters_csv.h"
#include "io/timeparse.h"

/* Last non-empty line of a text file (for failure notes). */
static void last_line(const char *path, char *out, size_t cap) {
  out[0] = '\0';
  FILE *f = fopen(path, "r");
  if (!f)
    return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0])
      tc_bench_strcpy(out, cap, line);
  }
  fclose(f);
}

int tc_bench_stage_run(tc_bench_ctx *c, const char *tag, const char *const *argv, double timeout_s,
                       tc_bench_proc *p, char *why, size_t cap) {
  char out[4096], errp[4096], tail[300];
  tc_err e = {0};
  memset(p, 0, sizeof *p);
  why[0] = '\0';
  if (tc_bench_pathf(out, sizeof out, &e, "%s/%s.out", c->workdir, tag) != TC_OK ||
      tc_bench_pathf(errp, sizeof errp, &e, "%s/%s.err", c->workdir, tag) != TC_OK) {
    tc_bench_strcpy(why, cap, e.msg);
    return 0;
  }
  tc_bench_cmd cmd = {argv, NULL, out, errp, timeout_s};
  if (tc_bench_spawn(&cmd, p, &e) != TC_OK) {
    tc_bench_strcpy(why, cap, e.msg);
    return 0;
  }
  if (p->exit_code == 0 && !p->timed_out)
    return 1;
  last_line(errp, tail, sizeof tail);
  if (p->timed_out)
    snprintf(why, cap, "%s: killed after %.0f s", argv[0], timeout_s);
  else if (p->signal)
    snprintf(why, cap, "%s: killed by signal %d: %s", argv[0], p->signal, tail);
  else
    snprintf(why, cap, "%s: exit %d: %s", argv[0], p->exit_code, tail);
  return 0;
}

void tc_bench_stage_record(tc_bench_record *r, const tc_bench_proc *p) {
  tc_bench_result t;
  memset(&t, 0, sizeof t);
  t.reps = 1;
  t.min_s = t.median_s = t.max_s = t.mean_s = t.total_s = p->wall_s;
  t.cpu_s = p->cpu_s;
  tc_bench_rec_timing(r, &t);
  tc_bench_rec_metric(r, "wall_s", p->wall_s, "s");
  tc_bench_rec_metric(r, "cpu_s", p->cpu_s, "s");
  tc_bench_rec_metric(r, "peak_rss_mb", (double)p->peak_rss / 1e6, "MB");
}

/* ---- truth check */

typedef struct {
  uint32_t a, b;
  int64_t start, end;
} key;

typedef struct {
  key *v;
  size_t n, cap;
} keys;

static int push(keys *k, key x) {
  key *nv = tc_grow(k->v, &k->cap, k->n + 1, sizeof *nv, 256);
  if (!nv)
    return 0;
  k->v = nv;
  k->v[k->n++] = x;
  return 1;
}

static int cmp_key(const void *pa, const void *pb) {
  const key *x = pa, *y = pb;
  if (x->a != y->a)
    return x->a < y->a ? -1 : 1;
  if (x->b != y->b)
    return x->b < y->b ? -1 : 1;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return (x->end > y->end) - (x->end < y->end);
}

/* truth CSV: kind,mmsi_a,mmsi_b,start,end,expected,... */
static int read_truth(const char *path, keys *enc, keys *decoy, char *why, size_t cap) {
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(why, cap, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  char *line = NULL;
  size_t lcap = 0;
  unsigned long no = 0;
  int ok = 1;
  while (ok == 1 && getline(&line, &lcap, f) >= 0) {
    no++;
    line[strcspn(line, "\r\n")] = '\0';
    if (no == 1 || !line[0])
      continue;
    char *fld[6];
    char *p = line;
    size_t nf = 0;
    while (nf < 6) {
      fld[nf++] = p;
      char *comma = strchr(p, ',');
      if (!comma)
        break;
      *comma = '\0';
      p = comma + 1;
    }
    key k;
    if (nf < 6 || !tc_time_parse(fld[3], strlen(fld[3]), &k.start) ||
        !tc_time_parse(fld[4], strlen(fld[4]), &k.end)) {
      snprintf(why, cap, "%s:%lu: not a truth row", path, no);
      ok = -1;
      break;
    }
    k.a = (uint32_t)strtoul(fld[1], NULL, 10);
    k.b = (uint32_t)strtoul(fld[2], NULL, 10);
    int is_decoy = !strncmp(fld[0], "decoy", 5);
    int is_enc = !strcmp(fld[0], "meeting") || !strcmp(fld[0], "port");
    if ((is_decoy && !push(decoy, k)) || (is_enc && !push(enc, k))) {
      snprintf(why, cap, "out of memory reading %s", path);
      ok = -1;
    }
  }
  free(line);
  fclose(f);
  return ok;
}

int tc_bench_check_truth(const char *encounters_csv, const char *truth_csv, char *why, size_t cap) {
  tc_encounter_list l;
  tc_encounter_list_init(&l);
  keys got = {0}, want = {0}, decoy = {0};
  tc_err e = {0};
  int ok = -1;
  if (tc_encounters_csv_read(encounters_csv, &l, &e) != TC_OK) {
    tc_bench_strcpy(why, cap, e.msg);
    goto cleanup;
  }
  if ((ok = read_truth(truth_csv, &want, &decoy, why, cap)) != 1)
    goto cleanup;
  ok = -1;
  for (size_t i = 0; i < l.n; i++) {
    key k = {l.v[i].mmsi_a, l.v[i].mmsi_b, l.v[i].start, l.v[i].end};
    if (!push(&got, k)) {
      snprintf(why, cap, "out of memory");
      goto cleanup;
    }
    if (i && (l.v[i].start < l.v[i - 1].start ||
              (l.v[i].start == l.v[i - 1].start && (l.v[i].mmsi_a < l.v[i - 1].mmsi_a ||
               (l.v[i].mmsi_a == l.v[i - 1].mmsi_a && l.v[i].mmsi_b <= l.v[i - 1].mmsi_b))))) {
      snprintf(why, cap, "%s: row %zu breaks the (start, mmsi_a, mmsi_b) order", encounters_csv, i + 2);
      ok = 0;
      goto cleanup;
    }
  }
  qsort(got.v, got.n, sizeof *got.v, cmp_key);
  qsort(want.v, want.n, sizeof *want.v, cmp_key);
  size_t i = 0, k = 0, missing = 0, extra = 0;
  key first_missing = {0}, first_extra = {0};
  while (i < want.n || k < got.n) {
    int c = i == want.n ? 1 : k == got.n ? -1 : cmp_key(&want.v[i], &got.v[k]);
    if (c < 0 && !missing++)
      first_missing = want.v[i];
    if (c > 0 && !extra++)
      first_extra = got.v[k];
    i += c <= 0;
    k += c >= 0;
  }
  size_t overlap = 0;
  for (size_t d = 0; d < decoy.n; d++)
    for (size_t g = 0; g < got.n; g++)
      overlap += got.v[g].a == decoy.v[d].a && got.v[g].b == decoy.v[d].b &&
                 got.v[g].start <= decoy.v[d].end && got.v[g].end >= decoy.v[d].start;
  ok = missing == 0 && extra == 0 && overlap == 0;
  if (!ok)
    snprintf(why, cap,
             "against the truth: %zu expected encounter(s) missing (first %u-%u @%lld), %zu not in "
             "the truth (first %u-%u @%lld), %zu on a decoy",
             missing, first_missing.a, first_missing.b, (long long)first_missing.start, extra,
             first_extra.a, first_extra.b, (long long)first_extra.start, overlap);
  else
    snprintf(why, cap, "%zu encounters = truth (%zu decoys avoided)", got.n, decoy.n);
cleanup:
  tc_encounter_list_free(&l);
  free(got.v);
  free(want.v);
  free(decoy.v);
  return ok;
}
