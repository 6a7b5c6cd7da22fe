/* Reading supervise/status, as a client does. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <tend/status.h>

int tend_status_read(tend_status *st, char const *dir) {
  char path[4096];
  char buf[TEND_STATUS_SIZE];
  size_t dirlen = dir ? strlen(dir) : 0;
  static char const name[] = "supervise/status";
  if (dirlen + sizeof name + 1 > sizeof path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  if (dir) {
    memcpy(path, dir, dirlen);
    path[dirlen++] = '/';
  }
  memcpy(path + dirlen, name, sizeof name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t len = 0;
  while (len < sizeof buf) {
    ssize_t r = read(fd, buf + len, sizeof buf - len);
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
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
