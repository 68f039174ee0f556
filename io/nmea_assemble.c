/* Multi-sentence AIS reassembly with a small fixed table of open groups. */
#include "io/nmea_assemble.h"

#include <stdlib.h>
#include <string.h>

#define TC_ASM_MAX_CHARS (TC_AIS_MAX_BITS / 6)

typedef struct {
  int used;
  int by_group;          /* key is the tag-block group */
  uint32_t gid;
  unsigned total, next;  /* fragments expected, next fragment number */
  int seq_id;
  char channel;
  int own;
  uint64_t born;         /* assembler clock at the first fragment */
  uint64_t lineno;
  tc_nmea_times times;
  size_t nchars;
  char chars[TC_ASM_MAX_CHARS];
} tc_asm_slot;

struct tc_nmea_asm {
  size_t nslots;
  uint64_t max_age, clock;
  tc_asm_drop_fn on_drop;
  void *ctx;
  size_t open;
  tc_asm_slot *slots;
};

tc_status tc_nmea_asm_create(size_t max_groups, uint64_t max_age, tc_asm_drop_fn on_drop, void *ctx,
                             tc_nmea_asm **out, tc_err *err) {
  *out = NULL;
  if (max_groups == 0 || max_groups > 4096)
    return tc_fail(err, TC_ERR_ARG, "NMEA reassembly: %zu open groups asked, 1..4096 allowed", max_groups);
  tc_nmea_asm *a = calloc(1, sizeof *a);
  if (!a)
    return tc_fail(err, TC_ERR_NOMEM, "NMEA reassembly: out of memory");
  a->slots = calloc(max_groups, sizeof *a->slots);
  if (!a->slots) {
    free(a);
    return tc_fail(err, TC_ERR_NOMEM, "NMEA reassembly: out of memory for %zu groups", max_groups);
  }
  a->nslots = max_groups;
  a->max_age = max_age;
  a->on_drop = on_drop;
  a->ctx = ctx;
  *out = a;
  return TC_OK;
}

void tc_nmea_asm_free(tc_nmea_asm *a) {
  if (!a)
    return;
  free(a->slots);
  free(a);
}

size_t tc_nmea_asm_open_groups(const tc_nmea_asm *a) { return a->open; }

static void drop(tc_nmea_asm *a, tc_asm_slot *sl) {
  if (a->on_drop)
    a->on_drop(a->ctx, sl->lineno, sl->next - 1, sl->total);
  sl->used = 0;
  a->open--;
}

static void release(tc_nmea_asm *a, tc_asm_slot *sl) {
  sl->used = 0;
  a->open--;
}

static void merge_times(tc_nmea_times *dst, const tc_nmea_times *src) {
  for (int i = 0; i < TC_NMEA_TSRC_COUNT; i++)
    if (dst->ms[i] == TC_NMEA_NO_TIME)
      dst->ms[i] = src->ms[i];
}

static tc_asm_result armor(tc_nmea_msg *out, const char *chars, size_t n, int fill) {
  tc_ais_bits_clear(&out->bits);
  switch (tc_ais_bits_append(&out->bits, chars, n, fill)) {
  case TC_AIS_BITS_OK:
    return TC_ASM_DONE;
  case TC_AIS_BITS_BAD_CHAR:
    return TC_ASM_BAD_CHAR;
  case TC_AIS_BITS_BAD_FILL:
    return TC_ASM_BAD_FILL;
  default:
    return TC_ASM_TOO_LONG;
  }
}

static int same_key(const tc_asm_slot *sl, int by_group, uint32_t gid, unsigned total, int seq_id,
                    char channel) {
  if (!sl->used || sl->by_group != by_group || sl->total != total)
    return 0;
  return by_group ? sl->gid == gid : sl->seq_id == seq_id && sl->channel == channel;
}

tc_asm_result tc_nmea_asm_add(tc_nmea_asm *a, const tc_nmea_sentence *s, const tc_nmea_times *times,
                              uint64_t lineno, tc_nmea_msg *out) {
  a->clock++;
  int by_group = s->has_group;
  unsigned num = by_group ? s->g_num : s->frag_num;
  unsigned total = by_group ? s->g_total : s->frag_count;
  if (total == 1) {
    out->times = *times;
    out->lineno = lineno;
    out->own = s->own;
    out->nfrag = 1;
    return armor(out, s->payload, s->payload_len, s->fill);
  }
  tc_asm_slot *sl = NULL;
  for (size_t i = 0; i < a->nslots && !sl; i++)
    if (same_key(&a->slots[i], by_group, s->g_id, total, s->seq_id, s->channel))
      sl = &a->slots[i];

  if (num == 1) {
    if (sl)
      drop(a, sl); /* restarted: the earlier group lost a fragment */
    else {
      tc_asm_slot *oldest = NULL;
      for (size_t i = 0; i < a->nslots && !sl; i++) {
        if (!a->slots[i].used)
          sl = &a->slots[i];
        else if (!oldest || a->slots[i].born < oldest->born)
          oldest = &a->slots[i];
      }
      if (!sl) {
        sl = oldest;
        drop(a, sl);
      }
    }
    if (s->payload_len > TC_ASM_MAX_CHARS)
      return TC_ASM_TOO_LONG;
    sl->used = 1;
    a->open++;
    sl->by_group = by_group;
    sl->gid = s->g_id;
    sl->total = total;
    sl->next = 2;
    sl->seq_id = s->seq_id;
    sl->channel = s->channel;
    sl->own = s->own;
    sl->born = a->clock;
    sl->lineno = lineno;
    sl->times = *times;
    sl->nchars = s->payload_len;
    memcpy(sl->chars, s->payload, s->payload_len);
    return TC_ASM_PENDING;
  }

  if (!sl)
    return TC_ASM_ORPHAN;
  if (num != sl->next || a->clock - sl->born > a->max_age) {
    drop(a, sl);
    return TC_ASM_ORPHAN;
  }
  if (s->payload_len > TC_ASM_MAX_CHARS - sl->nchars) {
    release(a, sl);
    return TC_ASM_TOO_LONG;
  }
  memcpy(sl->chars + sl->nchars, s->payload, s->payload_len);
  sl->nchars += s->payload_len;
  merge_times(&sl->times, times);
  sl->next++;
  if (num < total)
    return TC_ASM_PENDING;
  out->times = sl->times;
  out->lineno = sl->lineno;
  out->own = sl->own;
  out->nfrag = total;
  /* only the last fragment's fill counts; earlier fragments must be whole */
  tc_asm_result r = armor(out, sl->chars, sl->nchars, s->fill);
  release(a, sl);
  return r;
}

void tc_nmea_asm_flush(tc_nmea_asm *a) {
  for (size_t i = 0; i < a->nslots; i++)
    if (a->slots[i].used)
      drop(a, &a->slots[i]);
}
