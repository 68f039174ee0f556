/* --help and the man page of a command, from its option table (host/cli/opts.h). */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/cli/opts.h"
#include "io/timefmt.h"

void tc_cli_usage_line(const tc_cli_spec *s, FILE *f) {
  fprintf(f, "usage: trajcorr %s", s->name);
  for (size_t i = 0; i < s->nargs; i++) {
    const tc_opt *a = &s->args[i];
    fprintf(f, " %s%s%s%s", a->optional ? "[" : "", a->name, a->kind == TC_OPT_LIST ? "..." : "",
            a->optional ? "]" : "");
  }
  fprintf(f, " [options]\n");
}

const char *tc_opt_metavar(const tc_opt *o) {
  if (o->metavar)
    return o->metavar;
  switch (o->kind) {
  case TC_OPT_FLAG: return "";
  case TC_OPT_INT: return "N";
  case TC_OPT_DOUBLE: return "X";
  case TC_OPT_DISTANCE: return "DIST";
  case TC_OPT_SPEED: return "SPEED";
  case TC_OPT_DURATION:
  case TC_OPT_DURATION_F: return "DUR";
  case TC_OPT_TIME: return "TIME";
  case TC_OPT_SIZE: return "SIZE";
  case TC_OPT_ENUM:
  case TC_OPT_CHOICE: return o->choices;
  default: return "VALUE";
  }
}

void tc_fmt_size(uint64_t v, char *b, size_t cap) {
  const char *u = "";
  if (v && v % (1ull << 30) == 0)
    v >>= 30, u = "G";
  else if (v && v % (1ull << 20) == 0)
    v >>= 20, u = "M";
  else if (v && v % 1024 == 0)
    v >>= 10, u = "k";
  snprintf(b, cap, "%" PRIu64 "%s", v, u);
}

static const char *choice_at(const char *choices, int k, char *buf, size_t cap) {
  const char *p = choices;
  for (int i = 0; p && i < k; i++) {
    p = strchr(p, '|');
    p = p ? p + 1 : NULL;
  }
  if (!p)
    return "";
  const char *bar = strchr(p, '|');
  size_t len = bar ? (size_t)(bar - p) : strlen(p);
  if (len >= cap)
    len = cap - 1;
  memcpy(buf, p, len);
  buf[len] = '\0';
  return buf;
}

static long long load_int(const void *p, size_t size) {
  if (size == sizeof(int)) {
    int x;
    memcpy(&x, p, sizeof x);
    return x;
  }
  int64_t x;
  memcpy(&x, p, sizeof x);
  return (long long)x;
}

/* ---- help and man page --------------------------------------------------------- */

static void fmt_duration(int64_t s, char *b, size_t cap) {
  if (s && s % 86400 == 0)
    snprintf(b, cap, "%" PRId64 "d", s / 86400);
  else if (s && s % 3600 == 0)
    snprintf(b, cap, "%" PRId64 "h", s / 3600);
  else if (s && s % 60 == 0)
    snprintf(b, cap, "%" PRId64 "min", s / 60);
  else
    snprintf(b, cap, "%" PRId64 "s", s);
}

