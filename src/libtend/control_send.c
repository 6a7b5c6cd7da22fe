/* Sending command bytes to supervise/control, and probing supervise/ok.
   Both must be FIFOs: a symlink planted there would have root's svc write
   into its target, and a regular file at ok would pass for a live
   supervise (interface §2). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <tend/control.h>
#include <tend/safeopen.h>

static int open_fifo(char const *dir, char const *name) {
  int dfd = AT_FDCWD;
  if (dir) {
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return -1;
  }
  /* O_NONBLOCK: a FIFO nobody reads gives ENXIO instead of blocking */
  int fd = tend_open_typed(dfd, name, O_WRONLY, S_IFIFO);
  int e = errno;
  if (dir) close(dfd);
  errno = e;
  return fd;
}

int tend_control_write(int fd, char const *cmd, size_t len) {
  if (fd < 0) return -1;
  size_t w = allwrite(fd, cmd, len);
  int e = errno;
  close(fd);
  errno = e;
  return w < len ? -1 : 0;
}

int tend_control_send(char const *dir, char const *cmd, size_t len) {
  return tend_control_write(open_fifo(dir, "supervise/control"), cmd, len);
}

int tend_supervise_alive(char const *dir) {
  int fd = open_fifo(dir, "supervise/ok");
  if (fd < 0) return (errno == ENXIO || errno == ENOENT) ? 0 : -1;
  close(fd);
  return 1;
}
