/* The number parser of every setting file (tend_sd_scan_uint): any bytes,
   as the first line of a setting file, against a few ceilings. Checked
   against a reading of its own: a line is accepted only if it is blanks,
   digits, blanks; what is accepted is what the digits say, or the ceiling
   (return 2) when they say more; never a value above the ceiling. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tend/servicedir.h>

static int blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

/* Decimal digits of V into OUT (not NUL ended); returns their number. */
static size_t decimal(uint64_t v, char *out) {
  char tmp[20];
  size_t n = 0;
  do
    tmp[n++] = (char)('0' + v % 10);
  while (v /= 10);
  for (size_t i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  return n;
}

static void check(char const *line, uint64_t max) {
  uint64_t value = 12345;
  int r = tend_sd_scan_uint(line, max, &value);
  char const *s = line;
  while (blank(*s))
    s++;
  char const *digits = s;
  while (*s >= '0' && *s <= '9')
    s++;
  size_t ndigits = (size_t)(s - digits);
  while (blank(*s))
    s++;
  int valid = ndigits > 0 && !*s;
  if (!valid) {
    if (r != 0) abort();
    return;
  }
  if (r != 1 && r != 2) abort();
  if (value > max) abort();
  while (ndigits > 1 && *digits == '0')
    digits++, ndigits--;
  char m[20];
  size_t nm = decimal(max, m);
  int cmp = ndigits != nm ? (ndigits < nm ? -1 : 1) : memcmp(digits, m, nm);
  if (cmp > 0) {
    if (r != 2 || value != max) abort();
    return;
  }
  char v[20];
  size_t nv = decimal(value, v);
  if (r != 1 || nv != ndigits || memcmp(v, digits, nv)) abort();
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size) {
  char line[128];
  if (size > sizeof line - 1) size = sizeof line - 1;
  memcpy(line, data, size);
  line[size] = 0; /* a NUL in the data ends the line early, as in a file */
  static uint64_t const ceilings[] = {0,       3,          1023,
                                      1000000, 2592000,    2592000000ULL,
                                      9,       UINT64_MAX, UINT64_MAX / 10};
  for (unsigned i = 0; i < sizeof ceilings / sizeof ceilings[0]; i++)
    check(line, ceilings[i]);
  return 0;
}
