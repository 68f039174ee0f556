#include "host/cli/opts.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/timeparse.h"

/* ---- units --------------------------------------------------------------------- */

typedef struct {
  const char *name;
  double factor; /* in the kind's base unit: metres, knots, seconds */
} unit_def;

static const unit_def distance_units[] = {{"m", 1}, {"km", 1000}, {"nmi", 1852}, {NULL, 0}};
static const unit_def speed_units[] = {{"kn", 1}, {"m/s", 3600.0 / 1852.0}, {"km/h", 1000.0 / 1852.0},
                                       {NULL, 0}};
/* "m" is minutes here (a duration has no metres) and "w" weeks: older command lines use both. */
static const unit_def duration_units[] = {{"s", 1}, {"min", 60}, {"m", 60},       {"h", 3600},
                                          {"d", 86400}, {"w", 7 * 86400}, {NULL, 0}};

static const unit_def *find_unit(const unit_def *u, const char *name) {
  for (; u->name; u++)
    if (!strcmp(u->name, name))
      return u;
  return NULL;
}

/* A number, then optionally a unit of the table; the result in `unit`. */
static int parse_with_unit(const char *s, const unit_def *table, const char *unit, double *out) {
  const unit_def *to = find_unit(table, unit);
  if (!to || !*s || *s == ' ')
    return 0;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno || !isfinite(v) || isalpha((unsigned char)s[0]))
    return 0; /* strtod would take "inf" and "nan" */
  const unit_def *from = *end ? find_unit(table, end) : to;
  if (!from)
    return 0;
  *out = v * from->factor / to->factor;
  return isfinite(*out);
}

int tc_parse_distance(const char *s, const char *unit, double *out) {
  return parse_with_unit(s, distance_units, unit ? unit : "m", out);
}
int tc_parse_speed(const char *s, const char *unit, double *out) {
  return parse_with_unit(s, speed_units, unit ? unit : "kn", out);
}
int tc_parse_duration(const char *s, const char *unit, double *out) {
  return parse_with_unit(s, duration_units, unit ? unit : "s", out);
}

static int parse_size(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  if (!isdigit((unsigned char)*s) && *s != '.')
    return 0;
  double v = strtod(s, &end);
  if (end == s || errno || !(v >= 0) || !isfinite(v))
    return 0;
  double mul = 1;
  if (*end) {
    switch (*end) {
    case 'k': case 'K': mul = 1024.0; break;
    case 'm': case 'M': mul = 1024.0 * 1024; break;
    case 'g': case 'G': mul = 1024.0 * 1024 * 1024; break;
    case 't': case 'T': mul = 1024.0 * 1024 * 1024 * 1024; break;
    default: return 0;
    }
    if (end[1] && strcmp(end + 1, "B") && strcmp(end + 1, "iB"))
      return 0;
  }
  if (v * mul >= 18446744073709551615.0)
    return 0;
  *out = (uint64_t)(v * mul);
  return 1;
}

/* Optimal string alignment: insertions, deletions, substitutions and swaps of two
 * neighbours ("bukcet" is one edit from "bucket"). */
int tc_cli_edit_distance(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  if (n > 64 || m > 64)
    return 99;
  int d[65][65];
  for (size_t i = 0; i <= n; i++)
    d[i][0] = (int)i;
  for (size_t j = 0; j <= m; j++)
    d[0][j] = (int)j;
  for (size_t i = 1; i <= n; i++)
    for (size_t j = 1; j <= m; j++) {
      int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      if (d[i - 1][j] + 1 < best)
        best = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < best)
        best = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  return d[n][m] > 99 ? 99 : d[n][m];
}

/* ---- the table ------------------------------------------------------------------- */

typedef struct {
  const tc_opt *opt;
  const tc_opt_group *group;
} found;

