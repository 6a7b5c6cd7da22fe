/* The 24 lower-case hex digits of a TAI64N label, as in "@4000...". */
#include <skalibs/fmtscan.h>
#include <tend/tai64n.h>

void tend_tai64n_hex(char *out, char const *in) {
  ucharn_fmt(out, in, TEND_TAI64N_LEN);
}

int tend_tai64n_scanhex(char const *in, tend_stamp *s) {
  char raw[TEND_TAI64N_LEN];
  if (ucharn_scan(in, raw, TEND_TAI64N_LEN) != TEND_TAI64N_HEXLEN) return 0;
  tend_tai64n_unpack(raw, s);
  return 1;
}
