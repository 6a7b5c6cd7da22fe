/* Readiness by systemd's protocol: ./run finds a datagram socket in
   NOTIFY_SOCKET and sends "READY=1". The socket is abstract (Linux), so a
   service that dropped privileges can still reach it; the kernel tells us
   the sender, and only the service's own session is believed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "supervise.h"

/* The name is the kernel's choice (autobind): an abstract name nobody
   had, so nobody can have taken it first. Another user may see it in
   /proc/net/unix and send to it, as to any abstract socket: the sender's
   credentials decide, not the name. */
int notify_socket_open(char *env, unsigned envlen) {
#ifdef SO_PASSCRED
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  int one = 1;
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  socklen_t len = sizeof sa;
  if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0 ||
      bind(fd, (struct sockaddr *)&sa, sizeof sa.sun_family) < 0 ||
      getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
    goto fail;
  size_t n = len - offsetof(struct sockaddr_un, sun_path);
  /* sun_path[0] is 0 (abstract); the rest holds no 0 (five hex digits) */
  if (n < 2 || sa.sun_path[0] || memchr(sa.sun_path + 1, 0, n - 1)) {
    errno = EPROTO;
    goto fail;
  }
  if (envlen < sizeof "NOTIFY_SOCKET=" + n) {
    errno = ENAMETOOLONG;
    goto fail;
  }
  memcpy(env, "NOTIFY_SOCKET=@", 15);
  memcpy(env + 15, sa.sun_path + 1, n - 1);
  env[14 + n] = 0;
  return fd;
fail:;
  int e = errno;
  close(fd);
  errno = e;
  return -1;
#else
  errno = ENOSYS;
  return -1;
#endif
}

static int has_ready_line(char const *s, size_t len) {
  static char const word[] = "READY=1";
  size_t w = sizeof word - 1;
  for (size_t i = 0; i + w <= len; i++)
    if ((i == 0 || s[i - 1] == '\n') && !memcmp(s + i, word, w) &&
        (i + w == len || s[i + w] == '\n'))
      return 1;
  return 0;
}

/* 1 if a datagram from LEADER's session said READY=1; 0 otherwise. */
int notify_socket_ready(int fd, pid_t leader) {
#ifdef SO_PASSCRED
  for (;;) {
    char buf[4096];
    union {
      struct cmsghdr h;
      char space[CMSG_SPACE(sizeof(struct ucred))];
    } control;
    struct iovec iov = {buf, sizeof buf};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = &control;
    msg.msg_controllen = sizeof control;
    ssize_t r = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (r < 0) return 0;
    pid_t sender = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
        struct ucred cred;
        memcpy(&cred, CMSG_DATA(c), sizeof cred);
        sender = cred.pid;
      }
    if (sender != leader && getsid(sender) != leader) continue;
    if (has_ready_line(buf, (size_t)r)) return 1;
  }
#else
  return 0;
#endif
}
