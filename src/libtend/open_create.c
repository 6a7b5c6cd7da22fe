/* Creating (or opening) a regular file, never through a symlink. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tend/safeopen.h>

int tend_open_create(int dfd, char const *name, int flags, mode_t perm) {
  int fd;
  do
    fd = openat(dfd, name,
                flags | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, perm);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    /* a symlink, dangling or not, as the last component */
    if (errno == ELOOP) errno = TEND_EFTYPE;
    return -1;
  }
  struct stat s;
  if (fstat(fd, &s) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  if (!S_ISREG(s.st_mode)) {
    close(fd);
    errno = TEND_EFTYPE;
    return -1;
  }
  return fd;
}