static found find_long(const tc_cli_spec *s, const char *name, size_t len) {
  for (size_t g = 0; g < s->ngroups; g++)
    for (size_t i = 0; i < s->groups[g].nopts; i++) {
      const tc_opt *o = &s->groups[g].opts[i];
      if (strlen(o->name) == len && !strncmp(o->name, name, len))
        return (found){o, &s->groups[g]};
    }
  return (found){NULL, NULL};
}

static found find_short(const tc_cli_spec *s, char c) {
  for (size_t g = 0; g < s->ngroups; g++)
    for (size_t i = 0; i < s->groups[g].nopts; i++)
      if (s->groups[g].opts[i].short_name == c)
        return (found){&s->groups[g].opts[i], &s->groups[g]};
  return (found){NULL, NULL};
}

/* The closest long option (or choice) to a mistyped one, when it is close. */
static const char *nearest(const char *typed, const char *const *cands, size_t n) {
  const char *best = NULL;
  int bd = 99;
  for (size_t i = 0; i < n; i++) {
    int d = tc_cli_edit_distance(typed, cands[i]);
    size_t tl = strlen(typed);
    if (tl >= 3 && !strncmp(cands[i], typed, tl))
      d = d < 1 ? d : 1; /* a prefix of one option */
    if (d < bd)
      bd = d, best = cands[i];
  }
  size_t len = strlen(typed);
  return bd <= (len > 6 ? 2 : 1) + (len > 12) ? best : NULL;
}

static const char *nearest_option(const tc_cli_spec *s, const char *typed) {
  const char *names[256];
  size_t n = 0;
  names[n++] = "help";
  for (size_t g = 0; g < s->ngroups; g++)
    for (size_t i = 0; i < s->groups[g].nopts && n < 256; i++)
      if (!s->groups[g].opts[i].hidden)
        names[n++] = s->groups[g].opts[i].name;
  return nearest(typed, names, n);
}

/* Index of v in "a|b|c", or -1. */
static int choice_index(const char *choices, const char *v) {
  int k = 0;
  size_t n = strlen(v);
  for (const char *p = choices; p; k++) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == n && !strncmp(p, v, n))
      return k;
    p = bar ? bar + 1 : NULL;
  }
  return -1;
}

static const char *nearest_choice(const char *choices, const char *typed, char *buf, size_t cap) {
  char copy[512];
  const char *c[32];
  size_t n = 0;
  snprintf(copy, sizeof copy, "%s", choices);
  for (char *t = strtok(copy, "|"); t && n < 32; t = strtok(NULL, "|"))
    c[n++] = t;
  const char *b = nearest(typed, c, n);
  if (!b)
    return NULL;
  snprintf(buf, cap, "%s", b);
  return buf;
}

static int list_push(tc_strlist *l, const char *v) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 8;
    const char **nv = realloc(l->v, cap * sizeof *nv);
    if (!nv)
      return 0;
    l->v = nv;
    l->cap = cap;
  }
  l->v[l->n++] = v;
  return 1;
}

static void store_int(void *p, size_t size, long long v) {
  if (size == sizeof(int)) {
    int x = (int)v;
    memcpy(p, &x, sizeof x);
  } else {
    int64_t x = (int64_t)v;
    memcpy(p, &x, sizeof x);
  }
}

static const char *kind_noun(tc_opt_kind k) {
  switch (k) {
  case TC_OPT_INT: return "not a whole number";
  case TC_OPT_DOUBLE: return "not a number";
  case TC_OPT_DISTANCE: return "not a distance (use m, km or nmi)";
  case TC_OPT_SPEED: return "not a speed (use kn, m/s or km/h)";
  case TC_OPT_DURATION:
  case TC_OPT_DURATION_F: return "not a duration (use s, min, h or d)";
  case TC_OPT_TIME: return "not a time (ISO 8601 UTC such as 2024-01-01T00:00:00Z, or Unix seconds)";
  case TC_OPT_SIZE: return "not a size (such as 65536, 512k, 256M, 1G)";
  default: return "not a valid value";
  }
}

