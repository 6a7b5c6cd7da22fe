/* Reading supervise/status, as a client does: a regular file, never
   through a symlink, never blocking (a FIFO planted there would hang the
   reader past any -T). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <tend/safeopen.h>
#include <tend/status.h>

int tend_status_read_fd(tend_status *st, int fd) {
  char buf[TEND_STATUS_SIZE];
  size_t len = 0;
  ssize_t r = 0;
  if (fd < 0) return -1;
  while (len < sizeof buf && (r = fd_read(fd, buf + len, sizeof buf - len)) > 0)
    len += (size_t)r;
  int e = errno;
  close(fd);
  errno = e;
  return r < 0 ? -1 : tend_status_unpack(st, buf, len);
}

int tend_status_read(tend_status *st, char const *dir) {
  int dfd = AT_FDCWD;
  if (dir) {
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return -1;
  }
  int fd = tend_open_typed(dfd, "supervise/status", O_RDONLY, S_IFREG);
  int e = errno;
  if (dir) close(dfd);
  errno = e;
  return tend_status_read_fd(st, fd);
}
