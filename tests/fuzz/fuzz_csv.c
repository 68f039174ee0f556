/* libFuzzer target: the AIS record reader (io/reader.h) on a whole input file, through
 * the same path as `trajcorr import`: line source (plain or gzip), format detection,
 * and the generic, DMA, MarineCadastre and NMEA dialects.
 *
 * Input: one control byte, then the file's bytes.
 *   bits 0-2  format: 0 auto, 1 csv, 2 dma, 3 marinecadastre, 4 nmea, 5 generic, else auto
 *   bit 3     strict (the first bad row is an error)
 *   bit 4     gzip the file's bytes first, so the mutations reach the dialects through
 *             the inflate thread (raw bytes starting with the gzip magic reach the
 *             decoder's error paths instead)
 *   bit 5     two gzip members (split in the middle), as concatenated .gz files are
 *   bit 6     NMEA time base set (files without any clock)
 * The file is a memfd named by /proc/self/fd/N, so nothing touches the disk. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "io/reader.h"

static const char *const formats[8] = {NULL, "csv", "dma", "marinecadastre", "nmea", "generic", "auto", NULL};

/* Appends one gzip member of src to out; 0 on failure. */
static int gzip_member(const uint8_t *src, size_t n, uint8_t **out, size_t *outlen) {
  z_stream zs = {0};
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return 0;
  size_t cap = deflateBound(&zs, n) + 32;
  uint8_t *buf = realloc(*out, *outlen + cap);
  if (!buf) {
    deflateEnd(&zs);
    return 0;
  }
  *out = buf;
  zs.next_in = (Bytef *)src;
  zs.avail_in = (uInt)n;
  zs.next_out = buf + *outlen;
  zs.avail_out = (uInt)cap;
  int ok = deflate(&zs, Z_FINISH) == Z_STREAM_END;
  *outlen += cap - zs.avail_out;
  deflateEnd(&zs);
  return ok;
}

static int write_all(int fd, const uint8_t *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w <= 0)
      return 0;
    p += w, n -= (size_t)w;
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  uint8_t ctl = data[0];
  data++, size--;
  uint8_t *gz = NULL;
  size_t gzlen = 0;
  if (ctl & 0x10) {
    size_t half = (ctl & 0x20) ? size / 2 : size;
    if (!gzip_member(data, half, &gz, &gzlen) ||
        (half < size && !gzip_member(data + half, size - half, &gz, &gzlen))) {
      free(gz);
      return 0;
    }
    data = gz, size = gzlen;
  }
  int fd = memfd_create("fuzz_csv", 0);
  if (fd < 0)
    abort(); /* the harness itself is broken */
  if (!write_all(fd, data, size) || lseek(fd, 0, SEEK_SET) != 0)
    abort();
  free(gz);
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

  tc_reader_opts o = {.format = formats[ctl & 7],
                      .strict = (ctl >> 3) & 1,
                      .time_base = (ctl & 0x40) ? 1325376000 : INT64_MIN};
  tc_reader *r = NULL;
  tc_err err = {0};
  if (tc_reader_open(path, &o, &r, &err) == TC_OK) {
    tc_record rec;
    int eof = 0;
    while (tc_reader_next(r, &rec, &eof, &err) == TC_OK && !eof) {
      /* the records must be usable: touch what the importer reads */
      if (rec.kind == TC_REC_POSITION && rec.fix.mmsi == 0xFFFFFFFFu && rec.fix.t == INT64_MIN)
        fputc(0, stderr);
    }
    const tc_reader_counts *c = tc_reader_get_counts(r);
    for (size_t i = 0; i < c->nreasons; i++)
      if (strnlen(c->reasons[i].reason, sizeof c->reasons[i].reason) == sizeof c->reasons[i].reason)
        abort(); /* a reason must stay NUL-terminated */
    (void)tc_reader_format_name(r);
    (void)tc_reader_bytes_read(r);
    tc_reader_close(r);
  }
  if (strnlen(err.msg, sizeof err.msg) == sizeof err.msg)
    abort();
  close(fd);
  return 0;
}
