/* tai64nlocal: turn the TAI64N stamp that starts a line ("@" + 24 hex
   digits) into local time, YYYY-MM-DD HH:MM:SS.NNNNNNNNN. Other lines, and
   lines starting with something that is not a whole stamp, pass unchanged
   (tai64nlocal_conv.c). */
#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>
#include <tend/msg.h>
#include "tai64nlocal.h"

/* not buffer_1: its 8 KiB would cost a write per 8 KiB, where one write
   per read is enough */
static char outbuf[65536 + 1];
static buffer out = BUFFER_INIT(&buffer_write, 1, outbuf, sizeof outbuf);

static void put(char const *s, size_t n) {
  if (buffer_put(&out, s, n) < 0) tend_diesys(111, "unable to write output");
}

static void flush(void) {
  if (!buffer_flush(&out)) tend_diesys(111, "unable to write output");
}

int main(int argc, char **argv) {
  static char in[65536];
  struct tai64nlocal t;
  tend_prog = "tai64nlocal";
  (void)argc;
  (void)argv;
  tai64nlocal_start(&t, put);
  for (;;) {
    ssize_t r = fd_read(0, in, sizeof in);
    if (r < 0) tend_diesys(111, "unable to read input");
    if (r == 0) break;
    tai64nlocal_feed(&t, in, (size_t)r);
    flush();
  }
  tai64nlocal_end(&t);
  flush();
  return 0;
}
