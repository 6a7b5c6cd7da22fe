/* What an instance ID and a template name may be (doc/svinstance.8, IDS):
   a name in one directory that svscan will not skip, that a shell line
   can quote, and that splits NAME@ID one way only. */
#include <string.h>
#include "svinstance.h"

static char const *name_problem(char const *s, size_t max, char const *big) {
  size_t n = strlen(s);
  if (!n) return "empty";
  if (n > max) return big;
  if (s[0] == '.') return "starts with a dot";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '/') return "contains a slash";
    if (c <= ' ' || c >= 127)
      return "contains a space or a byte that is not printable ASCII";
  }
  return 0;
}

char const *id_problem(char const *id) {
  char const *why = name_problem(id, ID_MAX, "longer than 128 bytes");
  if (why) return why;
  if (strchr(id, '@')) return "contains @";
  return 0;
}

char const *template_problem(char const *name) {
  char const *why = name_problem(name, TEMPLATE_MAX, "longer than 100 bytes");
  if (why) return why;
  size_t n = strlen(name);
  if (name[n - 1] != '@') return "does not end in @";
  if (n == 1) return "has no name before the @";
  if (strchr(name, '@') != name + n - 1) return "has an @ before the end";
  return 0;
}

int id_is_number(char const *id) {
  if (!*id || (id[0] == '0' && id[1])) return 0;
  for (; *id; id++)
    if (*id < '0' || *id > '9') return 0;
  return 1;
}
