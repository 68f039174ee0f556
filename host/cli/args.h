/* What every command prints last: the closing line of real time, CPU time and peak
 * memory. Option values are parsed by host/cli/opts.c. */
#ifndef TC_ARGS_H
#define TC_ARGS_H

/* Real time since start, CPU time, peak RSS: the closing line on stderr. */
void tc_cli_closing_line(const char *prog, double t_start);
double tc_cli_now(void);

#endif
