/* Removing instances. Each NAME@ID is first renamed .NAME@ID.remove: a
   name svscan skips, so svscan stops its supervisors as for any directory
   that disappears (doc/svscan.md, "Stopping in order"), and nothing new is
   started in it. Its supervise is told dx as well (for supervisors that no
   svscan watches), the log supervise x once the service's is gone, so the
   logger still reads every line; when both have exited the tree is deleted,
   following no symlink. A removal cut short (-T, a crash) leaves the dot
   name, and the next remove of that ID finishes it. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <tend/control.h>
#include <tend/msg.h>
#include <tend/safeopen.h>
#include <tend/statuswait.h>
#include "svinstance.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif
#define TREE_DEPTH_MAX 256
#define STARTING_MS 10 /* look again at a supervise that has not opened ok */

int rename_noreplace(int dfd, char const *from, char const *to) {
#ifdef SYS_renameat2
  if (syscall(SYS_renameat2, dfd, from, dfd, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != ENOSYS && errno != EINVAL) return -1;
#endif
  /* no renameat2 here: the template's lock keeps other svinstance runs
     out, so only a directory made by hand this very moment could be hit */
  struct stat st;
  if (fstatat(dfd, to, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    errno = EEXIST;
    return -1;
  }
  return renameat(dfd, from, dfd, to);
}

static int rm_at(int dfd, char const *name, unsigned depth, dev_t dev) {
  if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT) return 0;
  if (errno != EISDIR && errno != EPERM) return -1;
  if (depth >= TREE_DEPTH_MAX) {
    errno = ENAMETOOLONG;
    return -1;
  }
  int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? 0 : -1;
  struct stat st;
  int bad = fstat(fd, &st) < 0;
  if (!bad && depth && st.st_dev != dev) {
    bad = 1;
    errno = EXDEV; /* something mounted there: not ours to empty */
  }
  if (bad) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  /* an entry made while we read would fail the rmdir: a few more rounds */
  for (int round = 0; round < 3; round++) {
    int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = dup_fd < 0 ? 0 : fdopendir(dup_fd);
    if (!dir) {
      int e = errno;
      if (dup_fd >= 0) close(dup_fd);
      close(fd);
      errno = e;
      return -1;
    }
    for (;;) {
      errno = 0;
      struct dirent *e = readdir(dir);
      if (!e) break;
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      if (rm_at(fd, e->d_name, depth + 1, st.st_dev) < 0) break;
    }
    int e = errno;
    closedir(dir);
    if (e) {
      close(fd);
      errno = e;
      return -1;
    }
    if (unlinkat(dfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT) {
      close(fd);
      return 0;
    }
    if (errno != ENOTEMPTY && errno != EEXIST) break;
  }
  int e = errno;
  close(fd);
  errno = e;
  return -1;
}

int remove_tree(int dfd, char const *name) {
  return rm_at(dfd, name, 0, 0);
}

/* DIR/supervise (LEVEL 0) or DIR/log/supervise (1) of the instance being
   removed, opened without following a symlink; -1 with ENOENT if none. */
static int open_supervise(int scanfd, char const *hidden, int level) {
  int fd =
      openat(scanfd, hidden, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 && level) {
    int log =
        openat(fd, "log", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    close(fd);
    errno = e;
    fd = log;
  }
  if (fd < 0) return -1;
  int sv = tend_open_typed(fd, "supervise", O_RDONLY | O_DIRECTORY, S_IFDIR);
  int e = errno;
  close(fd);
  errno = e;
  return sv;
}

/* Writes CMD to supervise/control if a supervise reads it. */
static int control(int svfd, char const *cmd) {
  int fd = tend_open_typed(svfd, "control", O_WRONLY, S_IFIFO);
  if (fd < 0) return errno == ENXIO || errno == ENOENT ? 0 : -1;
  if (tend_control_write(fd, cmd, strlen(cmd)) < 0 && errno != EAGAIN)
    return -1;
  return 0;
}

/* 1 if a supervise holds supervise/lock, 0 if none does. */
static int lock_held(int svfd) {
  int fd = tend_open_typed(svfd, "lock", O_RDONLY, S_IFREG);
  if (fd < 0) return errno == ENOENT ? 0 : -1;
  /* flock(), as supervise takes it (a fcntl lock would not see it) */
  int r = flock(fd, LOCK_SH | LOCK_NB);
  int e = errno;
  close(fd);
  if (r == 0) return 0;
  errno = e;
  return e == EWOULDBLOCK ? 1 : -1;
}

static int timeout_from(int64_t deadline) {
  if (deadline < 0) return -1;
  int64_t left = deadline - tend_clock_ms();
  return left <= 0 ? 0 : left > 86400000 ? 86400000 : (int)left;
}

/* Waits until no supervise runs in SVFD's directory. A supervise holds the
   read end of supervise/ok; our write end reports POLLERR the moment it is
   gone. One that has its lock but no ok yet is just starting. */
static int wait_gone(int svfd, int64_t deadline) {
  for (;;) {
    int fd = tend_open_typed(svfd, "ok", O_WRONLY, S_IFIFO);
    if (fd >= 0) {
      struct pollfd p = {fd, 0, 0};
      int r = poll(&p, 1, timeout_from(deadline));
      int e = errno;
      close(fd);
      if (r < 0 && e != EINTR) {
        errno = e;
        return -1;
      }
      if (r == 0) {
        errno = ETIMEDOUT;
        return -1;
      }
      continue; /* gone, or is it another one now? */
    }
    if (errno != ENXIO && errno != ENOENT) return -1;
    int held = lock_held(svfd);
    if (held <= 0) return held;
    if (timeout_from(deadline) == 0) {
      errno = ETIMEDOUT;
      return -1;
    }
    poll(0, 0, STARTING_MS);
  }
}

struct going {
  char name[NAME_MAX + 1]; /* .NAME@ID.remove */
  int failed;
};

/* Sends CMD to each one's supervise at LEVEL (0: the service, 1: its
   logger), then waits until each of those supervisors is gone. */
static void stop_level(struct tmpl const *t, struct going *g, size_t n,
                       int level, char const *cmd, int64_t deadline) {
  char const *sub = level ? "/log" : "";
  for (size_t i = 0; i < n; i++) {
    if (g[i].failed) continue;
    int sv = open_supervise(t->scanfd, g[i].name, level);
    if (sv < 0 && errno == ENOENT) continue;
    if (sv < 0 || control(sv, cmd) < 0) {
      tend_warnsys("unable to control ", where(t, g[i].name, sub));
      g[i].failed = 1;
    }
    if (sv >= 0) close(sv);
  }
  for (size_t i = 0; i < n; i++) {
    if (g[i].failed) continue;
    int sv = open_supervise(t->scanfd, g[i].name, level);
    if (sv < 0 && errno == ENOENT) continue;
    if (sv < 0 || wait_gone(sv, deadline) < 0) {
      if (errno == ETIMEDOUT)
        tend_warn("unable to remove ", where(t, g[i].name, sub),
                  ": timed out waiting for its supervise to exit");
      else
        tend_warnsys("unable to wait for the supervise of ",
                     where(t, g[i].name, sub));
      g[i].failed = 1;
    }
    if (sv >= 0) close(sv);
  }
}

/* Everything in G is under its dot name: stop, wait, delete. */
static int finish(struct tmpl const *t, struct going *g, size_t n,
                  int64_t deadline) {
  int failed = 0;
  stop_level(t, g, n, 0, "dx", deadline);
  stop_level(t, g, n, 1, "x", deadline);
  for (size_t i = 0; i < n; i++) {
    if (!g[i].failed && remove_tree(t->scanfd, g[i].name) < 0) {
      tend_warnsys("unable to remove ", where(t, g[i].name, ""));
      g[i].failed = 1;
    }
    failed |= g[i].failed;
  }
  return failed ? -1 : 0;
}

int instances_remove(struct tmpl const *t, char const *const *ids, size_t n,
                     int64_t deadline) {
  struct going *g = calloc(n ? n : 1, sizeof *g);
  if (!g) tend_diesys(111, "unable to allocate memory");
  int failed = 0;
  struct stat st;
  size_t k = 0;
  /* first what an earlier run left half removed */
  for (size_t i = 0; i < n; i++) {
    snprintf(g[k].name, sizeof g[k].name, ".%s%s.remove", t->name, ids[i]);
    if (fstatat(t->scanfd, g[k].name, &st, AT_SYMLINK_NOFOLLOW) == 0) k++;
  }
  if (k && finish(t, g, k, deadline) < 0) failed = 1;
  memset(g, 0, n * sizeof *g);
  k = 0;
  for (size_t i = 0; i < n; i++) {
    char name[TEMPLATE_MAX + ID_MAX + 1];
    snprintf(name, sizeof name, "%s%s", t->name, ids[i]);
    if (fstatat(t->scanfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno == ENOENT) continue; /* not there: nothing to do */
      tend_warnsys("unable to read ", where(t, name, ""));
      failed = 1;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      tend_warn("unable to remove ", where(t, name, ""), ": not a directory");
      failed = 1;
      continue;
    }
    snprintf(g[k].name, sizeof g[k].name, ".%s.remove", name);
    if (rename_noreplace(t->scanfd, name, g[k].name) < 0) {
      tend_warnsys("unable to rename ", where(t, name, ""), " to ", g[k].name);
      failed = 1;
      continue;
    }
    k++;
  }
  if (k && finish(t, g, k, deadline) < 0) failed = 1;
  free(g);
  return failed ? -1 : 0;
}
