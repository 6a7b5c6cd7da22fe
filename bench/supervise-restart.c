/* supervise-restart: the two halves of bench/supervise.sh's restart
   measurement, in one small program (built by the bench into its temp dir).

   Called as run (any directory, any arguments) it is a service's ./run: it
   writes "PID NAME\n" (NAME = the basename of its working directory, the
   service directory, named KIND-sI) into the FIFO ../fifo, then waits for
   its SIGKILL in pause(): a long-running service like `exec sleep 1000000`,
   without a second exec whose work would overlap the next sample.

   Called as supervise-floor DIR (a symlink) it is the least a supervisor can be
   (a fork, exec, waitpid loop): the bench's reference for the cost that is not
   the supervisor's (the kill, the exit, the exec, the report, the wake-ups).

   Otherwise it is the waiter:
     supervise-restart FIFO TOTAL SAMPLES MINAGE_MS BUDGET_MS OUT PIDS
   It reads the FIFO until TOTAL distinct services have reported, then takes
   up to SAMPLES samples per kind, going round the kinds one sample at a
   time in a shuffled order (so that a burst of load elsewhere hits every
   kind alike, and none always follows the same one), 3 ms apart: it picks
   the kind's next service, waits until that one has been up for MINAGE_MS
   (so no supervisor's one-second throttle is measured), notes the time,
   SIGKILLs it and waits for that service's next report. A kind whose
   samples have taken BUDGET_MS in all gets no more (s6-supervise waits a
   second after every death). Each sample goes to OUT as "KIND MICROSECONDS".
   At the end (and on any failure) the last known pid of every service goes
   to PIDS, one a line, so the bench can kill them: they run in their own
   sessions. Exit 0 if every sample it started was taken, 111 otherwise. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXSVC 2048

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int service(void) {
  char cwd[PATH_MAX], line[PATH_MAX + 32];
  if (!getcwd(cwd, sizeof cwd)) return 111;
  char const *name = strrchr(cwd, '/');
  name = name ? name + 1 : cwd;
  int n = snprintf(line, sizeof line, "%ld %s\n", (long)getpid(), name);
  int fd = open("../fifo", O_WRONLY | O_NONBLOCK);
  if (fd >= 0) {
    if (write(fd, line, (size_t)n) < 0) { /* the waiter is gone */
    }
    close(fd);
  }
  /* the long-running service: as `exec sleep 1000000` would be, but
     without an exec whose work would overlap the next sample */
  for (;;)
    pause();
}

#define MAXKIND 16
#define SETTLE_US 3000

static int nsvc, nkind;
static char names[MAXSVC][64];
static pid_t pids[MAXSVC];
static long long since[MAXSVC];
static char kinds[MAXKIND][32];
static int kind_of[MAXSVC], count[MAXKIND], members[MAXKIND][MAXSVC];
static long long spent[MAXKIND];
static int fifo;
static volatile sig_atomic_t stopped; /* SIGINT or SIGTERM: dump and go */

static void on_stop(int sig) {
  stopped = sig;
}
static char buf[65536];
static size_t buflen;

static int find(char const *name) {
  for (int i = 0; i < nsvc; i++)
    if (!strcmp(names[i], name)) return i;
  if (nsvc == MAXSVC) return -1;
  char const *dash = strrchr(name, '-');
  size_t klen = dash ? (size_t)(dash - name) : strlen(name);
  if (klen >= sizeof kinds[0]) klen = sizeof kinds[0] - 1;
  int k = 0;
  while (k < nkind &&
         (strlen(kinds[k]) != klen || memcmp(kinds[k], name, klen)))
    k++;
  if (k == nkind) {
    if (nkind == MAXKIND) return -1;
    memcpy(kinds[k], name, klen);
    kinds[k][klen] = 0;
    nkind++;
  }
  snprintf(names[nsvc], sizeof names[nsvc], "%s", name);
  kind_of[nsvc] = k;
  members[k][count[k]++] = nsvc;
  return nsvc++;
}

/* Read reports until the deadline; returns the index of the first service
   whose report is complete, -1 on timeout. Every report updates its
   service's pid and start time. */
