/* The two clocks every stage timer and progress line reads, in seconds as doubles. */
#ifndef TC_CLOCK_H
#define TC_CLOCK_H

double tc_clock_wall(void); /* CLOCK_MONOTONIC: intervals, never the date */
double tc_clock_cpu(void);  /* CLOCK_PROCESS_CPUTIME_ID: the whole process's CPU, all threads */

#endif
