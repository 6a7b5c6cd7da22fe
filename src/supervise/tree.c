/* The whole process tree of a service, so that a stop leaves nothing
   behind: the process group of ./run (it leads its own session), and every
   process the kernel reparented to supervise, which is a child subreaper,
   such as a daemon that double-forked out of the group. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <skalibs/types.h>
#include "supervise.h"

/* Calls FN on each child of ours listed in /proc (Linux), but those in
   EXCEPT; returns how many there were. */
static unsigned each_child(void (*fn)(pid_t, int), int sig, pid_t const *except,
                           unsigned nexcept) {
  char path[64] = "/proc/self/task/";
  size_t n = 16;
  n += pid_fmt(path + n, getpid());
  static char const tail[] = "/children";
  for (unsigned i = 0; i < sizeof tail; i++)
    path[n + i] = tail[i];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[512];
  unsigned found = 0;
  pid_t pid = 0;
  int digits = 0;
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    /* a pid may be cut between two reads: digits carry over */
    for (ssize_t i = 0; i < (r > 0 ? r : 0) + 1; i++) {
      if (i < r && buf[i] >= '0' && buf[i] <= '9') {
        pid = pid * 10 + (buf[i] - '0');
        digits = 1;
        continue;
      }
      if (i == r && r > 0) break; /* end of this read: keep the digits */
      if (digits) {
        int skip = 0;
        for (unsigned k = 0; k < nexcept; k++)
          if (except[k] == pid) skip = 1;
        if (!skip) {
          found++;
          if (fn) fn(pid, sig);
        }
      }
      pid = 0;
      digits = 0;
    }
    if (r <= 0) break;
  }
  close(fd);
  return found;
}

static void signal_child(pid_t pid, int sig) {
  kill(pid, sig);
  kill(-pid, sig); /* its own group, if it made one */
}

int tree_alive(pid_t leader, pid_t const *except, unsigned nexcept) {
  if (leader > 0 && kill(-leader, 0) == 0) return 1;
  return each_child(0, 0, except, nexcept) > 0;
}

void tree_signal(pid_t leader, int sig, pid_t const *except, unsigned nexcept) {
  if (leader > 0) kill(-leader, sig);
  each_child(signal_child, sig, except, nexcept);
}
