/* djb-style messages: "prog: fatal: unable to X: REASON".
   Reasons use daemontools'
   wording of errno (tend_errstr). */
#ifndef TEND_MSG_H
#define TEND_MSG_H

extern char const *tend_prog;

extern char const *tend_errstr(int);

/* WITH_ERRNO: ": REASON" ends the line. A warning leaves errno as it was. */
extern void tend_warn_(int with_errno, char const *, ...);
extern void tend_die_(int code, int with_errno, char const *, ...)
    __attribute__((noreturn));

/* The macros end the argument list for the caller. */
#define tend_warn(...) tend_warn_(0, __VA_ARGS__, (char const *)0)
#define tend_warnsys(...) tend_warn_(1, __VA_ARGS__, (char const *)0)
#define tend_die(code, ...) tend_die_(code, 0, __VA_ARGS__, (char const *)0)
#define tend_diesys(code, ...) tend_die_(code, 1, __VA_ARGS__, (char const *)0)
extern void tend_dieusage(char const *usage) __attribute__((noreturn));

/* A usage error that says what was wrong: "prog: WHAT...", then the
   usage line, exit 100. */
extern void tend_usage_error_(char const *usage, char const *, ...)
    __attribute__((noreturn));
#define tend_usage_error(usage, ...)                                           \
  tend_usage_error_(usage, __VA_ARGS__, (char const *)0)

#endif
