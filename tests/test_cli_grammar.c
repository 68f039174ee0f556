/* The command-line grammar (host/cli/opts.c, the tables in host/cli/specs.c;
 * docs/cli.md): forms, units, errors, defaults, every command's --help, and every
 * example command line in README.md and the docs folder, so docs cannot drift from the
 * parser. The parser is compiled in here as it is into the program. */
#include <criterion/criterion.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cli/opts.c"
#include "host/cli/opts_help.c"
#include "host/cli/specs.c"
#include "support/lead_run.h"

/* Parses a command line (words separated by single spaces) for spec; the messages go
 * to msg. Returns the parse result. */
static int parse_line(const tc_cli_spec *s, const char *line, void *dest, char *msg, size_t cap) {
  static char bufs[8][1024]; /* dest keeps pointers into the words: they outlive the call */
  static int k;
  char *buf = bufs[k++ % 8], *argv[64];
  int argc = 0;
  snprintf(buf, sizeof bufs[0], "%s %s", s->name, line);
  for (char *t = strtok(buf, " "); t && argc < 63; t = strtok(NULL, " "))
    argv[argc++] = t;
  argv[argc] = NULL;
  char *text = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&text, &len);
  cr_assert_not_null(m);
  int rc = tc_cli_parse_to(s, argc, argv, dest, m);
  fclose(m);
  snprintf(msg, cap, "%s", text ? text : "");
  free(text);
  return rc;
}

Test(cli_grammar, units_of_distances_speeds_and_durations) {
  double v;
  cr_assert(tc_parse_distance("500", "m", &v) && v == 500);
  cr_assert(tc_parse_distance("500m", "m", &v) && v == 500);
  cr_assert(tc_parse_distance("0.5km", "m", &v) && fabs(v - 500) < 1e-9);
  cr_assert(tc_parse_distance("1nmi", "m", &v) && v == 1852);
  cr_assert(tc_parse_distance("2", "km", &v) && v == 2, "a bare number is in the option's unit");
  cr_assert_not(tc_parse_distance("5xx", "m", &v));
  cr_assert_not(tc_parse_distance("", "m", &v));
  cr_assert_not(tc_parse_distance("inf", "m", &v));
  cr_assert_not(tc_parse_distance("nan", "m", &v));
  cr_assert_not(tc_parse_distance("5 km", "m", &v));
  cr_assert_not(tc_parse_distance("5s", "m", &v), "a duration is not a distance");
  cr_assert(tc_parse_speed("2", "kn", &v) && v == 2);
  cr_assert(tc_parse_speed("2kn", "kn", &v) && v == 2);
  cr_assert(tc_parse_speed("1m/s", "kn", &v) && fabs(v - 3600.0 / 1852.0) < 1e-12);
  cr_assert(tc_parse_speed("1.852km/h", "kn", &v) && fabs(v - 1) < 1e-12);
  cr_assert_not(tc_parse_speed("2m", "kn", &v));
  cr_assert(tc_parse_duration("90min", "s", &v) && v == 5400);
  cr_assert(tc_parse_duration("10m", "s", &v) && v == 600, "m is minutes in a duration");
  cr_assert(tc_parse_duration("1.5h", "s", &v) && v == 5400);
  cr_assert(tc_parse_duration("2d", "s", &v) && v == 172800);
  cr_assert(tc_parse_duration("7200", "s", &v) && v == 7200);
  cr_assert(tc_parse_duration("36h", "d", &v) && v == 1.5);
  cr_assert_not(tc_parse_duration("2 h", "s", &v));
  cr_assert_not(tc_parse_duration("2hours", "s", &v));
  cr_assert_eq(tc_cli_edit_distance("bukcet", "bucket"), 1);
  cr_assert_eq(tc_cli_edit_distance("dist", "dist"), 0);
  cr_assert_eq(tc_cli_edit_distance("", "abc"), 3);
}

