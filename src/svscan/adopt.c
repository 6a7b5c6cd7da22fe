/* The files svscan opens in a service directory (supervise/ok, status,
   control), adopting a supervise left running by an earlier svscan, and
   making or recovering a logged service's pipe (doc/svscan.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <tend/control.h>
#include <tend/msg.h>
#include <tend/safeopen.h>
#include "svscan.h"

static void close_keep_errno(int fd) {
  int e = errno;
  if (fd >= 0) close(fd);
  errno = e;
}

int sv_open(char const *dir, char const *file, int flags, mode_t type) {
  char path[NAME_MAX + 64];
  size_t n = strlen(dir);
  if (n + sizeof "/supervise" > sizeof path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(path, dir, n);
  memcpy(path + n, "/supervise", sizeof "/supervise");
  int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return -1;
  int fd = tend_open_typed(dfd, file, flags, type);
  close_keep_errno(dfd);
  return fd;
}

/* Through /proc/PID/cwd for a supervise whose pid is known; an adopted one
   must still be alive after the open (its pid is not ours to keep), so
   that the file is its own and not that of whoever got the pid next. */
static int proc_open(struct service const *s, int which, char const *file,
                     int flags, mode_t type) {
  char path[NAME_MAX + 32];
  struct proc const *p = &s->p[which];
  proc_dir(s, which, path);
  int fd = sv_open(path, file, flags, type);
  if (fd >= 0 && p->kind == WATCHED && tend_pidfd_signal(p->pidfd, 0, 0) < 0) {
    close(fd);
    errno = ESRCH;
    return -1;
  }
  return fd;
}

int sv_status_read(tend_status *st, char const *dir) {
  return tend_status_read_fd(st, sv_open(dir, "status", O_RDONLY, S_IFREG));
}

int sv_proc_status(tend_status *st, struct service const *s, int which) {
  return tend_status_read_fd(st,
                             proc_open(s, which, "status", O_RDONLY, S_IFREG));
}

int sv_alive(char const *dir) {
  int fd = sv_open(dir, "ok", O_WRONLY, S_IFIFO);
  if (fd >= 0) {
    close(fd);
    return 1;
  }
  /* nobody reads the FIFO, or no FIFO is there: no supervise holds it */
  if (errno == ENXIO || errno == ENOENT || errno == ENOTDIR ||
      errno == EISDIR || errno == ELOOP || errno == TEND_EFTYPE)
    return 0;
  return -1;
}

int sv_control(char const *dir, char const *cmd, size_t len) {
  return tend_control_write(sv_open(dir, "control", O_WRONLY, S_IFIFO), cmd,
                            len);
}

int sv_proc_control(struct service const *s, int which, char const *cmd,
                    size_t len) {
  return tend_control_write(proc_open(s, which, "control", O_WRONLY, S_IFIFO),
                            cmd, len);
}

/* NAME/supervise as supervise itself would make it: a dangling symlink
   there gets its target created. */
