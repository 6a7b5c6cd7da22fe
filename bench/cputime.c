/* cputime CMD...: runs CMD with standard output on /dev/null and prints
   "WALL CPU" in microseconds: the wall time from fork to reap
   (CLOCK_MONOTONIC), and the user + system time the kernel charged to CMD
   (wait4's rusage). On a busy machine the wall time grows with the
   machine's load; the CPU time much less. Exits 1 if CMD fails.
   Standalone (bench_cc). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long us(struct timeval const *tv) {
  return (long long)tv->tv_sec * 1000000 + tv->tv_usec;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: cputime CMD...\n");
    return 100;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0) return 111;
  if (!pid) {
    int fd = open("/dev/null", O_WRONLY);
    if (fd < 0 || dup2(fd, 1) < 0) _exit(111);
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  int ws;
  struct rusage ru;
  if (wait4(pid, &ws, 0, &ru) != pid) return 111;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long wall = (long long)(t1.tv_sec - t0.tv_sec) * 1000000 +
                   (t1.tv_nsec - t0.tv_nsec) / 1000;
  printf("%lld %lld\n", wall, us(&ru.ru_utime) + us(&ru.ru_stime));
  return WIFEXITED(ws) && WEXITSTATUS(ws) == 0 ? 0 : 1;
}
