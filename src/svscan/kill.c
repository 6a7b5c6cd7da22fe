/* Signals to supervisors, and the KILL at the end of the grace time.

   A pid read from a file proves nothing: supervise/status may be stale,
   forged, or name a pid that was reused. At the end of the grace time
   svscan sends STOP to each supervise left (ours: our child not reaped
   yet, or adopted through a pidfd), waits until /proc shows it stopped,
   and only then KILLs its children as /proc/PID/task/PID/children lists
   them, each with its process group if it leads one: a stopped
   supervise cannot reap a child, so the child's pid and group id cannot
   be reused before the KILL. Then the supervise itself gets KILL. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <tend/msg.h>
#include "svscan.h"

#ifndef PIDFD_SIGNAL_PROCESS_GROUP
#define PIDFD_SIGNAL_PROCESS_GROUP (1U << 2) /* Linux 6.9 */
#endif

void proc_signal(struct service *s, int which, int sig) {
  struct proc *p = &s->p[which];
  if (p->kind == WATCHED) {
    tend_pidfd_signal(p->pidfd, sig, 0); /* never kill(): the pid is not ours */
    return;
  }
  if (p->kind == CHILD) {
    kill(p->pid, sig); /* our child, not reaped yet */
    return;
  }
  if (sig == SIGTERM) {
    char path[NAME_MAX + 8];
    dir_of(s, which, path);
    sv_control(path, "dx", 2);
  }
}

void freeze(struct service *s, int which) {
  struct proc *p = &s->p[which];
  if (!proven(p)) return; /* nothing proven to signal */
  p->freezing = 1;
  proc_signal(s, which, SIGSTOP);
}

/* State, parent and process group of PID from /proc/PID/stat. */
static int proc_stat(pid_t pid, char *state, pid_t *ppid, pid_t *pgrp) {
  char path[TEND_PROC_PATH];
  char buf[512];
  int fd = open(tend_proc_path(path, pid, "stat", -1, 0), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t r;
  do
    r = read(fd, buf, sizeof buf - 1);
  while (r < 0 && errno == EINTR);
  close(fd);
  if (r <= 0) return -1;
  buf[r] = 0;
  char *e = strrchr(buf, ')'); /* the command name may hold anything */
  int pp, pg;
  if (!e || sscanf(e + 1, " %c %d %d", state, &pp, &pg) != 3) return -1;
  *ppid = pp;
  *pgrp = pg;
  return 0;
}

/* KILL to C and its process group, if C is a child of the stopped
   supervise SV. */
static int kill_child(pid_t sv, pid_t c) {
  char state;
  pid_t ppid, pgrp;
  if (c <= 1 || c == getpid()) return 0;
  int cfd = tend_pidfd_open(c);
  if (proc_stat(c, &state, &ppid, &pgrp) < 0 || ppid != sv) {
    if (cfd >= 0) close(cfd);
    return 0;
  }
  if (pgrp == c) {
    int r = cfd >= 0
                ? tend_pidfd_signal(cfd, SIGKILL, PIDFD_SIGNAL_PROCESS_GROUP)
                : -1;
    if (r < 0 && (cfd < 0 || errno == EINVAL)) kill(-c, SIGKILL);
  }
  if (cfd < 0 || tend_pidfd_signal(cfd, SIGKILL, 0) < 0) kill(c, SIGKILL);
  if (cfd >= 0) close(cfd);
  return 1;
}

/* Every child of SV; the pid supervise/status names is checked the same
   way, and only said to be left alone when it is none of them. */
static void kill_children(struct service *s, int which) {
  char path[TEND_PROC_PATH];
  char buf[4096];
  pid_t sv = s->p[which].pid;
  tend_status st;
  uint32_t named = sv_proc_status(&st, s, which) == 1 ? st.pid : 0;
  int named_killed = 0;
  tend_proc_path(path, sv, "task/", sv, "/children");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    unsigned long long c = 0;
    int digits = 0;
    for (;;) {
      ssize_t r = read(fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      for (ssize_t i = 0; i <= r; i++) {
        if (i < r && buf[i] >= '0' && buf[i] <= '9') {
          if (c <= INT_MAX) c = c * 10 + (unsigned)(buf[i] - '0');
          digits = 1;
          continue;
        }
        if (i == r && r > 0) break; /* a number may go on in the next read */
        if (digits && c <= INT_MAX && kill_child(sv, (pid_t)c) && c == named)
          named_killed = 1;
        c = 0;
        digits = 0;
      }
      if (r <= 0) break;
    }
    close(fd);
  } else if (named && named <= INT_MAX && kill_child(sv, (pid_t)named))
    named_killed = 1; /* no children file (a kernel without
                          CONFIG_PROC_CHILDREN): the named pid, checked */
  if (named && !named_killed) {
    char pid[UINT32_FMT];
    char dir[NAME_MAX + 8];
    pid[uint32_fmt(pid, named)] = 0;
    dir_of(s, which, dir);
    tend_warn("not killing pid ", pid, " named in ", dir,
              "/supervise/status: not a child of its supervise");
  }
}

int freeze_done(struct service *s, int which, int give_up) {
  struct proc *p = &s->p[which];
  char state;
  pid_t ppid, pgrp;
  if (!p->freezing || !proven(p)) return 1;
  int stopped = proc_stat(p->pid, &state, &ppid, &pgrp) == 0 &&
                (state == 'T' || state == 't');
  /* adopted: the pid must still be the one of our pidfd */
  if (stopped && p->kind == WATCHED && tend_pidfd_signal(p->pidfd, 0, 0) < 0)
    stopped = 0;
  if (!stopped && !give_up) return 0;
  if (stopped)
    kill_children(s, which);
  else {
    char dir[NAME_MAX + 8];
    dir_of(s, which, dir);
    tend_warn("the supervise of ", dir,
              " did not stop: only it gets KILL, not what it runs");
  }
  p->freezing = 0;
  proc_signal(s, which, SIGKILL);
  return 1;
}