static int supervise_dir_make(int nfd) {
  if (mkdirat(nfd, "supervise", 0700) < 0 && errno != EEXIST) return -1;
  int sfd = openat(nfd, "supervise", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (sfd >= 0 || errno != ENOENT) return sfd;
  char target[PATH_MAX];
  ssize_t n = readlinkat(nfd, "supervise", target, sizeof target - 1);
  if (n <= 0) return -1;
  target[n] = 0;
  if (mkdirat(nfd, target, 0700) < 0 && errno != EEXIST) return -1;
  return openat(nfd, "supervise", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int sv_prefill_exit(char const *name) {
  int fd = -1, sfd = -1;
  int nfd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (nfd < 0) return -1;
  sfd = supervise_dir_make(nfd);
  if (sfd < 0) goto done;
  if (mkfifoat(sfd, "control", 0600) < 0 && errno != EEXIST) goto done;
  /* read-write: never blocks, and the byte stays while we hold it */
  fd = tend_open_typed(sfd, "control", O_RDWR, S_IFIFO);
  if (fd >= 0 && write(fd, "x", 1) != 1) {
    if (errno == 0) errno = EAGAIN;
    close_keep_errno(fd);
    fd = -1;
  }
done:
  close_keep_errno(sfd);
  close_keep_errno(nfd);
  return fd;
}

static int same_dir(pid_t pid, struct stat const *d) {
  char path[TEND_PROC_PATH];
  struct stat c;
  return stat(tend_proc_path(path, pid, "cwd", -1, 0), &c) == 0 &&
         c.st_dev == d->st_dev && c.st_ino == d->st_ino;
}

/* A supervise already runs on the directory (left by an svscan that was
   killed): watch it instead of starting another. Its pid is taken from
   supervise/status only once /proc/PID/cwd shows it works in this very
   directory, and is kept only with a pidfd opened before a second check;
   otherwise the supervise is foreign: probed, never signalled. */
int try_adopt(struct service *s, int which) {
  char path[NAME_MAX + 8];
  struct stat d;
  tend_status st;
  struct proc *p = &s->p[which];
  dir_of(s, which, path);
  int alive = sv_alive(path);
  if (alive <= 0) return alive;
  if (stat(path, &d) < 0) return errno == ENOENT ? 0 : -1;
  p->kind = FOREIGN;
  p->pid = 0;
  p->started = tend_clock_ms();
  p->restart_at = NEVER;
  int r = sv_status_read(&st, path);
  if (r < 0 && errno != ENOENT)
    tend_warnsys("unable to read ", path, "/supervise/status");
  pid_t sv = r == 1 && st.svpid <= INT_MAX ? (pid_t)st.svpid : 0;
  if (sv > 1 && sv != getpid() && same_dir(sv, &d)) {
    p->pid = sv; /* for recover_end only, unless the pidfd proves it */
    int fd = tend_pidfd_open(sv);
    /* it might have died between the check and the open */
    if (fd >= 0 && !same_dir(sv, &d)) {
      close(fd);
      p->kind = NONE;
      p->pid = 0;
      return 0;
    }
    if (fd >= 0) p->kind = WATCHED, p->pidfd = fd;
  }
  return 1;
}

/* The other end of the pipe FD, through /proc (blocking, close-on-exec). */
static int pipe_other_end(int fd, int want_write) {
  char path[TEND_PROC_PATH];
  int r = open(tend_proc_path(path, 0, "fd/", fd, ""),
               (want_write ? O_WRONLY : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
  if (r >= 0) tend_fd_block(r);
  return r;
}

static int same_file(struct stat const *st, int fd) {
  struct stat o;
  return fstat(fd, &o) == 0 && o.st_dev == st->st_dev && o.st_ino == st->st_ino;
}

/* An adopted supervise's end of the log pipe: the write end is the main
   supervise's stdout, the read end the log supervise's stdin. Only an
   adopted one is asked: our own children got a new pipe or none, and a
   stdout shared with svscan (a service that had no logger) is no log pipe. */
static int recover_end(struct proc const *p, int fd) {
  int r = -1;
  struct stat st;
  if (p->kind != WATCHED && p->kind != FOREIGN) return -1;
  if (p->kind == WATCHED) r = tend_pidfd_getfd(p->pidfd, fd);
  if (r < 0 && p->pid > 0) {
    char path[TEND_PROC_PATH];
    r = open(tend_proc_path(path, p->pid, "fd/", fd, ""),
             (fd ? O_WRONLY : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
    if (r >= 0 && p->kind == WATCHED && tend_pidfd_signal(p->pidfd, 0, 0) < 0)
      close(r), r = -1;
    if (r >= 0) tend_fd_block(r);
  }
  if (r >= 0 && (fstat(r, &st) < 0 || !S_ISFIFO(st.st_mode) ||
                 same_file(&st, 1) || same_file(&st, 2)))
    close(r), r = -1;
  return r;
}

int setup_pipe(struct service *s) {
  int fds[2];
  if (s->p[LOG].kind != NONE && (fds[0] = recover_end(&s->p[LOG], 0)) >= 0) {
    fds[1] = pipe_other_end(fds[0], 1);
    if (fds[1] >= 0) goto done;
    close(fds[0]);
  }
  if (s->p[MAIN].kind != NONE && (fds[1] = recover_end(&s->p[MAIN], 1)) >= 0) {
    fds[0] = pipe_other_end(fds[1], 0);
    if (fds[0] >= 0) goto done;
    close(fds[1]);
  }
  if (s->p[LOG].kind != NONE && s->p[MAIN].kind != NONE && !s->failing)
    tend_warn("unable to recover the log pipe of ", s->name);
  if (pipe2(fds, O_CLOEXEC) < 0) return -1;
done:
  s->pipe_r = fds[0];
  s->pipe_w = fds[1];
  return 0;
}
