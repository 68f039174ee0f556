#include "host/engine/runs.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "host/engine/grow.h"
#include "host/engine/runspill.h"
#include "io/columns.h"
#include "io/hugepages.h"
#include "kernels/geo.h"

typedef tc_close_time close_time;

/* A pair's open candidate. Most are ships passing each other, with one or two close
 * times: the first is kept in the slot itself, so they cost no allocation, and start,
 * end and count are here, so judging a short one touches nothing else. Slots are
 * recycled through a free list; the hash table holds slot indices. Once the close
 * times held in memory pass a budget (tc_runs_spill_from), a long one keeps fewer than
 * TC_RUNSPILL_BLOCK in v and the older ones in the spill file (host/engine/runspill.h),
 * so memory does not grow with how long candidates stay open; below the budget (every
 * small run) nothing touches the disk. */
typedef struct {
  uint64_t key;          /* mmsi_a << 32 | mmsi_b; 0: a free slot (an MMSI is never 0) */
  int64_t last_t;        /* its last close time */
  uint32_t n, cap;       /* close times, in memory and spilled; room in v */
  union {
    uint32_t next_free;  /* free list link (index + 1) while free */
    uint32_t nblk;       /* blocks in the spill file while in use */
  };
  uint32_t spill;        /* 1 + its last spilled block, 0: none */
  close_time *v;         /* NULL while it holds one close time, which is `one` */
  close_time one;
} cand;

/* A table entry: 32 bits of the key's hash beside its slot, 8 bytes, so a table of
 * millions of open candidates takes half the cache lines and pages it would with the
 * key. Probes and removals read no slot: a probe checks the slot's key only where the
 * hash bits match (nearly always the one it looks for, whose slot it reads next anyway),
 * and the hash bits hold the entry's home (tables are at most 2^32 entries). */
typedef struct {
  uint32_t hash;         /* tc_runs_table_hash(key) */
  uint32_t slot1;        /* slot + 1; 0: empty */
} tentry;

/* An open candidate's place in the expiry queue: one per candidate, with a close time
 * of it. Pushed when the candidate opens and again, with its last close time, when it
 * reaches the front still growing; so the queue is about in time order and a flush
 * finds what to judge from the front, without a scan of all candidates and without
 * an entry per close pair (most close pairs are a moored pair's next grid time). */
typedef struct {
  int64_t t;
  uint32_t slot;
} arrival;

struct tc_runs {
  tc_params p;
  cand *c;
  size_t nc, capc;       /* slots made, allocated */
  size_t live;           /* slots in use */
  uint32_t free_head;    /* index + 1 of the first free slot, 0: none */
  tentry *table;         /* open addressing, linear probing */
  size_t tcap;           /* power of two, at least twice live */
  arrival *q;            /* ring of arrivals */
  size_t qhead, qn, qcap;
  double *tmp, *d;       /* judging scratch, tmp_cap each */
  size_t tmp_cap;
  tc_runspill *spill;    /* older close times of long candidates */
  close_time *all;       /* a spilled candidate's close times, gathered to judge or save */
  size_t all_cap;
  size_t held, spill_from; /* close times in memory; spill above this many */
  tc_encounter_list pending;
  uint64_t judged;
  int64_t head_until;        /* candidates starting at or before it go to edges */
  tc_edge_runs *edges;
};

/* Tables from this many entries (8 bytes each) outgrow the caches; smaller ones are
 * better off without the prefetches' extra lookups. */
#define PREFETCH_ENTRIES ((size_t)1 << 18)

static uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

tc_status tc_runs_create(const tc_params *p, tc_runs **out) {
  tc_runs *r = calloc(1, sizeof *r);
  if (!r)
    return TC_ERR_NOMEM;
  r->p = *p;
  r->head_until = INT64_MIN;
  r->spill_from = TC_RUNS_SPILL_FROM / sizeof(close_time);
  if (tc_runspill_create(sizeof(close_time), &r->spill) != TC_OK) {
    free(r);
    return TC_ERR_NOMEM;
  }
  tc_encounter_list_init(&r->pending);
  *out = r;
  return TC_OK;
}

