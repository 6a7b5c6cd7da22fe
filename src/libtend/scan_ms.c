/* The -T argument of the waiting clients: a number of milliseconds. */
#include <stdint.h>
#include <tend/statuswait.h>

int tend_scan_ms(char const *s, int64_t *ms) {
  int64_t v = 0;
  if (!*s) return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
    v = v * 10 + (*s - '0'); /* at most TEND_MS_MAX * 10 + 9: no overflow */
    if (v > TEND_MS_MAX) return 0;
  }
  *ms = v;
  return 1;
}
