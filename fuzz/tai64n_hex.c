/* The 24 hex digits of a TAI64N label: what tend_tai64n_scanhex takes,
   tend_tai64n_hex gives back (in lower case). */
#include <stdint.h>
#include <stdlib.h>
#include <tend/tai64n.h>

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size) {
  char hex[TEND_TAI64N_HEXLEN], packed[TEND_TAI64N_LEN];
  tend_stamp s;
  if (size < TEND_TAI64N_HEXLEN) return 0;
  if (!tend_tai64n_scanhex((char const *)data, &s)) return 0;
  tend_tai64n_pack(packed, &s);
  tend_tai64n_hex(hex, packed);
  for (int i = 0; i < TEND_TAI64N_HEXLEN; i++) {
    char c = (char)data[i];
    if (c >= 'A' && c <= 'F') c = (char)(c - 'A' + 'a');
    if (hex[i] != c) abort();
  }
  return 0;
}
