/* listen_serve [PORT]: a tiny TCP server that answers every connection
   with its pid and a newline. Without PORT it takes its socket from
   supervise (fd 3, sd_listen_fds(3)'s LISTEN_FDS and LISTEN_PID, which
   must be its own pid); with PORT it binds 127.0.0.1:PORT itself, as a
   service does without a socket file. TERM is only taken between two
   connections (ppoll unblocks it there alone), so a connection it has
   accepted is always answered: what a client sees across a restart is
   the supervisor's doing, not this server's. Used by t/95 and
   bench/socket.sh (self-contained: the bench compiles it alone). */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_term(int sig) {
  (void)sig;
  stop = 1;
}

int main(int argc, char **argv) {
  int fd = 3;
  if (argc > 1) {
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(argv[1]));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        listen(fd, 4096) < 0) {
      perror("listen_serve: unable to listen");
      return 111;
    }
  } else {
    char const *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
    if (!fds || !pid || atoi(fds) < 1 || atol(pid) != (long)getpid()) {
      fputs("listen_serve: no socket from sd_listen_fds\n", stderr);
      return 111;
    }
  }
  sigset_t term, open_mask;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigprocmask(SIG_BLOCK, &term, &open_mask);
  sigdelset(&open_mask, SIGTERM);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, 0);
  char reply[32];
  int len = snprintf(reply, sizeof reply, "%ld\n", (long)getpid());
  while (!stop) {
    struct pollfd p = {fd, POLLIN, 0};
    if (ppoll(&p, 1, 0, &open_mask) <= 0) continue;
    int c = accept4(fd, 0, 0, SOCK_CLOEXEC);
    if (c < 0) continue;
    ssize_t w = write(c, reply, (size_t)len); /* gone: nothing to do */
    (void)w;
    close(c);
  }
  return 0;
}
