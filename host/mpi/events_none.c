/* host/mpi/events_ranks.h in a build without MPI: one rank, the split run's code with
 * one part. */
#include "host/mpi/events_ranks.h"

#include <string.h>
#include <sys/resource.h>

#include "host/events/parts_events.h"

tc_status tc_ranks_events(const tc_ranks *r, tc_store *const *stores, size_t n, const tc_params *p,
                          const tc_event_params *e, tc_events **ev, tc_memory_source **pass2,
                          tc_rank_figures *figures, tc_err *err) {
  (void)r;
  unsigned reruns;
  TC_TRY(tc_evp_run_parts(stores, n, 1, p, e, ev, pass2, &reruns, err));
  if (figures) {
    struct rusage ru;
    memset(figures, 0, sizeof *figures);
    figures->s_lo = INT64_MIN;
    figures->s_hi = INT64_MAX;
    figures->from_start = 1;
    figures->rss_mb = getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : 0;
  }
  return TC_OK;
}
