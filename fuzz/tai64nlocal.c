/* tai64nlocal's conversion: any input, fed in pieces of a fuzzed size
   (the first byte). Every line comes out, with its text unchanged; input
   without an @ comes out exactly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../src/logger/tai64nlocal.h"

static char out[64 * 1024];
static size_t outlen;

static void put(char const *s, size_t n) {
  if (n > sizeof out - outlen) abort();
  memcpy(out + outlen, s, n);
  outlen += n;
}

static size_t count(char const *s, size_t n, char c) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += s[i] == c;
  return k;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  setenv("TZ", "UTC", 1);
  return 0;
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size) {
  struct tai64nlocal t;
  if (!size || size > 8192) return 0;
  size_t chunk = 1 + data[0];
  char const *in = (char const *)data + 1;
  size_t n = size - 1;
  outlen = 0;
  tai64nlocal_start(&t, put);
  for (size_t pos = 0; pos < n; pos += chunk)
    tai64nlocal_feed(&t, in + pos, n - pos < chunk ? n - pos : chunk);
  tai64nlocal_end(&t);
  if (count(out, outlen, '\n') != count(in, n, '\n')) abort();
  if (!memchr(in, '@', n) && (outlen != n || memcmp(out, in, n))) abort();
  return 0;
}