/* The default shown for o: its deflt text, else dest's value; "" for none. */
static void default_text(const tc_opt *o, const void *dest, char *b, size_t cap) {
  b[0] = '\0';
  if (o->deflt) {
    snprintf(b, cap, "%s", o->deflt);
    return;
  }
  const void *p = (const char *)dest + o->off;
  double d;
  switch (o->kind) {
  case TC_OPT_FLAG:
  case TC_OPT_LIST:
    return;
  case TC_OPT_STRING:
  case TC_OPT_CHOICE: {
    const char *v;
    memcpy(&v, p, sizeof v);
    if (v)
      snprintf(b, cap, "%s", v);
    return;
  }
  case TC_OPT_ENUM: {
    int k;
    memcpy(&k, p, sizeof k);
    choice_at(o->choices, k, b, cap);
    return;
  }
  case TC_OPT_INT:
    snprintf(b, cap, "%lld", load_int(p, o->size));
    return;
  case TC_OPT_TIME: {
    int64_t t;
    memcpy(&t, p, sizeof t);
    if (t != INT64_MIN && t != INT64_MAX && cap >= TC_ISO_LEN)
      tc_time_format_iso(t, b);
    return;
  }
  case TC_OPT_SIZE: {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    tc_fmt_size(v, b, cap);
    return;
  }
  case TC_OPT_DURATION: {
    int64_t v;
    memcpy(&v, p, sizeof v);
    fmt_duration(v, b, cap);
    return;
  }
  case TC_OPT_DOUBLE:
  case TC_OPT_DISTANCE:
  case TC_OPT_SPEED:
  case TC_OPT_DURATION_F:
    memcpy(&d, p, sizeof d);
    snprintf(b, cap, "%g%s%s", d, o->unit && o->kind != TC_OPT_DOUBLE ? " " : "",
             o->unit && o->kind != TC_OPT_DOUBLE ? o->unit : "");
    return;
  }
}

/* Prints text wrapped to 80 columns, continuation lines indented by `indent`. */
static void wrap(FILE *f, const char *text, int col, int indent) {
  const char *p = text;
  while (*p) {
    const char *w = p;
    while (*w && *w != ' ')
      w++;
    int len = (int)(w - p);
    if (col > indent && col + 1 + len > 80) {
      fprintf(f, "\n%*s", indent, "");
      col = indent;
    } else if (col > indent) {
      fputc(' ', f);
      col++;
    }
    fwrite(p, 1, (size_t)len, f);
    col += len;
    p = w;
    while (*p == ' ')
      p++;
  }
  fputc('\n', f);
}

static int uses_units(const tc_cli_spec *s) {
  for (size_t g = 0; g < s->ngroups; g++)
    for (size_t i = 0; i < s->groups[g].nopts; i++) {
      tc_opt_kind k = s->groups[g].opts[i].kind;
      if (k == TC_OPT_DISTANCE || k == TC_OPT_SPEED || k == TC_OPT_DURATION || k == TC_OPT_DURATION_F ||
          k == TC_OPT_TIME)
        return 1;
    }
  return 0;
}

static const char units_text[] =
    "Units: distances m, km or nmi; speeds kn, m/s or km/h; durations s, min, h or d; a bare number is "
    "metres, knots or seconds unless the option says otherwise. Times: ISO 8601 UTC (2024-01-01T00:00:00Z) "
    "or Unix seconds.";

static void option_help_text(const tc_opt *o, const void *dest, char *b, size_t cap) {
  char def[128];
  default_text(o, dest, def, sizeof def);
  char choices[256] = "";
  if ((o->kind == TC_OPT_CHOICE || o->kind == TC_OPT_ENUM) && o->metavar) /* else the metavar shows them */
    snprintf(choices, sizeof choices, " (%s)", o->choices);
  snprintf(b, cap, "%s%s%s%s%s", o->help ? o->help : "", choices, *def ? " [" : "", def, *def ? "]" : "");
}

void tc_cli_help(const tc_cli_spec *s, const void *dest, FILE *f) {
  tc_cli_usage_line(s, f);
  if (s->about)
    fprintf(f, "%s\n", s->about);
  for (size_t g = 0; g < s->ngroups; g++) {
    fprintf(f, "\n%s:\n", s->groups[g].title ? s->groups[g].title : "Options");
    for (size_t i = 0; i < s->groups[g].nopts; i++) {
      const tc_opt *o = &s->groups[g].opts[i];
      if (o->hidden)
        continue;
      char left[160], text[1024];
      const char *mv = tc_opt_metavar(o);
      int n = snprintf(left, sizeof left, "  %c%c%s--%s%s%s", o->short_name ? '-' : ' ',
                       o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name, *mv ? " " : "",
                       mv);
      option_help_text(o, dest, text, sizeof text);
      if (n > 28)
        fprintf(f, "%s\n%30s", left, "");
      else
        fprintf(f, "%-30s", left);
      wrap(f, text, 30, 30);
    }
  }
  fprintf(f, "  -h, --help                  this text\n");
  if (uses_units(s)) {
    fputc('\n', f);
    wrap(f, units_text, 0, 0);
  }
  if (s->notes)
    fprintf(f, "\n%s", s->notes);
  if (s->extra_help)
    s->extra_help(f);
}