Test(cli_grammar, every_form_of_an_option) {
  tc_encounters_args a;
  char msg[2048];
  cr_assert_eq(parse_line(&tc_cli_encounters,
                          "--dist=0.5km --min-duration 90min -t 4 --max-speed 1m/s -qo out.csv s.h5 "
                          "--slot=5min --from 2024-01-01T00:00:00Z --to 1704153600 --backend=openmp "
                          "--ports a.csv --ports=b.csv --device-memory 2G --precision single",
                          &a, msg, sizeof msg),
               TC_CLI_RUN, "%s", msg);
  cr_assert_eq(a.stores.n, 1);
  cr_assert_str_eq(a.stores.v[0], "s.h5");
  cr_assert_str_eq(a.out, "out.csv");
  cr_assert_str_eq(a.backend, "openmp");
  cr_assert_eq(a.p.dist_m, 500);
  cr_assert_eq(a.p.min_duration, 5400);
  cr_assert_eq(a.p.slot, 300);
  cr_assert_eq(a.p.threads, 4);
  cr_assert(fabs(a.p.max_speed_kn - 1.9438444924) < 1e-9);
  cr_assert_eq(a.p.from, 1704067200);
  cr_assert_eq(a.p.to, 1704153600);
  cr_assert_eq(a.p.single_precision, 1);
  cr_assert_eq(a.cfg.device_memory, 2ull << 30);
  cr_assert_eq(a.quiet, 1);
  cr_assert_eq(a.out_opts.ports.n, 2);
  cr_assert_str_eq(a.out_opts.ports.v[1], "b.csv");
  cr_assert(a.out_opts.given, "an output option was given");
  tc_cli_free(&tc_cli_encounters, &a);

  cr_assert_eq(parse_line(&tc_cli_encounters, "-t4 -- -odd.h5", &a, msg, sizeof msg), TC_CLI_RUN, "%s", msg);
  cr_assert_str_eq(a.stores.v[0], "-odd.h5", "after --, everything is an argument");
  cr_assert_eq(a.p.threads, 4);
  cr_assert_not(a.out_opts.given);
  tc_cli_free(&tc_cli_encounters, &a);

  /* STORE...: every argument, in the order given, options between them */
  cr_assert_eq(parse_line(&tc_cli_encounters, "b.h5 -q a.h5 --dist 300 c.h5", &a, msg, sizeof msg), TC_CLI_RUN,
               "%s", msg);
  cr_assert_eq(a.stores.n, 3);
  cr_assert_str_eq(a.stores.v[0], "b.h5");
  cr_assert_str_eq(a.stores.v[1], "a.h5");
  cr_assert_str_eq(a.stores.v[2], "c.h5");
  cr_assert_eq(a.p.dist_m, 300);
  tc_cli_free(&tc_cli_encounters, &a);

  tc_import_args im;
  cr_assert_eq(parse_line(&tc_cli_import, "--bucket=1h s.h5 a.csv - --memory 256M b.nmea", &im, msg, sizeof msg),
               TC_CLI_RUN, "%s", msg);
  cr_assert_eq(im.o.bucket_s, 3600);
  cr_assert_eq(im.o.memory_bytes, 256u << 20);
  cr_assert_eq(im.files.n, 3);
  cr_assert_str_eq(im.files.v[1], "-", "'-' (standard input) is an argument");
  tc_cli_free(&tc_cli_import, &im);
}

/* Without options, every spec parameter is the spec's default (tc_params_default), so
 * the defaults --help prints are the ones used. */
