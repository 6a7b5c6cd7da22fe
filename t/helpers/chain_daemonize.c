/* chain_daemonize PIDFILE FIFO CODE: behaves like a classic daemon that
   puts itself in the background, to test fghack. The process started
   forks; the child starts a new session and forks the daemon, then exits;
   the first process reaps it and exits with CODE. The daemon, once
   reparented away from the middle process, writes "FIRSTPID DAEMONPID" to
   PIDFILE (atomically), reads FIFO until end of file, and exits 0. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 4) return 100;
  pid_t first = getpid();
  pid_t middle = fork();
  if (middle == -1) return 111;
  if (middle > 0) {
    int wstat;
    waitpid(middle, &wstat, 0);
    return atoi(argv[3]);
  }
  setsid();
  middle = getpid();
  pid_t daemon = fork();
  if (daemon == -1) _exit(111);
  if (daemon > 0) _exit(0);
  while (getppid() == middle) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, 0);
  }
  /* the usual daemon dance: leave the terminal fds behind */
  int null = open("/dev/null", O_RDWR);
  if (null == -1) _exit(111);
  dup2(null, 0);
  dup2(null, 1);
  dup2(null, 2);
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.new", argv[1]);
  FILE *f = fopen(tmp, "w");
  if (!f) _exit(111);
  fprintf(f, "%ld %ld\n", (long)first, (long)getpid());
  if (fclose(f) != 0 || rename(tmp, argv[1]) == -1) _exit(111);
  int fd = open(argv[2], O_RDONLY);
  if (fd == -1) _exit(111);
  char buf[64];
  while (read(fd, buf, sizeof buf) > 0) {
  }
  _exit(0);
}
