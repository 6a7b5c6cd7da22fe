/* svstat-fake DIR N LOG: makes N service directories DIR/s00001... as a
   running supervise leaves them (supervise/status in tend's 80-byte
   layout, supervise/ok and supervise/control FIFOs; with LOG 1, a log/
   beside each with the same), then holds the read end of every ok FIFO,
   as each supervise does, so that every client takes them for supervised.
   Past its limit of descriptors, it leaves the FIFOs it holds to a child
   and goes on with none. Creates DIR/.ready once all is open, then waits
   for TERM, and kills its children. Nothing runs: the pids in the status
   files are made up. Standalone (bench_cc). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void die(char const *what, char const *path) {
  fprintf(stderr, "svstat-fake: fatal: unable to %s %s\n", what, path);
  exit(111);
}

static int *held;
static unsigned nheld;
static pid_t *holders;
static unsigned nholders;

/* A child takes over the FIFOs held so far: this process has none. */
static void hand_off(char const *path) {
  if (!nheld) die("open", path);
  pid_t pid = fork();
  if (pid < 0) die("fork for", path);
  if (!pid)
    for (;;)
      pause();
  holders[nholders++] = pid;
  while (nheld)
    close(held[--nheld]);
}

/* open(), handing the FIFOs held off past the limit of descriptors. */
static int open_fd(char const *path, int flags, mode_t mode) {
  for (;;) {
    int fd = open(path, flags, mode);
    if (fd >= 0) return fd;
    if (errno != EMFILE && errno != ENFILE) die("open", path);
    hand_off(path);
  }
}

/* Holds the read end of the FIFO PATH, as a supervise does. */
static void hold(char const *path) {
  held[nheld++] = open_fd(path, O_RDONLY | O_NONBLOCK, 0);
}

static void stop(int sig) {
  for (unsigned i = 0; i < nholders; i++)
    kill(holders[i], SIGKILL);
  _exit(0);
}

static void put_big(unsigned char *p, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; i--, v >>= 8)
    p[i] = (unsigned char)v;
}

/* One supervised directory at PATH; I picks its state. */
static void make(char const *path, unsigned i, uint64_t now) {
  char p[4096];
  if (mkdir(path, 0755) < 0) die("mkdir", path);
  snprintf(p, sizeof p, "%s/supervise", path);
  if (mkdir(p, 0700) < 0) die("mkdir", p);
  unsigned char st[80] = {0};
  int up = i % 10 != 0; /* one in ten down, wanted up, restart pending */
  uint64_t label = (1ULL << 62) + 10 + now;
  put_big(st, label - 100 - i % 1000, 8);
  put_big(st + 8, 123456789, 4);
  uint32_t pid = up ? 10000 + i : 0;
  for (int b = 0; b < 4; b++)
    st[12 + b] = (unsigned char)(pid >> (8 * b));
  st[17] = 'u';
  st[19] = up;
  st[20] = 1;          /* extension version */
  st[21] = up ? 1 : 0; /* ready */
  put_big(st + 24, 1 + i % 7, 4);
  put_big(st + 28, up ? 0x0f : 0x100, 4); /* TERM, or exit 1 */
  put_big(st + 32, label - 100, 8);
  if (up) put_big(st + 44, label - 99, 8);
  if (!up) put_big(st + 56, label + 5, 8);
  put_big(st + 68, up ? 0 : 3, 4);
  put_big(st + 72, up ? 0 : 4000, 4);
  put_big(st + 76, 5000 + i, 4);
  snprintf(p, sizeof p, "%s/supervise/status", path);
  int fd = open_fd(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (write(fd, st, sizeof st) != sizeof st || close(fd) < 0) die("write", p);
  snprintf(p, sizeof p, "%s/supervise/control", path);
  if (mkfifo(p, 0600) < 0) die("mkfifo", p);
  snprintf(p, sizeof p, "%s/supervise/ok", path);
  if (mkfifo(p, 0600) < 0) die("mkfifo", p);
  hold(p);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: svstat-fake DIR N LOG\n");
    return 100;
  }
  char const *dir = argv[1];
  unsigned n = (unsigned)strtoul(argv[2], 0, 10);
  int log = atoi(argv[3]);
  unsigned total = n * (log ? 2 : 1);
  held = malloc(total * sizeof *held);
  holders = malloc(total * sizeof *holders);
  if (!held || !holders) die("allocate", "memory");
  struct rlimit rl; /* as many descriptors as allowed, to fork less */
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  signal(SIGTERM, stop);
  signal(SIGINT, stop);
  uint64_t now = (uint64_t)time(0);
  char path[4096];
  for (unsigned i = 1; i <= n; i++) {
    snprintf(path, sizeof path, "%s/s%05u", dir, i);
    make(path, i, now);
    if (log) {
      snprintf(path, sizeof path, "%s/s%05u/log", dir, i);
      make(path, i + 1, now);
    }
  }
  snprintf(path, sizeof path, "%s/.ready", dir);
  close(open_fd(path, O_WRONLY | O_CREAT, 0644));
  for (;;)
    pause();
}