/* Sets one option from its text; 0 with msg filled on a bad value. */
static int set_value(const tc_opt *o, const char *v, void *dest, char *msg, size_t cap) {
  void *p = (char *)dest + o->off;
  int ranged = o->min < o->max;
  double d = 0;
  switch (o->kind) {
  case TC_OPT_FLAG: {
    int one = 1;
    memcpy(p, &one, sizeof one);
    return 1;
  }
  case TC_OPT_STRING:
    memcpy(p, &v, sizeof v);
    return 1;
  case TC_OPT_LIST:
    if (!list_push((tc_strlist *)p, v)) {
      snprintf(msg, cap, "out of memory");
      return 0;
    }
    return 1;
  case TC_OPT_CHOICE:
  case TC_OPT_ENUM: {
    int k = choice_index(o->choices, v);
    if (k < 0) {
      char buf[64], list[512];
      size_t w = 0;
      for (const char *c = o->choices; *c && w + 3 < sizeof list; c++) {
        if (*c == '|')
          list[w++] = ',', list[w++] = ' ';
        else
          list[w++] = *c;
      }
      list[w] = '\0';
      const char *near = nearest_choice(o->choices, v, buf, sizeof buf);
      snprintf(msg, cap, "'%s': not one of %s%s%s%s", v, list, near ? " (did you mean " : "", near ? near : "",
               near ? "?)" : "");
      return 0;
    }
    if (o->kind == TC_OPT_ENUM)
      memcpy(p, &k, sizeof k);
    else
      memcpy(p, &v, sizeof v);
    return 1;
  }
  case TC_OPT_INT: {
    char *end;
    errno = 0;
    long long x;
    if (*v != '-' && o->size == 8 && !ranged) { /* full 64-bit range (seeds) */
      unsigned long long u = strtoull(v, &end, 10);
      x = (long long)u;
    } else {
      x = strtoll(v, &end, 10);
    }
    if (end == v || *end || errno || !*v || (!isdigit((unsigned char)*v) && *v != '-' && *v != '+')) {
      snprintf(msg, cap, "'%s': %s", v, kind_noun(o->kind));
      return 0;
    }
    if (ranged && ((double)x < o->min || (double)x > o->max)) {
      snprintf(msg, cap, "'%s': out of range (%.0f to %.0f)", v, o->min, o->max);
      return 0;
    }
    if (o->size == sizeof(int) && (x < INT32_MIN || x > INT32_MAX)) {
      snprintf(msg, cap, "'%s': out of range", v);
      return 0;
    }
    store_int(p, o->size, x);
    return 1;
  }
  case TC_OPT_TIME: {
    int64_t t;
    if (!*v || !tc_time_parse(v, strlen(v), &t)) {
      snprintf(msg, cap, "'%s': %s", v, kind_noun(o->kind));
      return 0;
    }
    memcpy(p, &t, sizeof t);
    return 1;
  }
  case TC_OPT_SIZE: {
    uint64_t b;
    if (!parse_size(v, &b)) {
      snprintf(msg, cap, "'%s': %s", v, kind_noun(o->kind));
      return 0;
    }
    if (ranged && ((double)b < o->min || (double)b > o->max)) {
      char lo[32];
      tc_fmt_size((uint64_t)o->min, lo, sizeof lo);
      snprintf(msg, cap, "'%s': out of range (at least %s)", v, lo);
      return 0;
    }
    memcpy(p, &b, sizeof b);
    return 1;
  }
  case TC_OPT_DOUBLE: {
    char *end;
    errno = 0;
    d = strtod(v, &end);
    if (end == v || *end || errno || !isfinite(d) || isalpha((unsigned char)*v)) {
      snprintf(msg, cap, "'%s': %s", v, kind_noun(o->kind));
      return 0;
    }
    break;
  }
  case TC_OPT_DISTANCE:
  case TC_OPT_SPEED:
  case TC_OPT_DURATION:
  case TC_OPT_DURATION_F: {
    int ok = o->kind == TC_OPT_DISTANCE ? tc_parse_distance(v, o->unit, &d)
             : o->kind == TC_OPT_SPEED  ? tc_parse_speed(v, o->unit, &d)
                                        : tc_parse_duration(v, o->kind == TC_OPT_DURATION ? "s" : o->unit, &d);
    if (!ok) {
      snprintf(msg, cap, "'%s': %s", v, kind_noun(o->kind));
      return 0;
    }
    if (d < 0) {
      snprintf(msg, cap, "'%s': must not be negative", v);
      return 0;
    }
    if (o->kind == TC_OPT_DURATION && (fabs(d - nearbyint(d)) > 1e-6 || d > 9e15)) {
      snprintf(msg, cap, "'%s': not a whole number of seconds", v);
      return 0;
    }
    break;
  }
  }
  /* the doubles and durations */
  const char *u = o->kind == TC_OPT_DURATION ? "s" : o->unit ? o->unit : "";
  if (ranged && (d < o->min || d > o->max)) {
    snprintf(msg, cap, "'%s': out of range (%g%s%s to %g%s%s)", v, o->min, *u ? " " : "", u, o->max,
             *u ? " " : "", u);
    return 0;
  }
  if (o->kind == TC_OPT_DURATION) {
    int64_t s = (int64_t)nearbyint(d);
    memcpy(p, &s, sizeof s);
  } else {
    memcpy(p, &d, sizeof d);
  }
  return 1;
}