Test(cli_grammar, table_defaults_are_the_library_defaults) {
  tc_encounters_args a;
  char msg[1024];
  cr_assert_eq(parse_line(&tc_cli_encounters, "s.h5", &a, msg, sizeof msg), TC_CLI_RUN);
  tc_params p;
  memset(&p, 0, sizeof p); /* padding zeroed as in the parsed struct: memcmp sees it */
  tc_params_default(&p);
  cr_assert_eq(memcmp(&a.p, &p, sizeof p), 0);
  cr_assert_str_eq(a.out, "-");
  cr_assert_eq(a.out_opts.o.sort_score, 0, "encounters: the spec's time order");
  tc_cli_free(&tc_cli_encounters, &a);
  tc_report_args r;
  cr_assert_eq(parse_line(&tc_cli_report, "s.h5", &r, msg, sizeof msg), TC_CLI_RUN);
  cr_assert_eq(r.out_opts.o.sort_score, 1, "report: best first");
  cr_assert_eq(r.inputs.n, 1);
  tc_cli_free(&tc_cli_report, &r);
  cr_assert_eq(parse_line(&tc_cli_report, "a.h5 b.h5 list.csv", &r, msg, sizeof msg), TC_CLI_RUN);
  cr_assert_eq(r.inputs.n, 3, "STORE... [ENCOUNTERS.csv]: one list, split by the command");
  tc_cli_free(&tc_cli_report, &r);
  cr_assert_eq(parse_line(&tc_cli_report, "s.h5 --sort time", &r, msg, sizeof msg), TC_CLI_RUN);
  cr_assert_eq(r.out_opts.o.sort_score, 0);
  tc_cli_free(&tc_cli_report, &r);
}

/* events and network: the spec/events.md and spec/encounters.md defaults, units on
 * their parameters. */
Test(cli_grammar, events_and_network_defaults_and_units) {
  char msg[1024];
  tc_events_args a;
  cr_assert_eq(parse_line(&tc_cli_events, "s.h5 -o P", &a, msg, sizeof msg), TC_CLI_RUN, "%s", msg);
  tc_params p;
  tc_event_params e;
  memset(&p, 0, sizeof p); /* padding zeroed as in the parsed struct: memcmp sees it */
  memset(&e, 0, sizeof e);
  tc_params_default(&p);
  tc_event_params_default(&e);
  cr_assert_eq(memcmp(&a.p, &p, sizeof p), 0);
  cr_assert_eq(memcmp(&a.e, &e, sizeof e), 0);
  cr_assert_str_eq(a.kinds, "loitering,gaps,dark");
  cr_assert_eq(a.port_radius, 4000.0);
  cr_assert_eq(a.ports.n, 0);
  tc_cli_free(&tc_cli_events, &a);
  cr_assert_eq(parse_line(&tc_cli_events,
                          "s.h5 -o P --coverage-radius 27nmi --dark-max-speed 10km/h --min-gap 6h --dark-dwell 90min "
                          "--loiter-speed 1.5 --dark-min-coverage 0 --ports a.csv --ports b.csv --format kml -t 3",
                          &a, msg, sizeof msg),
               TC_CLI_RUN, "%s", msg);
  cr_assert_float_eq(a.e.coverage_radius_m, 27 * 1852.0, 1e-9);
  cr_assert_float_eq(a.e.dark_max_speed_kn, 10000.0 / 1852.0, 1e-9);
  cr_assert_eq(a.e.min_gap, 6 * 3600);
  cr_assert_eq(a.e.dark_dwell, 90 * 60);
  cr_assert_eq(a.e.loiter_speed_kn, 1.5);
  cr_assert_eq(a.e.dark_min_coverage, 0.0);
  cr_assert_eq(a.ports.n, 2);
  cr_assert_eq(a.format, 2, "kml");
  cr_assert_eq(a.p.threads, 3);
  tc_cli_free(&tc_cli_events, &a);
  tc_network_args n;
  cr_assert_eq(parse_line(&tc_cli_network, "s.h5 -o g.graphml", &n, msg, sizeof msg), TC_CLI_RUN, "%s", msg);
  cr_assert_eq(memcmp(&n.p, &p, sizeof p), 0);
  cr_assert_eq(n.e.dark_min_gap, e.dark_min_gap);
  cr_assert_eq(n.e.kinds, (unsigned)TC_EV_DARK);
  cr_assert_eq(n.chain_window, 30 * 86400);
  cr_assert_eq(n.max_chains, 10000);
  tc_cli_free(&tc_cli_network, &n);
  cr_assert_eq(parse_line(&tc_cli_network, "s.h5 -o g.csv --dist 1km --chain-window 2d --from 2024-01-01", &n, msg,
                          sizeof msg),
               TC_CLI_RUN, "%s", msg);
  cr_assert_eq(n.p.dist_m, 1000.0);
  cr_assert_eq(n.chain_window, 2 * 86400);
  cr_assert_eq(n.from, 1704067200);
  tc_cli_free(&tc_cli_network, &n);
  tc_encounters_args en;
  cr_assert_eq(parse_line(&tc_cli_encounters, "s.h5 --with-events ev", &en, msg, sizeof msg), TC_CLI_RUN, "%s", msg);
  cr_assert_str_eq(en.with_events, "ev");
  tc_cli_free(&tc_cli_encounters, &en);
}

