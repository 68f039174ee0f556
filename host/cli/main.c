/* trajcorr: git-style front end. Dispatches to host/cli/cmd_*.c. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cli/commands.h"
#include "host/cli/specs.h"
#include "host/cli/waitpolicy.h"

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const tc_cli_spec *spec; /* options, help, man page: host/cli/specs.c */
} command;

/* One line per subcommand; each lives in its own host/cli/cmd_NAME.c. */
static const command commands[] = {
    /* COMMAND TABLE: add one line when host/cli/cmd_NAME.c exists */
    {"import", cmd_import, &tc_cli_import},
    {"encounters", cmd_encounters, &tc_cli_encounters},
    {"events", cmd_events, &tc_cli_events},
    {"network", cmd_network, &tc_cli_network},
    {"info", cmd_info, &tc_cli_info},
    {"check", cmd_check, &tc_cli_check},
    {"devices", cmd_devices, &tc_cli_devices},
    {"bench", cmd_bench, &tc_cli_bench},
    {"generate", cmd_generate, &tc_cli_generate},
    {"anchorages", cmd_anchorages, &tc_cli_anchorages},
    {"report", cmd_report, &tc_cli_report},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* The version line first (scripts read it), then what a bug report needs: how this
 * binary was built and which HDF5 it runs with (the library's own answer, not the header's). */
static int print_version(void) {
  unsigned maj = 0, min = 0, rel = 0;
  char hdf5[32] = "unknown";
  if (H5get_libversion(&maj, &min, &rel) >= 0)
    snprintf(hdf5, sizeof hdf5, "%u.%u.%u", maj, min, rel);
  printf("trajcorr %s\n", TRAJCORR_VERSION);
  printf("build: %s, OpenMP %s, OpenCL %s, HDF5 %s\n", TRAJCORR_BUILD_TYPE,
#ifdef TRAJCORR_HAVE_OPENMP
         "on",
#else
         "off",
#endif
#ifdef TRAJCORR_HAVE_OPENCL
         "on (kernels embedded)",
#else
         "off",
#endif
         hdf5);
  return 0;
}

static void usage(FILE *f) {
  fprintf(f, "usage: trajcorr COMMAND [options]   (trajcorr COMMAND --help for details)\n\n");
  fprintf(f, "  %-11s %s\n", "version", "print the version (also --version)");
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].spec->summary);
}

/* trajcorr(1): the commands, each with its own page. */
static void man_index(FILE *f) {
  fprintf(f, ".TH \"TRAJCORR\" \"1\" \"\" \"trajcorr %s\" \"trajcorr manual\"\n.SH NAME\n"
             "trajcorr \\- find ships meeting at sea in AIS data\n.SH SYNOPSIS\n.B trajcorr\n"
             "\\fICOMMAND\\fR [\\fIoptions\\fR]\n.br\n.B trajcorr\n\\fICOMMAND\\fR \\fB\\-\\-help\\fR\n"
             ".SH DESCRIPTION\n.PP\ntrajcorr imports AIS positions into an HDF5 track store and finds the "
             "encounters that spec/encounters.md defines.\n.SH COMMANDS\n", TRAJCORR_VERSION);
  fprintf(f, ".TP\n\\fBversion\\fR\nprint the version (also \\fB\\-\\-version\\fR)\n");
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(f, ".TP\n\\fB%s\\fR\n%s (\\fBtrajcorr\\-%s\\fR(1))\n", commands[i].name,
            commands[i].spec->summary, commands[i].name);
  fprintf(f, ".SH SEE ALSO\n");
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(f, ".BR trajcorr\\-%s (1)%s\n", commands[i].name, i + 1 < NCOMMANDS ? "," : "");
}

/* Hidden: trajcorr --man DIR writes trajcorr.1 and trajcorr-COMMAND.1 (the build's man
 * target; docs/cli.md). */
static int write_man_pages(const char *dir) {
  char path[4096];
  for (size_t i = 0; i <= NCOMMANDS; i++) {
    const tc_cli_spec *s = i < NCOMMANDS ? commands[i].spec : NULL;
    snprintf(path, sizeof path, "%s/trajcorr%s%s.1", dir, s ? "-" : "", s ? s->name : "");
    FILE *f = fopen(path, "w");
    void *dest = s ? calloc(1, s->dest_size) : NULL;
    if (!f || (s && !dest)) {
      fprintf(stderr, "trajcorr --man: cannot write %s\n", path);
      if (f)
        fclose(f);
      free(dest);
      return 1;
    }
    if (s) {
      if (s->init)
        s->init(dest);
      tc_cli_man(s, dest, f);
    } else {
      man_index(f);
    }
    free(dest);
    if (fclose(f) != 0) {
      fprintf(stderr, "trajcorr --man: cannot write %s\n", path);
      return 1;
    }
  }
  return 0;
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
    const char *po = getenv("TRAJCORR_PARSE_ONLY"); /* docs/cli.md: parse, run nothing */
    return po && !strcmp(po, "1") ? 0 : print_version();
  }
  if (!strcmp(argv[1], "--man")) {
    if (argc != 3) {
      fprintf(stderr, "usage: trajcorr --man DIR   (writes the man pages into DIR)\n");
      return 2;
    }
    return write_man_pages(argv[2]);
  }
  tc_cli_wait_policy(argv); /* may start this program again, once */
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (!strcmp(argv[1], commands[i].name))
      return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "trajcorr: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
