/* svlog_writer N CHUNK DELAY_US: write the lines "1\n" .. "N\n" to stdout
   in writes of CHUNK bytes (cutting lines anywhere), pausing DELAY_US
   between writes: a steady stream for svlog's crash tests. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 4) return 100;
  long n = atol(argv[1]);
  size_t chunk = (size_t)atol(argv[2]);
  long delay = atol(argv[3]);
  char buf[65536];
  size_t len = 0;
  if (chunk == 0 || chunk > sizeof buf / 2) return 100;
  for (long i = 1; i <= n || len;) {
    while (i <= n && len < chunk) {
      char num[24];
      int k = 0;
      for (long v = i; v; v /= 10)
        num[k++] = (char)('0' + v % 10);
      while (k)
        buf[len++] = num[--k];
      buf[len++] = '\n';
      i++;
    }
    size_t out = len < chunk ? len : chunk;
    for (size_t done = 0; done < out;) {
      ssize_t w = write(1, buf + done, out - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return 111;
      done += (size_t)w;
    }
    memmove(buf, buf + out, len - out);
    len -= out;
    if (delay) {
      struct timespec ts = {delay / 1000000, (delay % 1000000) * 1000};
      nanosleep(&ts, 0);
    }
  }
  return 0;
}
