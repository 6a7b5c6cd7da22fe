/* Warnings and fatal errors on stderr, in one write each. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <tend/msg.h>

char const *tend_prog = "tend";

static void say(char const *kind, char const *first, va_list ap,
                int with_errno) {
  char buf[1024];
  size_t len = 0;
  char const *reason = with_errno ? tend_errstr(errno) : 0;
#define ADD(s)                                                                 \
  do {                                                                         \
    size_t n_ = strlen(s);                                                     \
    if (n_ > sizeof buf - 1 - len) n_ = sizeof buf - 1 - len;                  \
    memcpy(buf + len, s, n_);                                                  \
    len += n_;                                                                 \
  } while (0)
  ADD(tend_prog);
  ADD(": ");
  ADD(kind);
  for (char const *s = first; s; s = va_arg(ap, char const *))
    ADD(s);
  if (reason) {
    ADD(": ");
    ADD(reason);
  }
#undef ADD
  buf[len++] = '\n';
  while (write(2, buf, len) < 0 && errno == EINTR)
    ;
}

void tend_warn_(int with_errno, char const *first, ...) {
  int e = errno;
  va_list ap;
  va_start(ap, first);
  say("warning: ", first, ap, with_errno);
  va_end(ap);
  errno = e;
}

void tend_die_(int code, int with_errno, char const *first, ...) {
  va_list ap;
  va_start(ap, first);
  say("fatal: ", first, ap, with_errno);
  va_end(ap);
  _exit(code);
}

void tend_usage_error_(char const *usage, char const *first, ...) {
  va_list ap;
  va_start(ap, first);
  say("", first, ap, 0);
  va_end(ap);
  tend_dieusage(usage);
}

void tend_dieusage(char const *usage) {
  char const *parts[] = {tend_prog, ": usage: ", usage, "\n"};
  for (unsigned i = 0; i < 4; i++)
    if (write(2, parts[i], strlen(parts[i])) < 0) break;
  _exit(100);
}
