/* trajcorr: git-style front end. Dispatches to host/cli/cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "host/cli/commands.h"

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} command;

/* One line per subcommand; each lives in its own host/cli/cmd_NAME.c. */
static const command commands[] = {
    /* COMMAND TABLE: add one line when host/cli/cmd_NAME.c exists */
    {"version", NULL, "print the version"},
    {"import", cmd_import, "add AIS files (CSV, NMEA, .gz, stdin) to an HDF5 track store"},
    {"encounters", cmd_encounters, "find vessel encounters (spec/encounters.md) in a track store"},
    {"events", cmd_events, "loitering, AIS gaps and dark rendezvous (spec/events.md) in a track store"},
    {"network", cmd_network, "who meets whom: encounters and dark rendezvous as a graph (GraphML, GEXF, CSV)"},
    {"info", cmd_info, "rows, vessels, time range, buckets and sources of a track store"},
    {"devices", cmd_devices, "list OpenCL platforms and devices (--json, --build)"},
    {"bench", cmd_bench, "time the pipeline, backends, store reads and the numpy peer"},
    {"generate", cmd_generate, "deterministic synthetic AIS traffic with planted meetings and truth"},
    {"anchorages", cmd_anchorages, "places where many vessels stay stationary (CSV for --ports)"},
    {"report", cmd_report, "one self-contained HTML page of ranked encounters for analysts"},
};

static void usage(FILE *f) {
  fprintf(f, "usage: trajcorr COMMAND [options]   (trajcorr COMMAND --help for details)\n\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
    printf("trajcorr %s (%s)\n", TRAJCORR_VERSION, TRAJCORR_BUILD_TYPE);
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (commands[i].run && !strcmp(argv[1], commands[i].name))
      return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "trajcorr: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