static void expect_error(const tc_cli_spec *s, const char *line, const char *first_line) {
  _Alignas(16) char dest[4096];
  char msg[2048];
  cr_assert_leq(s->dest_size, sizeof dest);
  int rc = parse_line(s, line, dest, msg, sizeof msg);
  cr_assert_eq(rc, 2, "%s %s: rc %d", s->name, line, rc);
  char want[1024];
  snprintf(want, sizeof want, "%s\nusage: trajcorr %s ", first_line, s->name);
  cr_assert(!strncmp(msg, want, strlen(want)), "%s %s:\n%s\nwanted:\n%s", s->name, line, msg, want);
}

Test(cli_grammar, usage_errors_name_the_command_and_the_option) {
  expect_error(&tc_cli_import, "--bukcet 1h s.h5 a.csv",
               "trajcorr import: unknown option '--bukcet' (did you mean --bucket?)");
  expect_error(&tc_cli_encounters, "--dist 5xx s.h5", "trajcorr encounters: --dist '5xx': not a distance (use m, km or nmi)");
  expect_error(&tc_cli_info, "s.h5 x", "trajcorr info: unexpected argument 'x'");
  expect_error(&tc_cli_info, "", "trajcorr info: missing STORE");
  expect_error(&tc_cli_import, "--recode", "trajcorr import: missing STORE"); /* FILE: cmd_import */
  expect_error(&tc_cli_encounters, "-q", "trajcorr encounters: missing STORE");
  expect_error(&tc_cli_encounters, "--min-duration 2hours s.h5",
               "trajcorr encounters: --min-duration '2hours': not a duration (use s, min, h or d)");
  expect_error(&tc_cli_encounters, "--max-speed 2mph s.h5",
               "trajcorr encounters: --max-speed '2mph': not a speed (use kn, m/s or km/h)");
  expect_error(&tc_cli_encounters, "--slot 0.5 s.h5", "trajcorr encounters: --slot '0.5': not a whole number of seconds");
  expect_error(&tc_cli_encounters, "--dist -5 s.h5", "trajcorr encounters: --dist '-5': must not be negative");
  expect_error(&tc_cli_encounters, "s.h5 --backend opencll",
               "trajcorr encounters: --backend 'opencll': not one of auto, openmp, allpairs, opencl, "
               "opencl-allpairs (did you mean opencl?)");
  expect_error(&tc_cli_encounters, "s.h5 -t 0", "trajcorr encounters: -t '0': out of range (1 to 4096)");
  expect_error(&tc_cli_encounters, "s.h5 -t", "trajcorr encounters: -t needs a value (N)");
  expect_error(&tc_cli_encounters, "s.h5 -x", "trajcorr encounters: unknown option '-x'");
  expect_error(&tc_cli_encounters, "s.h5 --quiet=yes", "trajcorr encounters: --quiet takes no value");
  expect_error(&tc_cli_encounters, "s.h5 --from yesterday",
               "trajcorr encounters: --from 'yesterday': not a time (ISO 8601 UTC such as 2024-01-01T00:00:00Z, "
               "or Unix seconds)");
  expect_error(&tc_cli_import, "--deflate 12 s.h5 a.csv", "trajcorr import: --deflate '12': out of range (0 to 9)");
  expect_error(&tc_cli_import, "--memory 12 s.h5 a.csv", "trajcorr import: --memory '12': out of range (at least 1M)");
  expect_error(&tc_cli_generate, "--days 0.1 -o x.csv", "trajcorr generate: --days '0.1': out of range (0.5 d to 3660 d)");
  expect_error(&tc_cli_devices, "--jsno", "trajcorr devices: unknown option '--jsno' (did you mean --json?)");
  expect_error(&tc_cli_bench, "--budget -1", "trajcorr bench: --budget '-1': must not be negative");
  expect_error(&tc_cli_report, "-q", "trajcorr report: missing STORE");
  expect_error(&tc_cli_anchorages, "s.h5 --cell 1 furlong", "trajcorr anchorages: unexpected argument 'furlong'");
  /* events takes STORE... (a stray word is one more store), network one STORE */
  expect_error(&tc_cli_events, "s.h5 -o P --coverage-radius 5leagues",
               "trajcorr events: --coverage-radius '5leagues': not a distance (use m, km or nmi)");
  expect_error(&tc_cli_network, "s.h5 -o P.csv --coverage-radius 5 leagues",
               "trajcorr network: unexpected argument 'leagues'");
  expect_error(&tc_cli_events, "s.h5 -o P --dark-max-speed 12knots",
               "trajcorr events: --dark-max-speed '12knots': not a speed (use kn, m/s or km/h)");
  expect_error(&tc_cli_events, "s.h5 -o P --dark-min-coverage 1.5",
               "trajcorr events: --dark-min-coverage '1.5': out of range (0 to 1)");
  expect_error(&tc_cli_events, "s.h5 -o P --format csvv",
               "trajcorr events: --format 'csvv': not one of csv, geojson, kml, hdf5, gpkg, fgb, shp, GPKG, "
               "FlatGeobuf, ESRI Shapefile (did you mean csv?)");
  expect_error(&tc_cli_network, "s.h5 -o g.gexf --chain-window 3weeks",
               "trajcorr network: --chain-window '3weeks': not a duration (use s, min, h or d)");
}