/* Close times in memory (v or one): all of them, or the latest ones after the spilled
 * blocks, TC_RUNSPILL_BLOCK each. */
static uint32_t in_memory(const cand *c) { return c->n - c->nblk * TC_RUNSPILL_BLOCK; }

/* All of c's close times in order: in the slot, or gathered into r->all from the spill
 * file and v. */
static tc_status times_of(tc_runs *r, const cand *c, const close_time **out) {
  if (!c->nblk) {
    *out = c->v ? c->v : &c->one;
    return TC_OK;
  }
  uint32_t m = in_memory(c), spilled = c->n - m;
  close_time *all = tc_grow(r->all, &r->all_cap, c->n, sizeof *all, TC_RUNSPILL_BLOCK * 4);
  if (!all)
    return TC_ERR_NOMEM;
  r->all = all;
  TC_TRY(tc_runspill_read(r->spill, c->spill, c->nblk, all));
  memcpy(all + spilled, c->v, m * sizeof *all);
  *out = all;
  return TC_OK;
}

void tc_runs_free(tc_runs *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->nc; i++)
    free(r->c[i].v);
  free(r->c);
  free(r->table);
  free(r->q);
  free(r->tmp);
  free(r->d);
  free(r->all);
  tc_runspill_free(r->spill);
  tc_encounter_list_free(&r->pending);
  free(r);
}

/* Position of key in the table, or of the empty entry where it would go. */
static size_t table_find(const tc_runs *r, uint64_t key) {
  uint32_t x = tc_runs_table_hash(key);
  size_t mask = r->tcap - 1, h = x & mask;
  while (r->table[h].slot1 && (r->table[h].hash != x || r->c[r->table[h].slot1 - 1].key != key))
    h = (h + 1) & mask;
  return h;
}

/* The slot key most likely has, without reading slots (for a prefetch): the first entry
 * of its probe run with its hash bits; UINT32_MAX where none has them. */
static uint32_t table_peek(const tc_runs *r, uint64_t key) {
  uint32_t x = tc_runs_table_hash(key);
  size_t mask = r->tcap - 1, h = x & mask;
  for (; r->table[h].slot1; h = (h + 1) & mask)
    if (r->table[h].hash == x)
      return r->table[h].slot1 - 1;
  return UINT32_MAX;
}

static tc_status table_grow(tc_runs *r) {
  size_t cap = r->tcap ? 2 * r->tcap : 1024;
  if (cap > ((size_t)1 << 32)) /* the hash bits hold an entry's home */
    return TC_ERR_OVERFLOW;
  /* Zeroed by writing, not calloc: calloc's fresh pages read as the shared zero page,
   * so each first insert after a lookup took a second fault and a TLB flush of every
   * engine thread. Big tables get huge pages (random probes miss the TLB less). */
  tentry *t = cap <= SIZE_MAX / sizeof *t ? tc_realloc_huge(NULL, cap * sizeof *t) : NULL;
  if (!t)
    return TC_ERR_NOMEM;
  memset(t, 0, cap * sizeof *t);
  tentry *old = r->table;
  size_t ocap = r->tcap;
  r->table = t;
  r->tcap = cap;
  size_t mask = cap - 1;
  for (size_t i = 0; i < ocap; i++)
    if (old[i].slot1) { /* every key differs: the first empty entry of its run */
      size_t h = old[i].hash & mask;
      while (t[h].slot1)
        h = (h + 1) & mask;
      t[h] = old[i];
    }
  free(old);
  return TC_OK;
}

/* Removes the entry at h, shifting later entries of its probe run back (no tombstones,
 * so lookups stay short however many candidates come and go). */