/* roff text: backslashes and hyphens escaped, no line starting with a control character. */
static void roff(FILE *f, const char *t) {
  int bol = 1;
  for (; *t; t++) {
    if (bol && (*t == '.' || *t == '\''))
      fputs("\\&", f);
    if (*t == '\\')
      fputs("\\e", f);
    else if (*t == '-')
      fputs("\\-", f);
    else
      fputc(*t, f);
    bol = *t == '\n';
  }
}

static void upper(FILE *f, const char *t) {
  for (; *t; t++)
    fputc(*t >= 'a' && *t <= 'z' ? *t - 32 : *t, f);
}

/* Paragraphs separated by blank lines; lines within one filled. */
static void roff_paragraphs(FILE *f, const char *t) {
  fputs(".PP\n", f);
  for (const char *p = t; *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (len == 0) {
      fputs(".PP\n", f);
    } else {
      char line[1024];
      snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
      if (line[0] == ' ')
        fputs(".br\n", f); /* an indented line is a list item: keep its break */
      roff(f, line);
      fputc('\n', f);
    }
    p += len + (nl != NULL);
  }
}

void tc_cli_man(const tc_cli_spec *s, const void *dest, FILE *f) {
  fputs(".TH \"TRAJCORR-", f);
  upper(f, s->name);
  fprintf(f, "\" \"1\" \"\" \"trajcorr %s\" \"trajcorr manual\"\n.SH NAME\ntrajcorr\\-", TRAJCORR_VERSION);
  roff(f, s->name);
  fputs(" \\- ", f);
  roff(f, s->summary ? s->summary : "");
  fprintf(f, "\n.SH SYNOPSIS\n.B trajcorr %s\n", s->name);
  for (size_t i = 0; i < s->nargs; i++) {
    const tc_opt *a = &s->args[i];
    fprintf(f, "%s\\fI%s\\fR%s%s\n", a->optional ? "[" : "", a->name, a->kind == TC_OPT_LIST ? "..." : "",
            a->optional ? "]" : "");
  }
  fputs("[\\fIoptions\\fR]\n.SH DESCRIPTION\n", f);
  if (s->about)
    roff_paragraphs(f, s->about);
  fputs(".SH OPTIONS\n", f);
  for (size_t g = 0; g < s->ngroups; g++) {
    if (s->groups[g].title) {
      fputs(".SS ", f);
      roff(f, s->groups[g].title);
      fputc('\n', f);
    }
    for (size_t i = 0; i < s->groups[g].nopts; i++) {
      const tc_opt *o = &s->groups[g].opts[i];
      if (o->hidden)
        continue;
      fputs(".TP\n", f);
      if (o->short_name)
        fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
      fputs("\\fB\\-\\-", f);
      roff(f, o->name);
      fputs("\\fR", f);
      if (*tc_opt_metavar(o)) {
        fputs(" \\fI", f);
        roff(f, tc_opt_metavar(o));
        fputs("\\fR", f);
      }
      char text[1024];
      option_help_text(o, dest, text, sizeof text);
      fputc('\n', f);
      roff(f, text);
      fputc('\n', f);
    }
  }
  fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nthis text\n", f);
  if (uses_units(s)) {
    fputs(".SH UNITS\n", f);
    roff(f, units_text);
    fputc('\n', f);
  }
  if (s->notes || s->extra_help) {
    fputs(".SH NOTES\n", f);
    if (s->notes)
      roff_paragraphs(f, s->notes);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = s->extra_help ? open_memstream(&buf, &len) : NULL;
    if (m) {
      s->extra_help(m);
      fclose(m);
      fputs(".PP\n.nf\n", f);
      roff(f, buf);
      fputs(".fi\n", f);
      free(buf);
    }
  }
  fputs(".SH SEE ALSO\n.BR trajcorr (1)\n", f);
}