/* A help line per option of the table, "--name" with its short form. */
static void check_help(const tc_cli_spec *s, const char *help) {
  cr_assert(strstr(help, "usage: trajcorr "), "%s: %s", s->name, help);
  for (size_t g = 0; g < s->ngroups; g++)
    for (size_t i = 0; i < s->groups[g].nopts; i++) {
      const tc_opt *o = &s->groups[g].opts[i];
      char want[96];
      if (o->short_name)
        snprintf(want, sizeof want, "-%c, --%s", o->short_name, o->name);
      else
        snprintf(want, sizeof want, "--%s%s", o->name, o->kind == TC_OPT_FLAG ? "" : " ");
      cr_assert(o->hidden ? !strstr(help, want) : strstr(help, want) != NULL, "%s --help: %s %s", s->name,
                o->hidden ? "shows hidden" : "lacks", want);
    }
}

Test(cli_grammar, every_command_help_lists_its_table, .timeout = 60) {
  for (size_t i = 0; i < tc_cli_nspecs; i++) {
    const tc_cli_spec *s = tc_cli_specs[i];
    char cmd[1024], help[32768];
    snprintf(cmd, sizeof cmd, "'%s' %s --help 2>&1", TC_BINARY, s->name);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(help, 1, sizeof help - 1, p);
    help[n] = '\0';
    cr_assert_eq(pclose(p), 0, "%s --help exits 0", s->name);
    cr_assert_gt(n, 100, "%s --help: %s", s->name, help);
    check_help(s, help);
  }
  char dir[512];
  tr_scratch("cli_grammar_man", dir, sizeof dir);
  cr_assert_eq(tr_sh("'%s' --man '%s' && test -s '%s/trajcorr.1' && test -s '%s/trajcorr-encounters.1' && "
                     "grep -q 'max\\\\-implied\\\\-speed' '%s/trajcorr-encounters.1'", TC_BINARY, dir, dir, dir, dir),
               0);
  tr_sh("rm -rf '%s'", dir);
}

