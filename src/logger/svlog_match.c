/* multilog's patterns: '*' matches the shortest run of bytes up to the next
   pattern byte and never backtracks; a trailing '*' matches the rest. */
#include "svlog.h"

int svlog_match(char const *pattern, char const *s, size_t len) {
  for (;;) {
    char p = *pattern++;
    if (!p) return len == 0;
    if (p == '*') {
      char stop = *pattern;
      if (!stop) return 1;
      while (len && *s != stop) {
        s++;
        len--;
      }
      if (!len) return 0;
      continue; /* the stop byte itself is matched by the next round */
    }
    if (!len || *s != p) return 0;
    s++;
    len--;
  }
}
