/* Signals as bytes on a pipe: the handler only writes, the event loop
   reads the pipe among its other fds and does the work in its own time. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <tend/loop.h>

static int selfpipe_w = -1;

static void on_signal(int sig) {
  int e = errno;
  unsigned char c = (unsigned char)sig;
  if (write(selfpipe_w, &c, 1) < 0) {
    /* the pipe is full: a wake-up is pending anyway */
  }
  errno = e;
}

int tend_selfpipe_init(int const *sigs, unsigned n) {
  int p[2];
  if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) return -1;
  selfpipe_w = p[1];
  for (unsigned i = 0; i < n; i++) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART | (sigs[i] == SIGCHLD ? SA_NOCLDSTOP : 0);
    sigfillset(&sa.sa_mask);
    sigaction(sigs[i], &sa, 0);
  }
  return p[0];
}
