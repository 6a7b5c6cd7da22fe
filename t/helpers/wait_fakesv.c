/* wait_fakesv DIR...: a stand-in supervise for many directories at once
   that answers a command faster than any real one: on 't' it counts a
   start, on 'd' it shows down, on 'u' up, each written to status at once.
   svc -w must have taken its first look before that. Prints "ready" on
   stdout once every directory is set up. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tend/status.h>

static void die(char const *what, char const *dir) {
  fprintf(stderr, "wait_fakesv: %s %s: %s\n", what, dir, strerror(errno));
  exit(111);
}

static void publish(int here, char const *dir, tend_status const *st) {
  if (chdir(dir) < 0) die("chdir", dir);
  if (tend_status_write(st) < 0) die("write status in", dir);
  if (fchdir(here) < 0) die("fchdir back from", dir);
}

int main(int argc, char **argv) {
  int n = argc - 1;
  if (n < 1) return 100;
  struct pollfd *fds = calloc((size_t)n, sizeof *fds);
  tend_status *st = calloc((size_t)n, sizeof *st);
  int here = open(".", O_RDONLY | O_DIRECTORY);
  if (!fds || !st || here < 0) die("start", "");
  char path[4096];
  for (int i = 0; i < n; i++) {
    char const *dir = argv[i + 1];
    snprintf(path, sizeof path, "%s/supervise", dir);
    if (mkdir(path, 0700) < 0 && errno != EEXIST) die("mkdir", path);
    snprintf(path, sizeof path, "%s/supervise/control", dir);
    if (mkfifo(path, 0600) < 0 && errno != EEXIST) die("mkfifo", path);
    fds[i].fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fds[i].fd < 0 || open(path, O_WRONLY) < 0) die("open", path);
    fds[i].events = POLLIN;
    st[i].version = 1;
    st[i].pid = (uint32_t)getpid();
    st[i].state = TEND_STATE_RUN;
    st[i].want = 'u';
    st[i].flags = TEND_FLAG_READY;
    st[i].starts = 1;
    st[i].lastwait = TEND_WSTATUS_NONE;
    st[i].svpid = (uint32_t)getpid();
    publish(here, dir, &st[i]);
    snprintf(path, sizeof path, "%s/supervise/ok", dir);
    if (mkfifo(path, 0600) < 0 && errno != EEXIST) die("mkfifo", path);
    if (open(path, O_RDONLY | O_NONBLOCK) < 0) die("open", path);
  }
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    if (poll(fds, (nfds_t)n, -1) < 0 && errno != EINTR) die("poll", "");
    for (int i = 0; i < n; i++) {
      if (!fds[i].revents) continue;
      char buf[64];
      ssize_t r = read(fds[i].fd, buf, sizeof buf);
      for (ssize_t j = 0; j < r; j++) {
        if (buf[j] == 't') st[i].starts++;
        if (buf[j] == 'd') st[i].state = TEND_STATE_DOWN, st[i].pid = 0;
        if (buf[j] == 'u' || buf[j] == 't') {
          st[i].state = TEND_STATE_RUN;
          st[i].pid = (uint32_t)getpid();
        }
      }
      publish(here, argv[i + 1], &st[i]);
    }
  }
}
