/* Subcommands of the trajcorr program. Each returns the process exit status:
 * 0 success, 1 failure, 2 bad usage or input rejected by --strict. Only files in
 * host/cli/ print for the user or exit. */
#ifndef TC_COMMANDS_H
#define TC_COMMANDS_H

int cmd_import(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_encounters(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_anchorages(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_network(int argc, char **argv);

#endif
