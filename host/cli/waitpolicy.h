/* OpenMP threads that do not spin for a core that is not free.
 *
 * libgomp's idle threads spin (GOMP_SPINCOUNT, 300 000 turns by default) at every
 * barrier and between parallel regions before they sleep. On a node whose cores are
 * taken by other processes a spinning thread burns the time slice the thread with
 * work needs: the 1 500-vessel case then runs 3-10x slower on two threads than on
 * one. libgomp reads its settings once, while the library loads, before main, so the
 * only way to change them from inside the program is to start it again with them set.
 * tc_cli_wait_policy does that, once, when the user has set neither OMP_WAIT_POLICY
 * nor GOMP_SPINCOUNT (a user's choice is left alone; OMP_WAIT_POLICY=active restores
 * libgomp's spinning). */
#ifndef TC_CLI_WAITPOLICY_H
#define TC_CLI_WAITPOLICY_H

/* The value set: OpenMP threads wait passively (sleep on a futex at once). */
#define TC_CLI_WAIT_POLICY "passive"

/* Set in the same exec when the user has not set GLIBC_TUNABLES: malloc asks for
 * transparent huge pages on its heap (docs/performance.md, "On a busy node"). */
#define TC_CLI_MALLOC_TUNABLES "glibc.malloc.hugetlb=1"

/* Re-executes this program (/proc/self/exe, same arguments, same pid) with
 * OMP_WAIT_POLICY=TC_CLI_WAIT_POLICY (and GLIBC_TUNABLES=TC_CLI_MALLOC_TUNABLES) when OpenMP is built, neither variable is set and
 * the command (argv[1]) runs parallel regions.
 * Returns only when nothing was done or the exec failed (the run then goes on with
 * libgomp's defaults). */
void tc_cli_wait_policy(char **argv);

#endif