static int next_report(long long deadline) {
  for (;;) {
    char *nl = memchr(buf, '\n', buflen);
    if (nl) {
      *nl = 0;
      long long t = now_us();
      char *sp = strchr(buf, ' ');
      int i = -1;
      if (sp) {
        *sp = 0;
        i = find(sp + 1);
        if (i >= 0) pids[i] = (pid_t)atol(buf), since[i] = t;
      }
      size_t used = (size_t)(nl + 1 - buf);
      memmove(buf, nl + 1, buflen - used);
      buflen -= used;
      if (i >= 0) return i;
      continue;
    }
    long long left = deadline - now_us();
    if (left <= 0 || stopped) return -1;
    struct pollfd p = {fifo, POLLIN, 0};
    int r = poll(&p, 1, (int)(left / 1000) + 1);
    if (r < 0 && errno != EINTR) return -1;
    if (r <= 0) continue;
    ssize_t got = read(fifo, buf + buflen, sizeof buf - 1 - buflen);
    if (got > 0) buflen += (size_t)got;
  }
}

static void dump_pids(char const *file) {
  FILE *f = fopen(file, "w");
  if (!f) return;
  for (int i = 0; i < nsvc; i++)
    if (pids[i] > 0) fprintf(f, "%ld\n", (long)pids[i]);
  fclose(f);
}

static void sleep_us(long long us) {
  if (us <= 0) return;
  struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !stopped) {
  }
}

/* One sample: kill service i once it is old enough, wait for its report. */
static int sample(int i, long long minage, FILE *out) {
  sleep_us(since[i] + minage - now_us());
  if (stopped) return -1;
  long long t0 = now_us();
  if (kill(pids[i], SIGKILL) < 0) {
    perror("supervise-restart: kill");
    return -1;
  }
  int j;
  while ((j = next_report(t0 + 10000000)) != i)
    if (j < 0) {
      fprintf(stderr, "supervise-restart: %s not restarted within 10 s\n",
              names[i]);
      return -1;
    }
  spent[kind_of[i]] += since[i] - t0;
  fprintf(out, "%s %lld\n", kinds[kind_of[i]], since[i] - t0);
  /* let the supervisor finish what it does after the restart (status
     files...) so that it does not overlap the next kind's sample */
  sleep_us(SETTLE_US);
  return 0;
}

/* The least a supervisor can do: fork, exec ./run in a new session, wait
   for it, again. No status, no control, no throttle. */
static int floor_supervisor(char const *dir) {
  if (chdir(dir) < 0) return 111;
  for (;;) {
    pid_t pid = fork();
    if (pid < 0) return 111;
    if (!pid) {
      setsid();
      execl("./run", "./run", (char *)0);
      _exit(111);
    }
    int ws;
    while (waitpid(pid, &ws, 0) != pid) {
    }
  }
}

int main(int argc, char **argv) {
  char const *base = strrchr(argv[0], '/');
  if (!strcmp(base ? base + 1 : argv[0], "run")) return service();
  if (!strcmp(base ? base + 1 : argv[0], "supervise-floor") && argc == 2)
    return floor_supervisor(argv[1]);
  if (argc != 8) {
    fprintf(stderr, "usage: supervise-restart FIFO TOTAL SAMPLES MINAGE_MS "
                    "BUDGET_MS OUT PIDS\n");
    return 100;
  }
  int want = atoi(argv[2]), samples = atoi(argv[3]);
  long long minage = atoll(argv[4]) * 1000, budget = atoll(argv[5]) * 1000;
  if (want < 1 || want > MAXSVC) return 100;
  fifo = open(argv[1], O_RDWR | O_NONBLOCK);
  if (fifo < 0) {
    perror("supervise-restart: open fifo");
    return 111;
  }
  FILE *out = fopen(argv[6], "w");
  if (!out) return 111;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop; /* no SA_RESTART: poll and nanosleep return */
  sigaction(SIGINT, &sa, 0);
  sigaction(SIGTERM, &sa, 0);
  int rc = 0;
  long long deadline = now_us() + 60000000;
  while (nsvc < want)
    if (next_report(deadline) < 0) {
      fprintf(stderr, "supervise-restart: only %d of %d services came up\n",
              nsvc, want);
      rc = 111;
      goto end;
    }
  unsigned seed = 1;
  for (int s = 0; s < samples; s++) {
    /* a new order of the kinds for every sample, so that no kind always
       follows the same one */
    int order[MAXKIND];
    for (int n = 0; n < nkind; n++)
      order[n] = n;
    for (int n = nkind - 1; n > 0; n--) {
      int m = rand_r(&seed) % (n + 1), t = order[n];
      order[n] = order[m];
      order[m] = t;
    }
    for (int n = 0; n < nkind; n++) {
      int k = order[n];
      if (spent[k] >= budget) continue;
      if (sample(members[k][s % count[k]], minage, out) < 0) {
        rc = 111;
        goto end;
      }
    }
  }
end:
  fclose(out);
  dump_pids(argv[7]);
  return rc;
}
