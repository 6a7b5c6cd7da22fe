/* Linux process handles for the daemons: pidfds (a pid that cannot be
   reused under us) and the paths of /proc. */
#ifndef TEND_PROC_H
#define TEND_PROC_H

#include <sys/types.h>

/* pidfd_open (Linux 5.3; close-on-exec), pidfd_send_signal (5.1) and
   pidfd_getfd (5.6): -1 with errno set on failure, ENOSYS on a kernel
   (or kernel headers) without them, so that callers fall back. */
extern int tend_pidfd_open(pid_t pid);
extern int tend_pidfd_signal(int pidfd, int sig, unsigned flags);
extern int tend_pidfd_getfd(int pidfd, int fd);

/* "/proc/PID/FILE", PID 0 being "self"; with NUM >= 0, NUM and TAIL
   follow: tend_proc_path(p, 0, "fd/", 3, "") is "/proc/self/fd/3",
   tend_proc_path(p, pid, "task/", pid, "/children") a thread's children.
   FILE and TAIL are short constants: the result fits TEND_PROC_PATH. */
#define TEND_PROC_PATH 80
extern char *tend_proc_path(char *buf, pid_t pid, char const *file, long num,
                            char const *tail);

#endif
