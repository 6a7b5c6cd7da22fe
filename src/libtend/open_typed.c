/* Opening a file of an expected type, without blocking on a FIFO, and
   (unless the caller says the directory is trusted) never through a
   symlink. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tend/safeopen.h>

static int open_checked(int dfd, char const *name, int flags, mode_t perm,
                        mode_t type) {
  int fd;
  do
    fd = openat(dfd, name, flags | O_NONBLOCK | O_CLOEXEC, perm);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    /* O_NOFOLLOW says ELOOP for a symlink as the last component */
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
  if ((s.st_mode & S_IFMT) != type) {
    close(fd);
    errno = TEND_EFTYPE;
    return -1;
  }
  return fd;
}

int tend_open_typed(int dfd, char const *name, int flags, mode_t type) {
  return open_checked(dfd, name, flags | O_NOFOLLOW, 0, type);
}

int tend_open_typed_follow(int dfd, char const *name, int flags, mode_t type) {
  return open_checked(dfd, name, flags, 0, type);
}

int tend_open_create(int dfd, char const *name, int flags, mode_t perm) {
  return open_checked(dfd, name, flags | O_CREAT | O_NOFOLLOW, perm, S_IFREG);
}

int tend_fd_block(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0) return -1;
  return fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
}
