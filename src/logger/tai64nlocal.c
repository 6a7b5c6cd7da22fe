/* tai64nlocal: turn the TAI64N stamp that starts a line ("@" + 24 hex
   digits) into local time, YYYY-MM-DD HH:MM:SS.NNNNNNNNN. Other lines, and
   lines starting with something that is not a whole stamp, pass unchanged
   (tai64nlocal_conv.c). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <tend/msg.h>
#include "tai64nlocal.h"

static char in[65536];
static char out[65536 + 64];
static size_t outlen;

static void flush_out(void) {
  size_t done = 0;
  while (done < outlen) {
    ssize_t w = write(1, out + done, outlen - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) tend_diesys(111, "unable to write output");
    done += (size_t)w;
  }
  outlen = 0;
}

static void put(char const *s, size_t n) {
  while (n) {
    if (outlen == sizeof out) flush_out();
    size_t k = sizeof out - outlen;
    if (k > n) k = n;
    memcpy(out + outlen, s, k);
    outlen += k;
    s += k;
    n -= k;
  }
}

int main(int argc, char **argv) {
  struct tai64nlocal t;
  tend_prog = "tai64nlocal";
  (void)argc;
  (void)argv;
  tai64nlocal_start(&t, put);
  for (;;) {
    ssize_t r = read(0, in, sizeof in);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) tend_diesys(111, "unable to read input");
    if (r == 0) break;
    tai64nlocal_feed(&t, in, (size_t)r);
    flush_out();
  }
  tai64nlocal_end(&t);
  flush_out();
  return 0;
}
