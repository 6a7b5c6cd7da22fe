/* svprobe-helper: the three parts of bench/svprobe.sh in one small program
   (built by the bench into its temp dir, once static and once dynamic).

   svprobe-helper serve
     A tiny HTTP server on 127.0.0.1, on a port the kernel picks, printed
     on stdout: for each connection, one after the other, it reads the
     request up to its empty line and answers "200 OK" with a 3-byte body,
     then closes. A connection that closes without a request (a tcp probe)
     is just closed. Runs until killed.

   svprobe-helper loop N PROG ARG... [-- PROG2 ARG...]
     Runs PROG ARG... N times, one after the other (posix_spawn, stdout to
     /dev/null), and prints "CPU WALL": the CPU time (user + system) of the
     N runs divided by N, and the median wall time of one run from spawn to
     reaped, both in microseconds. Exit 1 if a run failed. With a second
     command, each time runs PROG then PROG2 and prints "CPU WALL WALL2"
     (bench/svwait.sh: a stop, then a start).

   svprobe-helper floor ...
     Exits 0 at once: the cost of starting a program, which no probe can
     go below. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

extern char **environ;

static int serve(void) {
  static char const answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                               "Connection: close\r\n\r\nok\n";
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 ||
      listen(s, 128) < 0 || getsockname(s, (struct sockaddr *)&sa, &len) < 0) {
    perror("svprobe-helper: unable to listen");
    return 111;
  }
  printf("%u\n", ntohs(sa.sin_port));
  fflush(stdout);
  signal(SIGPIPE, SIG_IGN);
  for (;;) {
    int c = accept(s, 0, 0);
    if (c < 0) continue;
    char buf[8192];
    size_t got = 0;
    for (;;) {
      ssize_t n = read(c, buf + got, sizeof buf - got);
      if (n <= 0) break;
      got += (size_t)n;
      if (got >= 4 && !memcmp(buf + got - 4, "\r\n\r\n", 4)) {
        if (write(c, answer, sizeof answer - 1) < 0) break;
        break;
      }
      if (got == sizeof buf) break;
    }
    close(c);
  }
}

static int cmp(void const *a, void const *b) {
  long x = *(long const *)a, y = *(long const *)b;
  return x < y ? -1 : x > y;
}

static long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* Runs ARGV once (stdout to /dev/null): its wall time in us, or -1 if it
   could not run or failed. */
static long run_once(char **argv, posix_spawn_file_actions_t *fa) {
  pid_t pid;
  int st;
  long t0 = now_us();
  if (posix_spawn(&pid, argv[0], fa, 0, argv, environ)) {
    perror("svprobe-helper: unable to spawn");
    return -1;
  }
  if (waitpid(pid, &st, 0) < 0) return -1;
  long t = now_us() - t0;
  if (!WIFEXITED(st) || WEXITSTATUS(st)) {
    fprintf(stderr, "svprobe-helper: %s failed (status %d)\n", argv[0], st);
    return -1;
  }
  return t;
}

static long median_of(long *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int loop(int n, char **argv) {
  char **second = 0;
  for (char **a = argv; *a; a++)
    if (!strcmp(*a, "--")) {
      *a = 0;
      second = a + 1;
      break;
    }
  long *wall = calloc((size_t)n * 2, sizeof *wall);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  for (int i = 0; i < n; i++) {
    if ((wall[i] = run_once(argv, &fa)) < 0) return 1;
    if (second && (wall[n + i] = run_once(second, &fa)) < 0) return 1;
  }
  struct rusage ru;
  getrusage(RUSAGE_CHILDREN, &ru);
  long cpu = ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec +
             ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec;
  printf("%.1f %ld", (double)cpu / n, median_of(wall, n));
  if (second) printf(" %ld", median_of(wall + n, n));
  printf("\n");
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "serve")) return serve();
  if (argc >= 4 && !strcmp(argv[1], "loop") && atoi(argv[2]) > 0)
    return loop(atoi(argv[2]), argv + 3);
  if (argc >= 2 && !strcmp(argv[1], "floor")) return 0;
  fprintf(stderr, "svprobe-helper: usage: serve | loop N PROG ARG... "
                  "[-- PROG2 ARG...] | "
                  "floor ...\n");
  return 100;
}
