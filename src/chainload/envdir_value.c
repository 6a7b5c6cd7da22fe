/* One file of an envdir: its first line, read without following it past
   ENVDIR_LINE_MAX, from a regular file only (doc/envdir.8). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tend/safeopen.h>
#include "envdir_value.h"

static int refuse(mode_t mode) {
  errno = S_ISDIR(mode) ? EISDIR : TEND_EFTYPE;
  return -1;
}

int envdir_open(char const *name) {
  struct stat s;
  /* a symlink is followed (env files are often shared that way), but
     what it leads to must be a regular file, checked before the open */
  if (stat(name, &s) < 0) return -1;
  if (!S_ISREG(s.st_mode)) return refuse(s.st_mode);
  int fd = open(name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return -1;
  if (fstat(fd, &s) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  if (!S_ISREG(s.st_mode)) { /* swapped between the stat and the open */
    close(fd);
    return refuse(s.st_mode);
  }
  return fd;
}

ssize_t envdir_read_line(int fd, char *buf) {
  size_t len = 0;
  for (;;) {
    ssize_t r = read(fd, buf + len, ENVDIR_LINE_MAX + 1 - len);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (!r) break;
    char const *newline = memchr(buf + len, '\n', (size_t)r);
    if (newline) return newline - buf;
    len += (size_t)r;
    if (len > ENVDIR_LINE_MAX) return ENVDIR_TOO_LONG;
  }
  return len ? (ssize_t)len : ENVDIR_EMPTY;
}

size_t envdir_value(char *line, size_t len) {
  while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
    len--;
  for (size_t i = 0; i < len; i++)
    if (!line[i]) line[i] = '\n';
  return len;
}
