/* The whole process tree of a service, so that a stop leaves nothing
   behind: the process group of ./run (it leads its own session), and every
   process the kernel reparented to supervise, which is a child subreaper,
   such as a daemon that double-forked out of the group. Processes reach
   supervise one by one, as their parents die: each sweep of a stop looks
   again and signals the newcomers. With a cgroup (cgroup.c), the tree is
   the cgroup's processes, wherever they went, and the leader's group (a
   ./finish left by a supervise that died, which runs outside it). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <tend/proc.h>
#include "supervise.h"

/* The children signalled since the stop began. Should a tree hold more
   than this, the rest get the signal again at every sweep: twice is
   better than never. */
#define RECORD 128
static pid_t signalled[RECORD];
static unsigned nsignalled;
static int group_signalled;

/* Calls FN on each child of ours listed in /proc (Linux), but those in
   EXCEPT; returns how many there were, or -1 if the list cannot be read
   for want of a descriptor or memory (there may be children). */
static int each_child(void (*fn)(pid_t, int), int sig, pid_t const *except,
                      unsigned nexcept) {
  char path[TEND_PROC_PATH];
  tend_proc_path(path, 0, "task/", getpid(), "/children");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == EMFILE || errno == ENFILE || errno == ENOMEM ? -1 : 0;
  char buf[512];
  int found = 0;
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
  if (cgroup_on) /* an old ./finish to stop is outside it, in its group */
    return cgroup_populated() || (leader > 0 && kill(-leader, 0) == 0);
  if (leader > 0 && kill(-leader, 0) == 0) return 1;
  return each_child(0, 0, except, nexcept) != 0;
}

static void signal_one(pid_t pid, int sig) {
  kill(pid, sig);
}

void tree_signal(pid_t leader, int sig, pid_t const *except, unsigned nexcept) {
  if (cgroup_on) {
    if (leader > 0) kill(-leader, sig);
    if (sig != SIGKILL || cgroup_kill() < 0) cgroup_each(signal_one, sig);
    return;
  }
  if (leader > 0) kill(-leader, sig);
  each_child(signal_child, sig, except, nexcept);
}

static int signalled_before(pid_t pid) {
  for (unsigned i = 0; i < nsignalled; i++)
    if (signalled[i] == pid) return 1;
  if (nsignalled < RECORD) signalled[nsignalled++] = pid;
  return 0;
}

static void stop_child(pid_t pid, int sig) {
  if (signalled_before(pid)) return;
  signal_child(pid, sig);
  if (sig != SIGCONT) signal_child(pid, SIGCONT);
}

static void stop_member(pid_t pid, int sig) {
  if (signalled_before(pid)) return;
  kill(pid, sig);
  if (sig != SIGCONT) kill(pid, SIGCONT);
}

void tree_stop(pid_t leader, int sig, pid_t const *except, unsigned nexcept) {
  if (!group_signalled && leader > 0) {
    kill(-leader, sig);
    if (sig != SIGCONT) kill(-leader, SIGCONT);
  }
  group_signalled = 1;
  if (cgroup_on)
    cgroup_each(stop_member, sig);
  else
    each_child(stop_child, sig, except, nexcept);
}

void tree_forget(void) {
  nsignalled = 0;
  group_signalled = 0;
}

void tree_reaped(pid_t pid) {
  for (unsigned i = 0; i < nsignalled; i++)
    if (signalled[i] == pid) {
      signalled[i] = signalled[--nsignalled];
      return;
    }
}
