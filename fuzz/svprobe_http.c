/* svprobe's HTTP response parser on any bytes a server may send. The
   first three bytes choose the wanted status, the size of the pieces the
   response arrives in, and the length of the -c text, which follows; the
   rest is the response. A verdict must come with a one-line reason of
   printable ASCII, and must not change once given. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "../src/svprobe/http_response.h"

static http_response h; /* 8 KB of KMP table: not on the stack */

static void check_reason(void) {
  if (h.verdict != HTTP_UNHEALTHY) return;
  if (!h.why[0]) __builtin_trap();
  for (char const *c = h.why; *c; c++)
    if (*c < 0x20 || *c > 0x7e) __builtin_trap();
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size) {
  static int const wants[] = {2, 3, 5, 200, 204, 302, 404, 503};
  if (size < 3) return 0;
  int want = wants[data[0] % 8];
  size_t step = 1 + data[1] % 64;
  size_t textlen = data[2] % 17;
  data += 3;
  size -= 3;
  if (textlen > size) textlen = size;
  char text[17];
  memcpy(text, data, textlen);
  data += textlen;
  size -= textlen;
  http_response_init(&h, want, textlen ? text : 0, textlen);
  int v = HTTP_MORE;
  for (size_t at = 0; at < size && v == HTTP_MORE; at += step) {
    size_t n = size - at < step ? size - at : step;
    v = http_response_feed(&h, (char const *)data + at, n);
    if (v != h.verdict) __builtin_trap();
    if (!http_response_waiting(&h)) __builtin_trap();
  }
  int end = http_response_eof(&h);
  if (v != HTTP_MORE && end != v) __builtin_trap();
  if (end == HTTP_MORE) __builtin_trap();
  check_reason();
  return 0;
}
