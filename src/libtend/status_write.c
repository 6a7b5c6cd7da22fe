/* Writing supervise/status atomically: a new status.new, then a rename.
   On Linux the rename is an exchange (renameat2 RENAME_EXCHANGE) followed
   by the unlink of the old file: ext4 flushes a file renamed over another
   one (auto_da_alloc), which costs more than a restart; an exchange does
   not. Readers see the old file or the new one, never a torn one.
   skalibs' openwritenclose_suffix renames over the old file: so not it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <tend/status.h>

#define NEW "supervise/status.new"
#define CUR "supervise/status"

static int place(void) {
#ifdef RENAME_EXCHANGE
  if (renameat2(AT_FDCWD, NEW, AT_FDCWD, CUR, RENAME_EXCHANGE) == 0) {
    /* the old status: readers that hold it keep it whole */
    if (unlink(NEW) == 0 || errno != EISDIR) return 0;
    /* a directory was there, which rename would not replace: put it back */
    renameat2(AT_FDCWD, NEW, AT_FDCWD, CUR, RENAME_EXCHANGE);
    errno = EISDIR;
    return -1;
  }
  if (errno != ENOENT && errno != EINVAL && errno != ENOSYS) return -1;
#endif
  return rename(NEW, CUR);
}

int tend_status_write(tend_status const *st) {
  char buf[TEND_STATUS_SIZE];
  tend_status_pack(buf, st);
  int fd = open(NEW, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST) { /* left by a crash: never reuse it */
    unlink(NEW);
    fd = open(NEW, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  }
  if (fd < 0) return -1;
  if (allwrite(fd, buf, sizeof buf) < sizeof buf) {
    int e = errno;
    close(fd);
    unlink(NEW);
    errno = e;
    return -1;
  }
  if (close(fd) < 0 || place() < 0) {
    int e = errno;
    unlink(NEW);
    errno = e;
    return -1;
  }
  return 0;
}