static void table_remove(tc_runs *r, size_t h) {
  size_t mask = r->tcap - 1, i = h, j = h;
  for (;;) {
    j = (j + 1) & mask;
    if (!r->table[j].slot1)
      break;
    size_t k = r->table[j].hash & mask; /* where entry j wants to be */
    if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
      continue; /* it cannot move to i without leaving its run */
    r->table[i] = r->table[j];
    i = j;
  }
  r->table[i].slot1 = 0;
}

/* A slot for a new candidate of key, entered in the table at h. */
static tc_status slot_new(tc_runs *r, uint64_t key, size_t h, uint32_t *out) {
  uint32_t k;
  if (r->free_head) {
    k = r->free_head - 1;
    r->free_head = r->c[k].next_free;
  } else {
    cand *grown = tc_grow(r->c, &r->capc, r->nc + 1, sizeof *r->c, 256);
    if (!grown)
      return TC_ERR_NOMEM;
    r->c = grown;
    k = (uint32_t)r->nc++;
    r->c[k].v = NULL;
    r->c[k].cap = 0;
    r->c[k].spill = 0;
  }
  cand *c = &r->c[k];
  c->key = key;
  c->n = 0;
  c->nblk = 0; /* after the free list link was read: they share a field */
  c->last_t = INT64_MIN;
  r->table[h] = (tentry){tc_runs_table_hash(key), k + 1};
  r->live++;
  *out = k;
  return TC_OK;
}

static void slot_free(tc_runs *r, uint32_t k) {
  cand *c = &r->c[k];
  free(c->v);
  c->v = NULL;
  c->cap = 0;
  c->n = 0;
  c->key = 0;
  c->next_free = r->free_head;
  r->free_head = k + 1;
  r->live--;
}

static tc_status arrival_push(tc_runs *r, int64_t t, uint32_t slot) {
  if (r->qn == r->qcap) { /* grow the ring, unrolled to start at 0 */
    size_t cap = r->qcap ? 2 * r->qcap : 1024;
    arrival *q = malloc(cap * sizeof *q);
    if (!q)
      return TC_ERR_NOMEM;
    for (size_t i = 0; i < r->qn; i++)
      q[i] = r->q[(r->qhead + i) & (r->qcap - 1)];
    free(r->q);
    r->q = q;
    r->qcap = cap;
    r->qhead = 0;
  }
  r->q[(r->qhead + r->qn++) & (r->qcap - 1)] = (arrival){t, slot};
  return TC_OK;
}

static int scratch(tc_runs *r, size_t n) {
  void **const arr[] = {(void **)&r->tmp, (void **)&r->d};
  const size_t size[] = {sizeof *r->tmp, sizeof *r->d};
  return tc_reserve_all(arr, size, 2, &r->tmp_cap, n);
}

/* Median of the defined slot speeds of vessel b (0: a, 1: b) over the close times
 * v[0..n) (NAN = undefined); NAN when none. */
static double median_speed(tc_runs *r, const close_time *v, size_t n, int b) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    double x = b ? v[i].sb : v[i].sa;
    if (!isnan(x))
      r->tmp[m++] = x;
  }
  return tc_median(r->tmp, m);
}

