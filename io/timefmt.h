/* Unix seconds → ISO 8601 UTC text ("2020-09-14T06:10:00Z"), without gmtime's
 * time-zone state, for every writer. Kept hand-written for speed: `trajcorr bench
 * format` (bench/harness/suite_format.c) times 2^20 times 1970-2100 and checks the
 * bytes agree: 61 ns a call against 318 ns for gmtime_r + strftime (AMD EPYC, 2 cores,
 * Release build, machine under load ~15). */
#ifndef TC_TIMEFMT_H
#define TC_TIMEFMT_H

#include <stdint.h>

#define TC_ISO_LEN 32

/* Writes a NUL-terminated timestamp into buf (at least TC_ISO_LEN bytes); returns its length. */
int tc_time_format_iso(int64_t t, char *buf);

#endif
