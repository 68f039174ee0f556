#include "host/cli/stopsig.h"

#include <string.h>

volatile sig_atomic_t tc_stop_signal;

static void on_stop_signal(int sig) { tc_stop_signal = sig; }

void tc_catch_stop_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
}

const char *tc_stop_signal_name(int sig) {
  return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
}

int tc_stop_requested(void *ctx) {
  (void)ctx;
  return tc_stop_signal != 0;
}