/* The report's default order is said once, and it is the one used (score). */
Test(cli_grammar, report_help_tells_its_default_order_once) {
  char *text = NULL;
  size_t len = 0;
  tc_report_args r;
  memset(&r, 0, sizeof r);
  tc_cli_report.init(&r);
  FILE *m = open_memstream(&text, &len);
  tc_cli_help(&tc_cli_report, &r, m);
  fclose(m);
  cr_assert(strstr(text, "--sort time|score"), "%s", text);
  const char *sort = strstr(text, "--sort");
  cr_assert(strstr(sort, "[score]"), "%s", sort);
  cr_assert_null(strstr(text, "default order"), "%s", text);
  cr_assert_null(strstr(text, "(default time)"), "%s", text);
  free(text);
}

/* Every line starting with "trajcorr " (or "build/trajcorr ") inside a ```sh block of
 * README.md and docs/, and every "$tc" line of bench/demo.sh, parses
 * (TRAJCORR_PARSE_ONLY=1 stops each after parsing). */
Test(cli_grammar, documented_examples_parse, .timeout = 120) {
  glob_t g;
  cr_assert_eq(glob(TC_SOURCE_DIR "/docs/*.md", 0, NULL, &g), 0);
  char dir[512];
  tr_scratch("cli_grammar_docs", dir, sizeof dir);
  size_t checked = 0;
  for (size_t f = 0; f <= g.gl_pathc + 1; f++) {
    const char *path = f < g.gl_pathc    ? g.gl_pathv[f]
                       : f == g.gl_pathc ? TC_SOURCE_DIR "/README.md"
                                         : TC_SOURCE_DIR "/bench/demo.sh";
    int script = f > g.gl_pathc; /* the demo: its "$tc" lines, the whole file is shell */
    FILE *in = fopen(path, "r");
    cr_assert_not_null(in, "%s", path);
    char line[2048];
    int in_sh = script, lineno = 0;
    while (fgets(line, sizeof line, in)) {
      lineno++;
      if (script && strncmp(line, "\"$tc\" ", 6))
        continue;
      if (script) {
        char tmp[sizeof line + 16];
        snprintf(tmp, sizeof tmp, "trajcorr %s", line + 6);
        snprintf(line, sizeof line, "%.2040s", tmp);
      }
      if (!script && !strncmp(line, "```", 3)) {
        in_sh = !in_sh && (!strncmp(line, "```sh", 5) || !strncmp(line, "```bash", 7));
        continue;
      }
      const char *l = line + strspn(line, " ");
      if (!strncmp(l, "build/", 6))
        l += 6;
      if (!in_sh || strncmp(l, "trajcorr ", 9))
        continue;
      line[strcspn(line, "\n")] = '\0';
      int rc = tr_sh("cd '%s' && trajcorr() { TRAJCORR_PARSE_ONLY=1 '%s' \"$@\"; } && %s >out.txt 2>&1", dir,
                     TC_BINARY, l);
      char out[1024] = "";
      char op[600];
      snprintf(op, sizeof op, "%s/out.txt", dir);
      FILE *o = fopen(op, "r");
      if (o) {
        size_t n = fread(out, 1, sizeof out - 1, o);
        out[n] = '\0';
        fclose(o);
      }
      cr_expect_eq(rc, 0, "%s:%d does not parse: %s\n%s", path, lineno, l, out);
      cr_expect_str_eq(out, "", "%s:%d printed: %s", path, lineno, out);
      checked++;
    }
    fclose(in);
  }
  globfree(&g);
  cr_assert_geq(checked, 10, "only %zu examples found", checked);
  tr_sh("rm -rf '%s'", dir);
}