/* Judges close times v[0..n) of pair key (spec §4); an encounter goes to out. */
static tc_status judge_times(tc_runs *r, uint64_t key, const close_time *v, size_t n, tc_encounter_list *out) {
  r->judged++;
  int64_t start = v[0].t, end = v[n - 1].t;
  if (end - start >= r->p.min_duration) {
    if (!scratch(r, n))
      return TC_ERR_NOMEM;
    double sa = median_speed(r, v, n, 0), sb = median_speed(r, v, n, 1);
    if (!isnan(sa) && !isnan(sb) && sa < r->p.max_speed_kn && sb < r->p.max_speed_kn) {
      tc_encounter e;
      e.mmsi_a = (uint32_t)(key >> 32);
      e.mmsi_b = (uint32_t)(key & 0xFFFFFFFFu);
      e.start = start;
      e.end = end;
      e.close_slots = (int32_t)n;
      /* Only for reported encounters: most candidates are ships passing, and the
       * distances and the circular mean's trigonometry would otherwise run for every
       * close pair. */
      double mn = INFINITY, sum_lat = 0, sum_sin = 0, sum_cos = 0;
      for (size_t i = 0; i < n; i++) {
        r->d[i] = tc_haversine_m(v[i].la, v[i].oa, v[i].lb, v[i].ob);
        if (r->d[i] < mn)
          mn = r->d[i];
        double mlat, mlon;
        tc_midpoint(v[i].la, v[i].oa, v[i].lb, v[i].ob, &mlat, &mlon);
        sum_lat += mlat;
        sum_sin += sin(mlon * TC_DEG2RAD);
        sum_cos += cos(mlon * TC_DEG2RAD);
      }
      e.min_dist_m = mn;
      e.median_dist_m = tc_median(r->d, n); /* every distance is defined; d is scratch */
      e.mean_lat = sum_lat / (double)n;
      e.mean_lon = tc_norm_lon(atan2(sum_sin, sum_cos) / TC_DEG2RAD);
      e.speed_a_kn = sa;
      e.speed_b_kn = sb;
      if (tc_encounter_list_push(out, &e) != TC_OK)
        return TC_ERR_NOMEM;
    }
  }
  return TC_OK;
}

tc_status tc_runs_judge_times(tc_runs *r, uint64_t key, const tc_close_time *v, size_t n,
                              tc_encounter_list *out) {
  return n ? judge_times(r, key, v, n, out) : TC_OK;
}

/* Judges a candidate (spec §4), or keeps it whole as a head edge run, and empties it
 * for reuse. */
static tc_status judge(tc_runs *r, cand *c, uint32_t tail) {
  if (c->n == 0)
    return TC_OK;
  const close_time *v;
  TC_TRY(times_of(r, c, &v));
  uint32_t flags = tail | (v[0].t <= r->head_until ? TC_EDGE_HEAD : 0);
  tc_status s = flags ? tc_edge_runs_push(r->edges, c->key, flags, v, c->n)
                      : judge_times(r, c->key, v, c->n, &r->pending);
  tc_runspill_release(r->spill, c->spill, c->nblk);
  r->held -= in_memory(c);
  c->spill = 0;
  c->nblk = 0;
  c->n = 0;
  return s;
}

static tc_status cand_push(tc_runs *r, cand *c, const close_time *ct) {
  if (c->n == UINT32_MAX)
    return TC_ERR_OVERFLOW;
  if (c->n == 0 && !c->v) {
    c->one = *ct;
  } else if (in_memory(c) >= TC_RUNSPILL_BLOCK && r->held >= r->spill_from) {
    /* over the budget: the oldest block in memory goes to the file (one a close time
     * added, so a candidate that grew long below the budget comes down quickly) */
    uint32_t m = in_memory(c);
    TC_TRY(tc_runspill_put(r->spill, c->spill, c->v, &c->spill));
    memmove(c->v, c->v + TC_RUNSPILL_BLOCK, (m - TC_RUNSPILL_BLOCK) * sizeof *c->v);
    c->nblk++;
    r->held -= TC_RUNSPILL_BLOCK;
    c->v[m - TC_RUNSPILL_BLOCK] = *ct;
    if (c->cap > TC_RUNSPILL_BLOCK && m - TC_RUNSPILL_BLOCK < TC_RUNSPILL_BLOCK) {
      /* back to the size every spilling candidate has, so freed arrays fit the next */
      close_time *v = realloc(c->v, TC_RUNSPILL_BLOCK * sizeof *v);
      if (v) {
        c->v = v;
        c->cap = TC_RUNSPILL_BLOCK;
      }
    }
  } else {
    if (in_memory(c) >= c->cap) { /* the first time: move the inline close time into v */
      uint32_t cap = c->cap ? 2 * c->cap : 4;
      close_time *v = realloc(c->v, cap * sizeof *v);
      if (!v)
        return TC_ERR_NOMEM;
      if (!c->v && c->n)
        v[0] = c->one;
      c->v = v;
      c->cap = cap;
    }
    c->v[in_memory(c)] = *ct;
  }
  r->held++;
  c->n++;
  c->last_t = ct->t;
  return TC_OK;
}

