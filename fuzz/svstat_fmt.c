/* svstat's line for any bytes at all in supervise/status: the plain and
   the -l line, at a time also taken from the input. Checks what a script
   reading svstat relies on: one line, no NUL, the -l line starting with
   the plain one, and nothing past the buffer. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <tend/status.h>
#include "../src/svstat/svstat_fmt.h"

#define NAME "/service/x"

static void check(int ok) {
  if (!ok) __builtin_trap();
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size) {
  tend_status st;
  /* up to 80 bytes of status; what follows sets "now" and the down file */
  size_t statlen = size < TEND_STATUS_SIZE ? size : TEND_STATUS_SIZE;
  if (tend_status_unpack(&st, (char const *)data, statlen) != 1) return 0;
  tend_stamp now = {TEND_TAI64_UNIX + 1700000000, 0};
  int normallyup = 1;
  if (size >= TEND_STATUS_SIZE + TEND_TAI64N_LEN) {
    tend_tai64n_unpack((char const *)data + TEND_STATUS_SIZE, &now);
    normallyup = size & 1;
  }
  char plain[sizeof NAME + SVSTAT_FMT_MAX], longer[sizeof plain];
  size_t n = svstat_fmt(plain, sizeof plain, NAME, &st, normallyup, 0, &now);
  size_t m = svstat_fmt(longer, sizeof longer, NAME, &st, normallyup, 1, &now);
  check(n < sizeof plain && m < sizeof longer); /* never cut */
  check(n > sizeof NAME + 1 && !memcmp(plain, NAME ": ", sizeof NAME + 1));
  check(m >= n && !memcmp(plain, longer, n));
  check(!memchr(longer, '\n', m) && !memchr(longer, 0, m));
  return 0;
}