/* ---- parsing --------------------------------------------------------------------- */


void tc_cli_free(const tc_cli_spec *s, void *dest) {
  for (size_t g = 0; g < s->ngroups; g++)
    for (size_t i = 0; i < s->groups[g].nopts; i++)
      if (s->groups[g].opts[i].kind == TC_OPT_LIST) {
        tc_strlist *l = (tc_strlist *)((char *)dest + s->groups[g].opts[i].off);
        free(l->v);
        memset(l, 0, sizeof *l);
      }
  for (size_t i = 0; i < s->nargs; i++)
    if (s->args[i].kind == TC_OPT_LIST) {
      tc_strlist *l = (tc_strlist *)((char *)dest + s->args[i].off);
      free(l->v);
      memset(l, 0, sizeof *l);
    }
}

static int usage_error(const tc_cli_spec *s, void *dest, FILE *ef) {
  if (ef) {
    tc_cli_usage_line(s, ef);
    fprintf(ef, "(trajcorr %s --help lists the options)\n", s->name);
  }
  tc_cli_free(s, dest);
  return 2;
}

/* v is NULL when the command line ended before the option's value. */
static int set_option(const tc_cli_spec *s, found f, const char *shown, const char *v, void *dest, FILE *ef) {
  char msg[768];
  if (!v) {
    if (ef)
      fprintf(ef, "trajcorr %s: %s needs a value (%s)\n", s->name, shown, tc_opt_metavar(f.opt));
    return 0;
  }
  if (!set_value(f.opt, v, dest, msg, sizeof msg)) {
    if (ef)
      fprintf(ef, "trajcorr %s: %s %s\n", s->name, shown, msg);
    return 0;
  }
  if (f.group->has_given) {
    int one = 1;
    memcpy((char *)dest + f.group->given_off, &one, sizeof one);
  }
  return 1;
}

