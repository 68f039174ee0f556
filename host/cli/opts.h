/* The command-line grammar of every trajcorr command: a declarative table of options
 * per command (host/cli/specs.c), one parser, and the --help text and man page
 * generated from the same table, so help, man page and parsing cannot disagree.
 *
 * Grammar (docs/cli.md): --name VALUE, --name=VALUE, -x VALUE, -xVALUE, bundled short
 * flags (-qf), "--" ends the options, "-" is an argument (standard input). Options and
 * arguments may come in any order. Distances take m, km, nmi; speeds kn, m/s, km/h;
 * durations s, min (or m), h, d, w; a bare number is in the option's unit.
 *
 * Not getopt_long: it would still need this table for units, defaults, --help and man
 * pages, and it accepts abbreviations ("--dis" for --dist) that break silently when an
 * option is added; what is left of it (splitting "--a=b", clustering "-qo") is 60 lines. */
#ifndef TC_CLI_OPTS_H
#define TC_CLI_OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
  TC_OPT_FLAG,       /* int set to 1 */
  TC_OPT_STRING,     /* const char * (points into argv) */
  TC_OPT_INT,        /* int, long, int64_t or size_t (by .size), range [min, max] */
  TC_OPT_DOUBLE,     /* finite double, range [min, max] */
  TC_OPT_DISTANCE,   /* double in .unit (m, km or nmi) */
  TC_OPT_SPEED,      /* double in .unit (kn, m/s or km/h) */
  TC_OPT_DURATION,   /* int64_t whole seconds */
  TC_OPT_DURATION_F, /* double in .unit (s, min, h or d) */
  TC_OPT_TIME,       /* int64_t Unix seconds: ISO 8601 UTC or Unix seconds */
  TC_OPT_SIZE,       /* size_t / uint64_t bytes: 65536, 512k, 256M, 1G */
  TC_OPT_ENUM,       /* int: index of the value in .choices ("a|b|c") */
  TC_OPT_CHOICE,     /* const char *: one of .choices */
  TC_OPT_LIST        /* tc_strlist: repeatable (or, as an argument, all the rest) */
} tc_opt_kind;

/* Strings given more than once: the parser grows v; tc_cli_free releases it. */
typedef struct {
  const char **v;
  size_t n, cap;
} tc_strlist;

typedef struct {
  const char *name;  /* long name without "--" (argument rows: the shown name, e.g. STORE) */
  char short_name;   /* 0: none */
  tc_opt_kind kind;
  size_t off, size;  /* destination in the command's argument struct: use TC_AT */
  const char *metavar;
  const char *help;
  const char *unit;  /* distance/speed/duration_f: unit of a bare number and of the value */
  double min, max;   /* inclusive range when min < max */
  const char *choices;
  const char *deflt; /* --help's default; NULL: the initial value; "": none shown */
  int optional;      /* argument rows: may be left out */
  int hidden;        /* parsed but not in --help or the man page (test knobs) */
} tc_opt;

#define TC_AT(type, member) .off = offsetof(type, member), .size = sizeof(((type *)0)->member)

typedef struct {
  const char *title; /* NULL: the command's own options */
  const tc_opt *opts;
  size_t nopts;
  int has_given;     /* 1: the int at given_off is set when any option of the group is given */
  size_t given_off;
} tc_opt_group;

typedef struct {
  const char *name;    /* "import" */
  const char *summary; /* one line for `trajcorr --help` and the man page's NAME */
  const char *about;   /* paragraphs for --help and DESCRIPTION */
  const tc_opt *args;  /* the arguments, in order; a LIST row takes all the rest */
  size_t nargs;
  const tc_opt_group *groups;
  size_t ngroups;
  const char *notes;   /* after the options (exit status, examples) */
  void (*extra_help)(FILE *f); /* lists computed at run time (bench suites) */
  size_t dest_size;    /* sizeof the argument struct */
  void (*init)(void *dest); /* library defaults; the parser starts from these */
} tc_cli_spec;

/* tc_cli_parse's result when the command should go on running. */
#define TC_CLI_RUN (-1)

/* Initializes dest (spec->init after zeroing) and parses argv[1..argc) into it. Returns
 * TC_CLI_RUN to go on, or the exit status to return now: 0 after --help or --man (text
 * on stdout) or with TRAJCORR_PARSE_ONLY=1 in the environment (documented for tests:
 * the command stops after parsing), 2 after a usage error (one line on stderr naming
 * the command and the option, then the usage line). On anything but TC_CLI_RUN the
 * lists are already freed. */
int tc_cli_parse(const tc_cli_spec *spec, int argc, char **argv, void *dest);
/* The same, with messages written to err (NULL: discarded) instead of stderr. */
int tc_cli_parse_to(const tc_cli_spec *spec, int argc, char **argv, void *dest, FILE *err);
/* Frees the lists in dest. */
void tc_cli_free(const tc_cli_spec *spec, void *dest);

/* --help, from the table; the defaults shown are dest's values (after init). */
void tc_cli_help(const tc_cli_spec *spec, const void *dest, FILE *f);
/* The man page trajcorr-NAME(1) in roff, from the same table and text. */
void tc_cli_man(const tc_cli_spec *spec, const void *dest, FILE *f);
/* "usage: trajcorr NAME ARGS [options]" */
void tc_cli_usage_line(const tc_cli_spec *spec, FILE *f);

/* Value parsers (1 = parsed; 0 = not a value of that kind). unit: the bare number's. */
int tc_parse_distance(const char *s, const char *unit, double *out);
int tc_parse_speed(const char *s, const char *unit, double *out);
int tc_parse_duration(const char *s, const char *unit, double *out);
/* "FILE", or from the kind ("DIST", "DUR", the choices). */
const char *tc_opt_metavar(const tc_opt *o);
/* 1G, 256M, 512k or bytes: the largest unit that divides v. */
void tc_fmt_size(uint64_t v, char *b, size_t cap);
/* Edit distance (with swaps of neighbours) of two short strings, capped at 99, for
 * "did you mean". */
int tc_cli_edit_distance(const char *a, const char *b);

#endif
