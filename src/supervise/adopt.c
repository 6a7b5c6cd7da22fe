/* After a supervise was killed, its ./run may still be running. A new
   supervise adopts it instead of starting a second instance, once it has
   proved the process is the same one: it leads its own session (as every
   ./run we start does) and the kernel's record of its start time matches
   the start time in supervise/status. Without a pidfd (a kernel
   before 5.3) nothing is adopted and the old process group is stopped
   first. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <tend/proc.h>
#include "supervise.h"

static ssize_t slurp(char const *path, char *buf, size_t len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t r;
  do
    r = read(fd, buf, len - 1);
  while (r < 0 && errno == EINTR);
  close(fd);
  if (r >= 0) buf[r] = 0;
  return r;
}

/* The unix time of the last boot. */
static unsigned long long boot_time(void) {
  struct timespec real, boot;
  if (clock_gettime(CLOCK_REALTIME, &real) < 0 ||
      clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
    return 0;
  return (unsigned long long)(real.tv_sec - boot.tv_sec);
}

static int started_after_boot(unsigned long long t) {
  unsigned long long b = boot_time();
  return b && t + 2 >= b;
}

int adopt_check(pid_t pid, unsigned long long started_unix) {
  if (kill(pid, 0) < 0 && errno == ESRCH)
    return kill(-pid, 0) == 0 && started_after_boot(started_unix) ? 0 : -1;
  char path[TEND_PROC_PATH];
  char buf[512];
  if (slurp(tend_proc_path(path, pid, "stat", -1, 0), buf, sizeof buf) <= 0)
    return -1;                 /* cannot tell */
  char *s = strrchr(buf, ')'); /* the command name may hold anything */
  if (!s) return -1;
  /* after ") ": state ppid pgrp session ... field 22 is starttime */
  unsigned long long field[20];
  s += 2;
  for (int i = 0; i < 20; i++) {
    while (*s == ' ')
      s++;
    if (i == 0) {
      s++; /* the state letter */
      field[0] = 0;
      continue;
    }
    field[i] = strtoull(s, &s, 10);
  }
  unsigned long long session = field[3], starttime = field[19];
  if (session != (unsigned long long)pid) return -1;
  /* starttime counts clock ticks since boot: turn it into unix time */
  long hz = sysconf(_SC_CLK_TCK);
  unsigned long long booted = boot_time();
  if (hz <= 0 || !booted) return -1;
  unsigned long long start = booted + starttime / (unsigned long long)hz;
  unsigned long long diff =
      start > started_unix ? start - started_unix : started_unix - start;
  return diff <= 2 ? 1 : -1;
}