int tc_cli_parse_to(const tc_cli_spec *s, int argc, char **argv, void *dest, FILE *ef) {
  memset(dest, 0, s->dest_size);
  if (s->init)
    s->init(dest);
  size_t argi = 0;
  int only_args = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!only_args && !strcmp(a, "--")) {
      only_args = 1;
      continue;
    }
    if (!only_args && a[0] == '-' && a[1] == '-') {
      const char *name = a + 2, *eq = strchr(name, '=');
      size_t len = eq ? (size_t)(eq - name) : strlen(name);
      char shown[80];
      snprintf(shown, sizeof shown, "--%.*s", (int)(len < 64 ? len : 64), name);
      if (!eq && (!strcmp(name, "help") || !strcmp(name, "man"))) {
        if (name[0] == 'h')
          tc_cli_help(s, dest, stdout);
        else
          tc_cli_man(s, dest, stdout);
        tc_cli_free(s, dest);
        return 0;
      }
      found f = find_long(s, name, len);
      if (!f.opt) {
        char typed[80];
        snprintf(typed, sizeof typed, "%.*s", (int)(len < 64 ? len : 64), name);
        const char *near = nearest_option(s, typed);
        if (ef)
          fprintf(ef, "trajcorr %s: unknown option '%s'%s%s%s\n", s->name, shown, near ? " (did you mean --" : "",
                  near ? near : "", near ? "?)" : "");
        return usage_error(s, dest, ef);
      }
      if (f.opt->kind == TC_OPT_FLAG) {
        if (eq) {
          if (ef)
            fprintf(ef, "trajcorr %s: %s takes no value\n", s->name, shown);
          return usage_error(s, dest, ef);
        }
        set_option(s, f, shown, "", dest, ef);
        continue;
      }
      const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
      if (!set_option(s, f, shown, v, dest, ef))
        return usage_error(s, dest, ef);
      continue;
    }
    if (!only_args && a[0] == '-' && a[1]) { /* -x, -xVALUE, -x VALUE, -qf */
      for (const char *p = a + 1; *p; p++) {
        char shown[8] = {'-', *p, 0};
        if (*p == 'h') {
          tc_cli_help(s, dest, stdout);
          tc_cli_free(s, dest);
          return 0;
        }
        found f = find_short(s, *p);
        if (!f.opt) {
          if (ef)
            fprintf(ef, "trajcorr %s: unknown option '-%c'%s\n", s->name, isprint((unsigned char)*p) ? *p : '?',
                    isdigit((unsigned char)*p) ? " (a negative number must follow an option)" : "");
          return usage_error(s, dest, ef);
        }
        if (f.opt->kind == TC_OPT_FLAG) {
          set_option(s, f, shown, "", dest, ef);
          continue;
        }
        const char *v = p[1] ? p + 1 : i + 1 < argc ? argv[++i] : NULL;
        if (!set_option(s, f, shown, v, dest, ef))
          return usage_error(s, dest, ef);
        break;
      }
      continue;
    }
    /* an argument */
    if (argi >= s->nargs) {
      if (ef)
        fprintf(ef, "trajcorr %s: unexpected argument '%s'\n", s->name, a);
      return usage_error(s, dest, ef);
    }
    const tc_opt *ar = &s->args[argi];
    void *p = (char *)dest + ar->off;
    if (ar->kind == TC_OPT_LIST) {
      if (!list_push((tc_strlist *)p, a)) {
        if (ef)
          fprintf(ef, "trajcorr %s: out of memory\n", s->name);
        tc_cli_free(s, dest);
        return 1;
      }
    } else {
      memcpy(p, &a, sizeof a);
      argi++;
    }
  }
  for (size_t k = argi; k < s->nargs; k++) {
    const tc_opt *ar = &s->args[k];
    int have = ar->kind == TC_OPT_LIST && ((tc_strlist *)((char *)dest + ar->off))->n > 0;
    if (!have && !ar->optional) {
      if (ef)
        fprintf(ef, "trajcorr %s: missing %s\n", s->name, ar->name);
      return usage_error(s, dest, ef);
    }
  }
  const char *po = getenv("TRAJCORR_PARSE_ONLY");
  if (po && !strcmp(po, "1")) {
    tc_cli_free(s, dest);
    return 0;
  }
  return TC_CLI_RUN;
}

int tc_cli_parse(const tc_cli_spec *s, int argc, char **argv, void *dest) {
  return tc_cli_parse_to(s, argc, argv, dest, stderr);
}

