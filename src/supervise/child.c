/* What the child of a vfork does besides exec (exec_child in supervise.c):
   signal dispositions reset, and a clear word when the exec fails. It
   shares supervise's memory until it execs, so it writes to none of it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <tend/msg.h>
#include "supervise.h"

/* SIG_DFL for every signal, also those glibc keeps for itself (32, 33),
   which a careless ancestor may have left ignored. */
void child_default_signals(void) {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; s++) {
    if (s == SIGKILL || s == SIGSTOP || sigaction(s, &dfl, 0) == 0) continue;
    /* glibc's sigaction refuses those two: the raw system call */
    struct {
      void (*handler)(int);
      unsigned long flags;
      void (*restorer)(void);
      unsigned long mask;
    } raw = {SIG_DFL, 0, 0, 0};
    syscall(SYS_rt_sigaction, s, &raw, 0, sizeof raw.mask);
  }
}

/* In the child, after a failed execve of NAME (./run...): if its #! line
   names an interpreter that cannot be run, that is what is said, rather
   than blaming the script. A warning: supervise carries on. */
void child_say_exec_failure(char const *name) {
  int e = errno;
  char line[256];
  ssize_t r = -1;
  int fd = open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0) r = read(fd, line, sizeof line - 1);
  if (r > 2 && line[0] == '#' && line[1] == '!') {
    line[r] = 0;
    char *path = line + 2;
    while (*path == ' ' || *path == '\t')
      path++;
    char *end = path;
    while (*end && *end != ' ' && *end != '\t' && *end != '\n')
      end++;
    *end = 0;
    if (access(path, X_OK) < 0) {
      tend_warnsys("unable to start ", dir, "/", name + 2,
                   ": bad interpreter in its #! line (", path, ")");
      return;
    }
  }
  errno = e;
  tend_warnsys("unable to start ", dir, "/", name + 2);
}
