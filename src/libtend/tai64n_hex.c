/* The 24 lower-case hex digits of a TAI64N label, as in "@4000...". */
#include <tend/tai64n.h>

void tend_tai64n_hex(char *out, char const *in) {
  static char const digit[16] = "0123456789abcdef";
  for (int i = 0; i < TEND_TAI64N_LEN; i++) {
    unsigned char c = (unsigned char)in[i];
    out[2 * i] = digit[c >> 4];
    out[2 * i + 1] = digit[c & 15];
  }
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int tend_tai64n_scanhex(char const *in, tend_stamp *s) {
  char raw[TEND_TAI64N_LEN];
  for (int i = 0; i < TEND_TAI64N_LEN; i++) {
    int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);
    if (hi < 0 || lo < 0) return 0;
    raw[i] = (char)(hi << 4 | lo);
  }
  tend_tai64n_unpack(raw, s);
  return 1;
}
