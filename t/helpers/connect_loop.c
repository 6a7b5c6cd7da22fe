/* connect_loop PORT OUT: connects to 127.0.0.1:PORT again and again, a
   little apart, until TERM, and reads each reply (a server's pid, from
   listen_serve). The first reply from each pid is appended to OUT as
   "PID NANOSECONDS" (CLOCK_REALTIME). At the end, stdout gets "ok N",
   "refused N" (connect said ECONNREFUSED: nothing listened) and "failed
   N" (a reset, a timeout, an empty reply), one a line, counted from the
   first reply on (before it the service was not up yet). Used by t/95 and
   bench/socket.sh (self-contained: the bench compiles it alone). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_term(int sig) {
  (void)sig;
  stop = 1;
}

int main(int argc, char **argv) {
  if (argc != 3) return 100;
  int out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) return 111;
  struct sigaction act;
  memset(&act, 0, sizeof act);
  act.sa_handler = on_term;
  sigaction(SIGTERM, &act, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)atoi(argv[1]));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  unsigned long ok = 0, refused = 0, failed = 0;
  long last = 0;
  struct timeval limit = {60, 0};
  struct linger reset = {1, 0}; /* no TIME_WAIT left on either side */
  struct timespec apart = {0, 500000};
  while (!stop) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 111;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
      if (errno == ECONNREFUSED)
        refused += last != 0;
      else if (errno != EINTR)
        failed += last != 0;
    } else {
      char buf[32];
      size_t got = 0;
      ssize_t r;
      while (got < sizeof buf - 1 &&
             (r = read(fd, buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)r;
      buf[got] = 0;
      long pid = got > 1 && buf[got - 1] == '\n' ? atol(buf) : 0;
      if (!pid)
        failed += !stop && last; /* a read cut short by TERM: no failure */
      else {
        ok++;
        if (pid != last) {
          struct timespec now;
          clock_gettime(CLOCK_REALTIME, &now);
          char line[64];
          int n = snprintf(line, sizeof line, "%ld %lld\n", pid,
                           (long long)now.tv_sec * 1000000000 + now.tv_nsec);
          if (write(out, line, (size_t)n) < 0) return 111;
          last = pid;
        }
      }
    }
    close(fd);
    nanosleep(&apart, 0);
  }
  printf("ok %lu\nrefused %lu\nfailed %lu\n", ok, refused, failed);
  return 0;
}