static int listed(const tc_params *p, uint32_t m) {
  size_t lo = tc_lower_bound_u32(p->mmsi_filter, p->n_mmsi_filter, m);
  return lo < p->n_mmsi_filter && p->mmsi_filter[lo] == m;
}

tc_status tc_runs_add(tc_runs *r, const tc_grid_block *blk, const tc_closebuf *close,
                      const tc_pos_speed *pos, unsigned shard, unsigned nshards) {
  /* Each pair's close times arrive in order (close is in grid-time order, or in order by
   * vessel pair), and the grid time follows from a cursor over the block's offsets, found
   * again where the list goes back in time. */
  size_t j = 0;
  (void)nshards;
  size_t end = close->shard_off[shard + 1];
  int big = r->tcap >= PREFETCH_ENTRIES;
  for (size_t k = close->shard_off[shard]; k < end; k++) {
    const tc_close_pair *cp = &close->v[k];
    uint32_t ma = (uint32_t)(cp->key >> 32), mb = (uint32_t)cp->key;
    if (r->p.mmsi_filter && !listed(&r->p, ma) && !listed(&r->p, mb))
      continue;
    if (cp->p < blk->off[j])
      j = tc_grid_block_slot_of(blk, cp->p);
    while (cp->p >= blk->off[j + 1])
      j++;
    int64_t s = blk->s0 + (int64_t)j * blk->slot;
    if (2 * (r->live + 1) > r->tcap)
      TC_TRY(table_grow(r));
    /* A table of millions of open candidates misses the cache on every pair: fetch
     * the entry of a pair some way ahead, and the slot of one nearer. */
    if (big && k + 16 < end)
      __builtin_prefetch(&r->table[mix(close->v[k + 16].key) & (r->tcap - 1)]);
    if (big && k + 8 < end) {
      uint32_t s8 = table_peek(r, close->v[k + 8].key);
      if (s8 != UINT32_MAX)
        __builtin_prefetch(&r->c[s8]);
    }
    /* the positions of a pair some way ahead: those of this one, at random in the
     * block, are most of this loop's time */
    if (k + 8 < end) {
      __builtin_prefetch(&pos[close->v[k + 8].p]);
      __builtin_prefetch(&pos[close->v[k + 8].q]);
    }
    size_t h = table_find(r, cp->key);
    uint32_t slot;
    if (r->table[h].slot1) {
      slot = r->table[h].slot1 - 1;
    } else {
      TC_TRY(slot_new(r, cp->key, h, &slot));
      TC_TRY(arrival_push(r, s, slot));
    }
    cand *c = &r->c[slot];
    if (c->n && c->last_t == s)
      continue; /* reported twice by the backend */
    if (c->n && s - c->last_t > r->p.merge_gap)
      TC_TRY(judge(r, c, 0));
    const tc_pos_speed *a = &pos[cp->p], *b = &pos[cp->q];
    close_time ct = {s, a->lat, a->lon, b->lat, b->lon, a->speed, b->speed};
    TC_TRY(cand_push(r, c, &ct));
  }
  return TC_OK;
}

/* Judges the candidate in slot k and frees the slot. */
static tc_status close_slot(tc_runs *r, uint32_t k, uint32_t tail) {
  TC_TRY(judge(r, &r->c[k], tail));
  table_remove(r, table_find(r, r->c[k].key));
  slot_free(r, k);
  return TC_OK;
}

