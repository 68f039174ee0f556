/* SIGINT, SIGTERM and SIGHUP as a request to stop (import, encounters): the first sets
 * tc_stop_signal, which the library polls (io/import.h's cancel, host/engine/ckpt.h's
 * stop); SA_RESETHAND puts the default action back, so a second one ends the program at
 * once. No SA_RESTART: a read blocked on a pipe or terminal returns, and the command
 * stops there too. The exit status after a stop is 128 + the signal's number, as a
 * shell reports a process the signal killed. */
#ifndef TC_CLI_STOPSIG_H
#define TC_CLI_STOPSIG_H

#include <signal.h>

extern volatile sig_atomic_t tc_stop_signal; /* 0, or the first signal's number */

void tc_catch_stop_signals(void);
const char *tc_stop_signal_name(int sig); /* "SIGINT", "SIGTERM" or "SIGHUP" */
/* Non-zero once a stop was asked: the library's stop callbacks (host/events/events.h's
 * tc_event_params.stop); ctx unused. */
int tc_stop_requested(void *ctx);

#endif
