/* Reading a small text file line by line (/proc, /sys, /etc files) into
   the caller's buffer, for cgroup.c and socket.c. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "supervise.h"

int each_line(int dfd, char const *file, char *buf, size_t len,
              int (*fn)(char *line, void *arg), void *arg) {
  int fd = openat(dfd, file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t have = 0;
  int skipping = 0, r = 0;
  for (;;) {
    ssize_t n = read(fd, buf + have, len - 1 - have);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n < 0)
        r = -1;
      else if (have && !skipping) /* a last line without newline */
        buf[have] = 0, r = fn(buf, arg);
      break;
    }
    have += (size_t)n;
    char *nl;
    while (!r && (nl = memchr(buf, '\n', have))) {
      *nl = 0;
      if (!skipping) r = fn(buf, arg);
      skipping = 0;
      have -= (size_t)(nl + 1 - buf);
      memmove(buf, nl + 1, have);
    }
    if (r) break;
    if (have == len - 1) have = 0, skipping = 1; /* a line too long */
  }
  int e = errno;
  close(fd);
  errno = e;
  return r;
}