tc_status tc_runs_flush(tc_runs *r, int64_t s_next, tc_encounter_list *out) {
  if (s_next == INT64_MAX) { /* the end: every candidate is closed */
    for (uint32_t k = 0; k < r->nc; k++)
      if (r->c[k].key)
        TC_TRY(close_slot(r, k, 0));
    r->qn = 0;
  } else {
    /* A candidate whose last close time is more than merge_gap before s_next can no
     * longer grow and is judged; one that grew since its entry was queued goes to the
     * back with its last close time. An expired entry behind one that is not waits for
     * a later flush (or is judged by tc_runs_add when its pair is close again): later,
     * never wrong. */
    size_t qmask = r->qcap - 1;
    int big = r->tcap >= PREFETCH_ENTRIES;
    while (r->qn) {
      arrival a = r->q[r->qhead];
      if (s_next - a.t <= r->p.merge_gap)
        break;
      /* as in tc_runs_add: the slot of an arrival some way ahead, the table entry of
       * one nearer (its slot's key is in the cache by then) */
      if (big && r->qn > 16)
        __builtin_prefetch(&r->c[r->q[(r->qhead + 16) & qmask].slot]);
      if (big && r->qn > 8) {
        const cand *c8 = &r->c[r->q[(r->qhead + 8) & qmask].slot];
        if (c8->key)
          __builtin_prefetch(&r->table[mix(c8->key) & (r->tcap - 1)]);
      }
      r->qhead = (r->qhead + 1) & qmask;
      r->qn--;
      const cand *c = &r->c[a.slot];
      if (s_next - c->last_t > r->p.merge_gap)
        TC_TRY(close_slot(r, a.slot, 0));
      else
        TC_TRY(arrival_push(r, c->last_t, a.slot));
      qmask = r->qcap - 1; /* the push may have grown the ring */
    }
  }
  for (size_t i = 0; i < r->pending.n; i++)
    TC_TRY(tc_encounter_list_push(out, &r->pending.v[i]));
  r->pending.n = 0;
  return TC_OK;
}

void tc_runs_set_head(tc_runs *r, int64_t head_until, tc_edge_runs *edges) {
  r->head_until = edges ? head_until : INT64_MIN;
  r->edges = edges;
}

tc_status tc_runs_export_open(tc_runs *r, tc_edge_runs *edges) {
  tc_edge_runs *was = r->edges;
  r->edges = edges;
  tc_status s = TC_OK;
  for (uint32_t k = 0; s == TC_OK && k < r->nc; k++)
    if (r->c[k].key)
      s = close_slot(r, k, TC_EDGE_TAIL);
  r->qn = 0;
  r->edges = was;
  return s;
}

void tc_edge_runs_init(tc_edge_runs *e) { memset(e, 0, sizeof *e); }

void tc_edge_runs_free(tc_edge_runs *e) {
  if (!e)
    return;
  free(e->key);
  free(e->flags);
  free(e->off);
  free(e->t);
  tc_edge_runs_init(e);
}

tc_status tc_edge_runs_push(tc_edge_runs *e, uint64_t key, uint32_t flags, const tc_close_time *v, size_t n) {
  void **const arr[] = {(void **)&e->key, (void **)&e->flags, (void **)&e->off};
  const size_t size[] = {sizeof *e->key, sizeof *e->flags, sizeof *e->off};
  if (!tc_reserve_all(arr, size, 3, &e->cap, e->n + 2))
    return TC_ERR_NOMEM;
  tc_close_time *t = tc_grow(e->t, &e->capt, e->nt + n, sizeof *e->t, 256);
  if (!t)
    return TC_ERR_NOMEM;
  e->t = t;
  memcpy(e->t + e->nt, v, n * sizeof *v);
  e->off[e->n] = e->nt;
  e->key[e->n] = key;
  e->flags[e->n] = flags;
  e->nt += n;
  e->n++;
  e->off[e->n] = e->nt;
  return TC_OK;
}

