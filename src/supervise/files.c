/* What supervise keeps in DIR/supervise/: the directory, its lock, the
   control and ok FIFOs, and the status a previous supervise left. None of
   these opens follows a symlink planted inside supervise/ or blocks on a
   file of the wrong type (a FIFO where the status should be). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tend/msg.h>
#include <tend/safeopen.h>
#include <tend/status.h>
#include "supervise.h"

void files_make_dir(char const *dir) {
  if (mkdir("supervise", 0700) == 0) return;
  if (errno != EEXIST) tend_diesys(111, "unable to create ", dir, "/supervise");
  struct stat s;
  if (stat("supervise", &s) == 0) {
    if (!S_ISDIR(s.st_mode)) {
      errno = ENOTDIR;
      tend_diesys(111, "unable to use ", dir, "/supervise");
    }
    return;
  }
  /* a dangling symlink: create what it points to */
  char target[4096];
  ssize_t n = readlink("supervise", target, sizeof target - 1);
  if (n < 0) tend_diesys(111, "unable to read ", dir, "/supervise");
  target[n] = 0;
  if (mkdir(target, 0700) < 0 && errno != EEXIST)
    tend_diesys(111, "unable to create ", target);
}

/* The lock is opened read-only: flock needs no more, and a file open for
   writing would keep the file system from being remounted read-only. It
   is never replaced: another supervisor may hold the one that is there.
   flock, not skalibs' fcntl-based fd_lock: daemontools' and runit's
   supervisors take this lock with flock, and the two kinds do not see
   each other on Linux. */
int files_lock(char const *dir) {
  int fd;
  do
    fd = open("supervise/lock",
              O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
  while (fd < 0 && errno == EINTR);
  if (fd < 0 && errno == ELOOP) errno = TEND_EFTYPE;
  struct stat s;
  if (fd >= 0 && fstat(fd, &s) == 0 && !S_ISREG(s.st_mode)) {
    close(fd);
    fd = -1;
    errno = TEND_EFTYPE;
  }
  if (fd < 0) tend_diesys(111, "unable to open ", dir, "/supervise/lock");
  if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
    if (errno == EWOULDBLOCK) errno = EAGAIN;
    tend_diesys(111, "unable to acquire ", dir, "/supervise/lock");
  }
  return fd;
}

/* supervise/ belongs to the supervisor that holds the lock, so anything
   but a FIFO at control or ok (a regular file restored from a backup, a
   symlink) is removed and the FIFO made again, as a missing one is. */
int files_fifo(char const *dir, char const *name, int flags) {
  for (int replaced = 0;; replaced = 1) {
    if (mkfifo(name, 0600) < 0 && errno != EEXIST) return -1;
    int fd = tend_open_typed(AT_FDCWD, name, flags, S_IFIFO);
    if (fd >= 0 || errno != TEND_EFTYPE || replaced) return fd;
    if (unlink(name) < 0) return -1; /* a directory is not ours to remove */
    tend_warn("replaced ", dir, "/", name, ": it was not a FIFO");
  }
}

int files_read_status(tend_status *st) {
  int fd = tend_open_typed(AT_FDCWD, "supervise/status", O_RDONLY, S_IFREG);
  if (fd < 0) return -1;
  char buf[TEND_STATUS_SIZE];
  size_t len = 0;
  while (len < sizeof buf) {
    ssize_t r = read(fd, buf + len, sizeof buf - len);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    len += (size_t)r;
  }
  close(fd);
  return tend_status_unpack(st, buf, len);
}
