/* pidfds through syscall(): glibc has wrappers only since 2.36. The
   #else branches are real: kernel headers older than the call compile
   to ENOSYS, as an older kernel answers at run time, and every caller
   has a fallback for it. */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <tend/proc.h>

int tend_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
  return (int)syscall(SYS_pidfd_open, pid, 0); /* close-on-exec always */
#else
  errno = ENOSYS;
  return -1;
#endif
}

int tend_pidfd_signal(int pidfd, int sig, unsigned flags) {
#ifdef SYS_pidfd_send_signal
  return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, 0, flags);
#else
  errno = ENOSYS;
  return -1;
#endif
}

int tend_pidfd_getfd(int pidfd, int fd) {
#ifdef SYS_pidfd_getfd
  return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
#else
  errno = ENOSYS;
  return -1;
#endif
}