/* From the hash's high half: the table's homes take its low one, which within a shard
 * would otherwise all be alike modulo nshards (with 8 shards, one bucket in 8 a home). */
unsigned tc_runs_shard(uint64_t key, unsigned nshards) { return (unsigned)((mix(key) >> 32) % nshards); }
uint32_t tc_runs_table_hash(uint64_t key) { return (uint32_t)mix(key); }

uint64_t tc_runs_candidates(const tc_runs *r) { return r->judged; }
void tc_runs_add_judged(tc_runs *r, uint64_t n) { r->judged += n; }
const char *tc_runs_error(const tc_runs *r) { return r ? tc_runspill_error(r->spill) : ""; }
void tc_runs_spill_from(tc_runs *r, size_t bytes) { r->spill_from = bytes / sizeof(close_time); }
size_t tc_runs_open(const tc_runs *r) { return r->live; }

/* ---- checkpoints: the open candidates in queue order ---- */

tc_status tc_runs_save(tc_runs *r, tc_put_fn put, void *ctx) {
  if (r->pending.n) /* judged but not handed out: every flush hands them out */
    return TC_ERR_INTERNAL;
  uint64_t judged = r->judged, n = r->qn;
  TC_TRY(put(ctx, &judged, sizeof judged));
  TC_TRY(put(ctx, &n, sizeof n));
  for (size_t i = 0; i < r->qn; i++) {
    arrival a = r->q[(r->qhead + i) & (r->qcap - 1)];
    const cand *c = &r->c[a.slot];
    uint32_t nt = c->n;
    TC_TRY(put(ctx, &c->key, sizeof c->key));
    TC_TRY(put(ctx, &a.t, sizeof a.t));
    TC_TRY(put(ctx, &c->last_t, sizeof c->last_t));
    TC_TRY(put(ctx, &nt, sizeof nt));
    const close_time *v;
    TC_TRY(times_of(r, c, &v));
    TC_TRY(put(ctx, v, nt * sizeof(close_time)));
  }
  return TC_OK;
}

tc_status tc_runs_load(tc_runs *const *r, unsigned nshards, const unsigned char *p, size_t len, size_t *used) {
  size_t at = 0;
  uint64_t judged, n;
  if (len < 16)
    return TC_ERR_FORMAT;
  memcpy(&judged, p, 8);
  memcpy(&n, p + 8, 8);
  at = 16;
  r[0]->judged += judged;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t key;
    int64_t qt, last_t;
    uint32_t nt;
    if (len - at < 28)
      return TC_ERR_FORMAT;
    memcpy(&key, p + at, 8);
    memcpy(&qt, p + at + 8, 8);
    memcpy(&last_t, p + at + 16, 8);
    memcpy(&nt, p + at + 24, 4);
    at += 28;
    if (key == 0 || nt == 0 || nt > (len - at) / sizeof(close_time))
      return TC_ERR_FORMAT;
    tc_runs *x = r[tc_runs_shard(key, nshards)];
    if (2 * (x->live + 1) > x->tcap)
      TC_TRY(table_grow(x));
    size_t h = table_find(x, key);
    if (x->table[h].slot1)
      return TC_ERR_FORMAT; /* the same pair twice */
    uint32_t slot;
    TC_TRY(slot_new(x, key, h, &slot));
    TC_TRY(arrival_push(x, qt, slot));
    for (uint32_t k = 0; k < nt; k++) {
      close_time ct;
      memcpy(&ct, p + at, sizeof ct);
      at += sizeof ct;
      TC_TRY(cand_push(x, &x->c[slot], &ct));
    }
    if (x->c[slot].last_t != last_t)
      return TC_ERR_FORMAT;
  }
  *used = at;
  return TC_OK;
}
