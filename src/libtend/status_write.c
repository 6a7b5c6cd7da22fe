/* Writing supervise/status atomically: status.new, then rename. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <tend/status.h>

int tend_status_write(tend_status const *st) {
  char buf[TEND_STATUS_SIZE];
  tend_status_pack(buf, st);
  int fd = open("supervise/status.new",
                O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  ssize_t w;
  do
    w = write(fd, buf, sizeof buf);
  while (w < 0 && errno == EINTR);
  if (w != (ssize_t)sizeof buf) {
    int e = w < 0 ? errno : ENOSPC;
    close(fd);
    unlink("supervise/status.new");
    errno = e;
    return -1;
  }
  if (close(fd) < 0 || rename("supervise/status.new", "supervise/status") < 0) {
    int e = errno;
    unlink("supervise/status.new");
    errno = e;
    return -1;
  }
  return 0;
}
