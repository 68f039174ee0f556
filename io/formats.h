/* Every input format the reader knows (each defined in its own io/ file and listed in
 * the table in io/reader.c). */
#ifndef TC_FORMATS_H
#define TC_FORMATS_H

#include "io/reader.h"

extern const tc_reader_format tc_format_csv;            /* io/csv_generic.c */
extern const tc_reader_format tc_format_dma;            /* io/csv_dma.c */
extern const tc_reader_format tc_format_marinecadastre; /* io/csv_marinecadastre.c */
extern const tc_reader_format tc_format_nmea;           /* io/nmea_reader.c */
/* FORMAT DECLARATIONS: add `extern const tc_reader_format tc_format_NAME;` above this line */

#endif
