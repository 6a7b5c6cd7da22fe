/* Reading supervise/status, as a client does: a regular file, never
   through a symlink, never blocking (a FIFO planted there would hang the
   reader past any -T). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tend/safeopen.h>
#include <tend/status.h>

int tend_status_read(tend_status *st, char const *dir) {
  char buf[TEND_STATUS_SIZE];
  int dfd = AT_FDCWD;
  if (dir) {
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return -1;
  }
  int fd = tend_open_typed(dfd, "supervise/status", O_RDONLY, S_IFREG);
  int e = errno;
  if (dir) close(dfd);
  if (fd < 0) {
    errno = e;
    return -1;
  }
  size_t len = 0;
  while (len < sizeof buf) {
    ssize_t r = read(fd, buf + len, sizeof buf - len);
    if (r < 0) {
      if (errno == EINTR) continue;
      e = errno;
      close(fd);
      errno = e;
      return -1;
    }
    if (!r) break;
    len += (size_t)r;
  }
  close(fd);
  return tend_status_unpack(st, buf, len);
}
