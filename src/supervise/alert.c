/* Alerts: ./alert EVENT (or ../.alert, for a service without one) is run
   on each change of the service, one at a time, each KILLed after
   timeout-alert. Events that happen meanwhile wait in a fixed ring; when
   it is full the oldest is dropped, and the next run is told how many
   were (doc/servicedir.md, "Alerts"). Nothing here blocks or allocates. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <tend/msg.h>
#include "supervise.h"

extern char **environ;

#define RING 16
#define DEFAULT_TIMEOUT_MS 10000
#define MAX_TIMEOUT_MS 2592000000ULL /* 30 days, as every time setting */

static char const *const names[] = {
    "up", "ready", "down", "crash", "check-failed", "backoff", "gave-up"};

struct pending {
  int64_t unix_ms;  /* when it happened */
  int64_t ms;       /* how long ./run ran (up to crash, down), or the delay
                       (backoff) */
  uint32_t pid;     /* ./run's pid, 0 if none */
  uint32_t starts;  /* the status's start count then */
  int wstatus;      /* ./run's (crash, down) or ./check's; -1 if unknown */
  unsigned char ev; /* enum alert_event */
};

static struct pending ring[RING];
static unsigned head, count, dropped;
static pid_t alert_pid;
static int64_t alert_kill_at = INT64_MAX;

/* Which program runs: "./alert" if there is one (a symlink is fine: the
   service directory is its administrator's), else "./../.alert" if it is
   a regular file, never a symlink (the directory above is the scan
   directory, which others may be allowed to write), else none. */
static char const *which(void) {
  struct stat s;
  if (access("alert", F_OK) == 0) return "./alert";
  if (lstat("../.alert", &s) == 0 && S_ISREG(s.st_mode)) return "./../.alert";
  return 0;
}

void alert_event(enum alert_event ev, pid_t pid, int wstatus, int64_t ms,
                 uint32_t starts) {
  if (!which()) return;
  if (count == RING) { /* the oldest goes: the newest say how things are */
    head = (head + 1) % RING;
    count--;
    dropped++;
  }
  struct pending *p = &ring[(head + count++) % RING];
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  p->unix_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
  p->ms = ms;
  p->pid = pid > 0 ? (uint32_t)pid : 0;
  p->starts = starts;
  p->wstatus = wstatus;
  p->ev = (unsigned char)ev;
}

/* NAME=VALUE into BUF (of at least 64 bytes): returns BUF. */
static char *var_u64(char *buf, char const *name, uint64_t v) {
  size_t n = strlen(name);
  memcpy(buf, name, n);
  buf[n] = '=';
  buf[n + 1 + uint64_fmt(buf + n + 1, v)] = 0;
  return buf;
}

/* Our variables replace any of the same name we inherited. */
static int replaced(char const *e, char *const *ours, unsigned n) {
  for (unsigned k = 0; k < n; k++) {
    size_t len = strchr(ours[k], '=') - ours[k] + 1;
    if (!strncmp(e, ours[k], len)) return 1;
  }
  return 0;
}

static void start(char const *prog, int64_t now) {
  struct pending p = ring[head];
  head = (head + 1) % RING;
  count--;
  if (access(prog, X_OK) < 0) {
    tend_warnsys("unable to run ", dir, "/", prog + 2);
    return; /* this event is lost; the next one tries again */
  }
  char service[PATH_MAX + 16] = "TEND_SERVICE=";
  if (!getcwd(service + 13, sizeof service - 13)) {
    size_t n = strlen(dir);
    if (n > PATH_MAX) n = PATH_MAX;
    memcpy(service + 13, dir, n), service[13 + n] = 0;
  }
  char event[32] = "TEND_EVENT=";
  strcpy(event + 11, names[p.ev]);
  char vpid[64], vcode[64], vsig[64], vstarts[64], vms[64], vtime[64],
      vdropped[64];
  char *ours[9];
  unsigned n = 0;
  ours[n++] = service;
  ours[n++] = event;
  if (p.pid) ours[n++] = var_u64(vpid, "TEND_PID", p.pid);
  if (p.wstatus >= 0 && WIFEXITED(p.wstatus))
    ours[n++] = var_u64(vcode, "TEND_EXIT_CODE", WEXITSTATUS(p.wstatus));
  if (p.wstatus >= 0 && WIFSIGNALED(p.wstatus))
    ours[n++] = var_u64(vsig, "TEND_EXIT_SIGNAL", WTERMSIG(p.wstatus));
  ours[n++] = var_u64(vstarts, "TEND_STARTS", p.starts);
  if (p.ev == ALERT_CRASH || p.ev == ALERT_DOWN)
    ours[n++] = var_u64(vms, "TEND_RAN_MS", (uint64_t)p.ms);
  if (p.ev == ALERT_BACKOFF)
    ours[n++] = var_u64(vms, "TEND_DELAY_MS", (uint64_t)p.ms);
  /* seconds since the epoch, with milliseconds: 1700000000.250 */
  size_t t = strlen(var_u64(vtime, "TEND_EVENT_TIME", p.unix_ms / 1000));
  vtime[t] = '.';
  for (int i = 2, ms = (int)(p.unix_ms % 1000); i >= 0; i--, ms /= 10)
    vtime[t + 1 + i] = (char)('0' + ms % 10);
  vtime[t + 4] = 0;
  ours[n++] = vtime;
  if (dropped) ours[n++] = var_u64(vdropped, "TEND_ALERT_DROPPED", dropped);

  size_t k = 0;
  while (environ[k])
    k++;
  char *envp[k + n + 1];
  size_t m = 0;
  for (size_t i = 0; i < k; i++)
    if (strncmp(environ[i], "NOTIFY_SOCKET=", 14) &&
        !replaced(environ[i], ours, n))
      envp[m++] = environ[i];
  for (unsigned i = 0; i < n; i++)
    envp[m++] = ours[i];
  envp[m] = 0;

  char *const argv[] = {(char *)prog, (char *)names[p.ev], 0};
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old);
#ifdef __linux__
  pid_t pid = vfork();
#else
  pid_t pid = fork();
#endif
  if (!pid) exec_child(argv, envp, -1, -1);
  int e = errno;
  sigprocmask(SIG_SETMASK, &old, 0);
  if (pid < 0) {
    errno = e;
    tend_warnsys("unable to fork for ", dir, "/", prog + 2);
    dropped++; /* told to the next one */
    return;
  }
  dropped = 0;
  alert_pid = pid;
  uint64_t ms = setting("timeout-alert", MAX_TIMEOUT_MS, DEFAULT_TIMEOUT_MS);
  alert_kill_at = now + (int64_t)(ms ? ms : DEFAULT_TIMEOUT_MS);
}

void alert_poll(int64_t now) {
  if (alert_pid && now >= alert_kill_at) {
    kill(-alert_pid, SIGKILL); /* its own session: all it started */
    kill(alert_pid, SIGKILL);
    alert_kill_at = INT64_MAX;
  }
  while (!alert_pid && count) {
    char const *prog = which();
    if (!prog) { /* it went away: what waited is dropped, silently */
      count = 0;
      dropped = 0;
      return;
    }
    start(prog, now);
  }
}

int64_t alert_deadline(void) {
  return alert_pid ? alert_kill_at : INT64_MAX;
}

int alert_reaped(pid_t pid) {
  if (!alert_pid || pid != alert_pid) return 0;
  alert_pid = 0;
  alert_kill_at = INT64_MAX;
  return 1;
}

pid_t alert_running(void) {
  return alert_pid;
}

int alert_idle(void) {
  return !alert_pid && !count;
}
