/* tai64nlocal: turn the TAI64N stamp that starts a line ("@" + 24 hex
   digits) into local time, YYYY-MM-DD HH:MM:SS.NNNNNNNNN. Other lines, and
   lines starting with something that is not a whole stamp, pass unchanged. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <tend/msg.h>
#include <tend/tai64n.h>

#define LABEL_LEN (1 + TEND_TAI64N_HEXLEN)

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

/* The start of a line, up to LABEL_LEN bytes: a stamp or not. */
static void put_label(char const *label, size_t n) {
  tend_stamp s;
  if (n == LABEL_LEN && label[0] == '@' && tend_tai64n_scanhex(label + 1, &s) &&
      s.sec >= TEND_TAI64_UNIX && s.nsec < 1000000000) {
    time_t t = (time_t)(s.sec - TEND_TAI64_UNIX);
    struct tm tm;
    char text[64];
    if (localtime_r(&t, &tm)) {
      size_t k = strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
      int m =
          snprintf(text + k, sizeof text - k, ".%09lu", (unsigned long)s.nsec);
      if (k && m > 0) {
        put(text, k + (size_t)m);
        return;
      }
    }
  }
  put(label, n);
}

int main(int argc, char **argv) {
  char label[LABEL_LEN];
  size_t labellen = 0;
  int in_label = 1; /* still reading the first bytes of a line */
  tend_prog = "tai64nlocal";
  (void)argc;
  (void)argv;
  for (;;) {
    ssize_t r = read(0, in, sizeof in);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) tend_diesys(111, "unable to read input");
    if (r == 0) break;
    size_t pos = 0;
    while (pos < (size_t)r) {
      if (in_label) {
        char c = in[pos];
        if (c == '\n' || (labellen == 0 && c != '@')) {
          put_label(label, labellen);
          labellen = 0;
          in_label = 0;
          continue; /* the byte is handled as line text below */
        }
        label[labellen++] = c;
        pos++;
        if (labellen == LABEL_LEN) {
          put_label(label, labellen);
          labellen = 0;
          in_label = 0;
        }
        continue;
      }
      char const *nl = memchr(in + pos, '\n', (size_t)r - pos);
      size_t end = nl ? (size_t)(nl - in) + 1 : (size_t)r;
      put(in + pos, end - pos);
      pos = end;
      if (nl) in_label = 1;
    }
    flush_out();
  }
  if (in_label && labellen) put_label(label, labellen);
  flush_out();
  return 0;
}
