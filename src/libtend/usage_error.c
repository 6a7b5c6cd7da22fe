/* Usage errors that say what was wrong: one line naming the mistake, then
   the usage line, exit 100. The option lines are worded as daemontools'
   getopt words them ("svc: illegal option -- Z"). */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <tend/msg.h>

void tend_usage_error_(char const *usage, char const *first, ...) {
  char buf[512];
  size_t len = 0;
  va_list ap;
  va_start(ap, first);
  char const *prefix[] = {tend_prog, ": "};
  for (unsigned i = 0; i < 2; i++) {
    size_t n = strlen(prefix[i]);
    if (n > sizeof buf - 1 - len) n = sizeof buf - 1 - len;
    memcpy(buf + len, prefix[i], n);
    len += n;
  }
  for (char const *s = first; s; s = va_arg(ap, char const *)) {
    size_t n = strlen(s);
    if (n > sizeof buf - 1 - len) n = sizeof buf - 1 - len;
    memcpy(buf + len, s, n);
    len += n;
  }
  va_end(ap);
  buf[len++] = '\n';
  while (write(2, buf, len) < 0 && errno == EINTR)
    ;
  tend_dieusage(usage);
}

void tend_usage_option(char const *usage, char const *opts, int letter) {
  char text[2] = {(char)letter, 0};
  if (letter != ':' && strchr(opts, letter))
    tend_usage_error(usage, "option requires an argument -- ", text);
  tend_usage_error(usage, "illegal option -- ", text);
}
