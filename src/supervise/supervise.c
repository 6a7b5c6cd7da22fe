/* supervise DIR: keeps DIR/run running. It restarts ./run when it exits,
   records what happens in DIR/supervise/status, and obeys the one-byte
   commands written to DIR/supervise/control (doc/supervise.8).
   One poll() loop over a self-pipe, the control FIFO and the readiness
   channels, with one absolute deadline; nothing blocks, nothing is
   allocated. Settings are small files in DIR, read when they are needed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <tend/loop.h>
#include <tend/msg.h>
#include <tend/proc.h>
#include <tend/servicedir.h>
#include <tend/status.h>
#include "supervise.h"

#define USAGE "supervise dir"

extern char **environ;
#define NEVER TEND_NEVER
#define YOUNG_MS 1000        /* a ./run that dies sooner "died young" */
#define CLEANUP_KILL_MS 5000 /* leftovers get KILL after this by default */
#define SWEEP_MS 100         /* how often a stop looks for leftovers */
#define MIN_DELAY_MS 100     /* the shortest restart delay there is */
#define RETRY_MS 1000        /* a failed fork, status write, readiness */
/* The ceilings of the setting files (doc/servicedir.md): 30 days for a
   time, a million for a count. A larger value is capped, with a warning. */
#define MAX_MS 2592000000ULL
#define MAX_S 2592000ULL
#define MAX_COUNT 1000000ULL

/* Where the service is. RUN and CLEANUP both show state 1 in the status:
   the service is down only once its whole tree is gone. */
enum phase { DOWN, RUN, CLEANUP, FINISH };

char const *dir;
static tend_status st;
static enum phase phase = DOWN;
static int sigpipe_fd = -1; /* the self-pipe's read end */
static int ctl_fd = -1, ok_fd = -1;
static int notify_fd = -1;   /* the notification-fd pipe, read end */
static int notify_sock = -1; /* the NOTIFY_SOCKET socket */
static int adopted_fd = -1;  /* pidfd of an adopted ./run */
static char notify_env[64];
static pid_t run_pid, finish_pid, check_pid;
static int run_wstatus;
static int64_t run_started; /* monotonic ms */
/* The timers, in the order they are looked at when due; each has its
   action in on_due[] (below), and NEVER when it is not set. */
enum timer {
  RUN_KILL,     /* ./run was told to stop: KILL after timeout-kill */
  CLEANUP_KILL, /* the cleanup's signal becomes KILL */
  SWEEP,        /* a cleanup looks for leftovers again */
  FINISH_KILL,  /* ./finish ran out of time */
  CHECK_KILL,   /* ./check ran out of time */
  CHECK,        /* ./check is due */
  RESTART,      /* ./run starts again (backoff); waits for the tree */
  WRITE_RETRY,  /* the status file could not be written */
  NTIMERS
};
static int64_t due[NTIMERS];
static unsigned check_failures;
static int exit_wanted, dirty, write_failed, ok_failed;
static int cleanup_sig, cleanup_killing; /* the signal of this cleanup */
static int skip_finish; /* after stopping an old tree we did not start */

/* A number setting, with its default if the file is absent or unreadable;
   a bad file, or a value above MAX (which is used), is reported each time
   it is read. */
uint64_t setting(char const *file, uint64_t max, uint64_t dflt) {
  uint64_t v;
  int r = tend_sd_read_uint(file, max, &v);
  if (r == 2) {
    char n[UINT64_FMT];
    n[uint64_fmt(n, max)] = 0;
    tend_warn("capping ", dir, "/", file, " at ", n);
  }
  if (r > 0) return v;
  if (r < 0) tend_warnsys("ignoring ", dir, "/", file);
  return dflt;
}

static void announce(void) {
  if (tend_status_write(&st) < 0) {
    if (!write_failed)
      tend_warnsys("unable to write ", dir, "/supervise/status");
    write_failed = 1;
    due[WRITE_RETRY] = tend_clock_ms() + RETRY_MS;
    return;
  }
  if (write_failed) tend_warn("writing ", dir, "/supervise/status again");
  write_failed = 0;
  due[WRITE_RETRY] = NEVER;
  dirty = 0;
  if (ok_fd <
      0) { /* doc/interface.md §2: ok appears once a status can be read */
    ok_fd = files_fifo(dir, "supervise/ok", O_RDONLY);
    if (ok_fd < 0 && !ok_failed)
      tend_warnsys("unable to open ", dir, "/supervise/ok");
    ok_failed = ok_fd < 0; /* said once; tried again at each write */
  }
}

/* In the child, between vfork and exec: the service starts in its own
   session with an empty signal mask, default dispositions, and no fd of
   ours beyond 0-2 (and the readiness pipe, on the fd it asked for, and
   ./run's sockets). It shares our memory until it execs, so it writes to
   none of it (but LISTEN_PID's digits: see socket.c). */
void exec_child(char *const argv[], char *const envp[], int notify_w,
                int notify_at) {
  child_default_signals();
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, 0);
  setsid();
  /* before any dup2 onto fds 3, 4, ...: one of them may be cgroup.procs */
  if (!strcmp(argv[0], "./run")) cgroup_join(); /* not ./finish, ./check */
  if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    for (int fd = 3; fd < 1024; fd++)
      fcntl(fd, F_SETFD, FD_CLOEXEC);
  notify_w = sockets_child(envp, notify_w); /* ./run's: fds 3, 4, ... */
  if (notify_w >= 0) {
    if (notify_w == notify_at)
      fcntl(notify_at, F_SETFD, 0);
    else if (dup2(notify_w, notify_at) < 0)
      tend_diesys(111, "unable to set up notification-fd for ", dir, "/run");
  }
  execve(argv[0], argv, envp);
  child_say_exec_failure(argv[0]);
  _exit(111);
}

/* Starts ARGV as a child; returns its pid, or -1 with errno set. With
   vfork we sleep only until the child has exec'd, and neither side copies
   a page: the restart path is as short as the kernel allows. The child's
   environment is ours, less any NOTIFY_SOCKET we inherited (one from a
   supervisor above us), plus our own when the service asked for it, and
   none of the LISTEN_* of sd_listen_fds(3) but ./run's own (socket.c). */
static pid_t spawn(char *const argv[], int notify_w, int notify_at,
                   int with_socket, int is_run) {
  size_t n = 0;
  while (environ[n])
    n++;
  char *envp[n + 5];
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (strncmp(environ[i], "NOTIFY_SOCKET=", 14) && !sockets_var(environ[i]))
      envp[k++] = environ[i];
  if (with_socket) envp[k++] = notify_env;
  if (is_run) k = sockets_env(envp, k);
  envp[k] = 0;
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old); /* no handler runs in the child */
  pid_t pid = vfork();
  if (!pid) exec_child(argv, envp, notify_w, notify_at);
  int e = errno;
  sigprocmask(SIG_SETMASK, &old, 0);
  errno = e;
  return pid;
}

static void set_stamp_in(tend_stamp *s, int64_t delay_ms) {
  tend_stamp_now(s);
  s->sec += (uint64_t)(delay_ms / 1000);
  s->nsec += (uint32_t)(delay_ms % 1000) * 1000000;
  if (s->nsec >= 1000000000) {
    s->nsec -= 1000000000;
    s->sec++;
  }
}

static void schedule_restart(int64_t delay) {
  due[RESTART] = tend_clock_ms() + delay;
  set_stamp_in(&st.restart, delay);
  alert_event(ALERT_BACKOFF, run_pid, -1, delay, st.starts);
  dirty = 1;
}

static void cancel_restart(void) {
  if (due[RESTART] == NEVER) return;
  due[RESTART] = NEVER;
  st.restart.sec = 0;
  st.restart.nsec = 0;
  dirty = 1;
}

/* Restart backoff (doc/supervise.8, "Restarts"): a ./run that died young
   waits restart-delay, then twice as long each time, up to
   restart-delay-max, plus a little jitter; one that lived past
   restart-stable starts the count again. Returns the delay before the next
   start. */
static int64_t next_delay(int64_t ran_ms) {
  if (ran_ms >= (int64_t)setting("restart-stable", MAX_MS, 10000)) {
    st.deaths = 0;
    st.delay_ms = 0;
    return 0;
  }
  if (ran_ms >= YOUNG_MS) return 0; /* not young: at once, count kept */
  uint64_t tally = setting("max-death-tally", MAX_COUNT, 100);
  if (st.deaths < tally) st.deaths++;
  uint64_t first = setting("restart-delay", MAX_MS, 1000);
  uint64_t cap = setting("restart-delay-max", MAX_MS, 60000);
  if (first < MIN_DELAY_MS) first = MIN_DELAY_MS; /* never a busy loop */
  if (cap < first) cap = first;
  uint64_t d = st.delay_ms ? (uint64_t)st.delay_ms * 2 : first;
  if (d > cap) d = cap;
  st.delay_ms = (uint32_t)d;
  if (d >= 2000) d += (uint64_t)random() % (d / 8);
  return (int64_t)d;
}

static void set_ready(void) {
  if (st.flags & TEND_FLAG_READY) return;
  st.flags |= TEND_FLAG_READY;
  tend_stamp_now(&st.ready);
  alert_event(ALERT_READY, run_pid, -1, 0, st.starts);
  uint64_t interval = setting("check-interval", MAX_S, 10);
  if (access("check", X_OK) == 0 && interval)
    due[CHECK] = tend_clock_ms() + (int64_t)interval * 1000;
  dirty = 1;
}

static void close_readiness(void) {
  if (notify_fd >= 0) close(notify_fd), notify_fd = -1;
  if (notify_sock >= 0) close(notify_sock), notify_sock = -1;
}

/* ./run must exist, be no directory, and be executable: if not, say
   which (once per attempt) and return 0. */
static int run_startable(void) {
  struct stat s;
  if (stat("run", &s) == 0 && S_ISDIR(s.st_mode)) {
    tend_warn("unable to start ", dir, "/run: is a directory");
    return 0;
  }
  if (access("run", X_OK) == 0) return 1;
  if (errno == EACCES)
    tend_warn("unable to start ", dir, "/run: not executable");
  else
    tend_warnsys("unable to start ", dir, "/run");
  return 0;
}

/* A readiness channel that cannot be set up is never taken for "ready":
   ./run is not started without it, and is tried again in a second. */
static void start_run(void) {
  static char *const argv[] = {"./run", 0};
  cancel_restart();
  st.flags &= (unsigned char)~TEND_FLAG_NOSTART;
  if (!run_startable()) {
    schedule_restart(next_delay(0));
    return;
  }
  uint64_t nfd = 0;
  int notify[2] = {-1, -1};
  int r = tend_sd_read_uint("notification-fd", 1024, &nfd);
  if (r < 0 || (r > 0 && (nfd < 3 || nfd > 1023))) {
    if (r < 0 && errno != EINVAL)
      tend_warnsys("ignoring ", dir, "/notification-fd");
    else
      tend_warn("ignoring ", dir,
                "/notification-fd: not a number from 3 to 1023");
    r = 0;
  }
  if (!sockets_open(r ? (int)nfd : -1)) { /* said why; tried again later */
    schedule_restart(next_delay(0));
    return;
  }
  if (r && pipe2(notify, O_CLOEXEC) < 0) {
    tend_warnsys("unable to create the readiness pipe for ", dir, "/run");
    schedule_restart(RETRY_MS);
    return;
  }
  if (r) fcntl(notify[0], F_SETFL, O_NONBLOCK); /* cannot fail on a pipe */
  int with_socket = access("notification-socket", F_OK) == 0;
  if (with_socket) {
    notify_sock = notify_socket_open(notify_env, sizeof notify_env);
    if (notify_sock < 0) {
      tend_warnsys("unable to create the notification socket for ", dir,
                   "/run");
      if (r) close(notify[0]), close(notify[1]);
      schedule_restart(RETRY_MS);
      return;
    }
  }
  cgroup_limits();
  pid_t pid = spawn(argv, r ? notify[1] : -1, (int)nfd, with_socket, 1);
  if (pid < 0) {
    tend_warnsys("unable to fork for ", dir, "/run");
    if (r) close(notify[0]), close(notify[1]);
    close_readiness();
    schedule_restart(RETRY_MS);
    return;
  }
  if (r) {
    close(notify[1]);
    notify_fd = notify[0];
  }
  phase = RUN;
  run_pid = pid;
  run_started = tend_clock_ms();
  check_failures = 0;
  st.pid = (uint32_t)pid;
  st.state = TEND_STATE_RUN;
  st.paused = 0;
  st.termsent = 0;
  st.flags &= (unsigned char)~(TEND_FLAG_READY | TEND_FLAG_ADOPTED |
                               TEND_FLAG_STOPPING);
  st.ready.sec = 0;
  st.ready.nsec = 0;
  st.starts++;
  tend_stamp_now(&st.when);
  st.started = st.when;
  dirty = 1;
  alert_event(ALERT_UP, pid, -1, 0, st.starts);
  if (!r && !with_socket) set_ready(); /* no readiness protocol: up = ready */
}

/* Nothing runs any more: start again if the service is wanted up. */
static void service_down(void) {
  phase = DOWN;
  st.pid = 0;
  st.state = TEND_STATE_DOWN;
  st.flags &= (unsigned char)~TEND_FLAG_STOPPING;
  tend_stamp_now(&st.when);
  dirty = 1;
  if (st.want != 'u' || exit_wanted) {
    cancel_restart();
    return;
  }
  if (due[RESTART] == NEVER || due[RESTART] <= tend_clock_ms()) start_run();
  /* else the restart waits for its deadline (backoff) */
}

/* ./finish CODE SIG, as runit: CODE is -1 when ./run was killed (or its
   status is unknown, for an adopted ./run). */
static void start_finish(void) {
  if (access("finish", X_OK) < 0) {
    service_down();
    return;
  }
  char code[INT_FMT], sig[INT_FMT];
  int ws = run_wstatus;
  code[int_fmt(code, ws >= 0 && WIFEXITED(ws) ? WEXITSTATUS(ws) : -1)] = 0;
  sig[int_fmt(sig, ws >= 0 && WIFSIGNALED(ws) ? WTERMSIG(ws) : 0)] = 0;
  char *const argv[] = {"./finish", code, sig, 0};
  pid_t pid = spawn(argv, -1, -1, 0, 0);
  if (pid < 0) {
    tend_warnsys("unable to fork for ", dir, "/finish");
    service_down();
    return;
  }
  phase = FINISH;
  finish_pid = pid;
  st.pid = (uint32_t)pid;
  st.state = TEND_STATE_FINISH;
  st.flags &= (unsigned char)~TEND_FLAG_STOPPING;
  tend_stamp_now(&st.when);
  dirty = 1;
  uint64_t ms = setting("timeout-finish", MAX_MS, 5000);
  due[FINISH_KILL] = ms ? tend_clock_ms() + (int64_t)ms : NEVER;
}

static int down_signal(void) {
  int sig = SIGTERM;
  if (tend_sd_read_signal("down-signal", &sig) < 0) {
    if (errno == EINVAL)
      tend_warn("ignoring ", dir, "/down-signal: unknown signal");
    else
      tend_warnsys("ignoring ", dir, "/down-signal");
    sig = SIGTERM;
  }
  return sig;
}

/* ./finish, ./check and ./alert, which a cleanup leaves alone: list_helpers
   puts their pids in helpers[] and returns how many there are. */
static pid_t helpers[3];
static unsigned list_helpers(void) {
  unsigned n = 0;
  if (finish_pid) helpers[n++] = finish_pid;
  if (check_pid) helpers[n++] = check_pid;
  if (alert_running()) helpers[n++] = alert_running();
  return n;
}

/* The main process is gone; whatever is left of its tree is stopped
   before ./finish runs and before the service counts as down. Processes
   reach us one after another, as their parents die, so every sweep
   signals those that are new; after the cleanup's timeout, every sweep
   sends KILL to all that is left, until nothing is. */
static void cleanup_or_finish(void) {
  unsigned n = list_helpers();
  if (!tree_alive(run_pid, helpers, n)) {
    due[SWEEP] = NEVER;
    due[CLEANUP_KILL] = NEVER;
    run_pid = 0;
    if (skip_finish) {
      skip_finish = 0;
      service_down();
    } else
      start_finish();
    return;
  }
  if (phase != CLEANUP) {
    phase = CLEANUP;
    st.flags |= TEND_FLAG_STOPPING;
    dirty = 1;
    tree_forget();
    cleanup_sig = down_signal();
    cleanup_killing = 0;
    uint64_t ms = setting("timeout-kill", MAX_MS, 0);
    due[CLEANUP_KILL] = tend_clock_ms() + (int64_t)(ms ? ms : CLEANUP_KILL_MS);
  }
  if (cleanup_killing)
    tree_signal(run_pid, SIGKILL, helpers, n);
  else
    tree_stop(run_pid, cleanup_sig, helpers, n);
  due[SWEEP] = tend_clock_ms() + SWEEP_MS;
}

static void handle_notify_fd(void);
static void handle_notify_socket(void);

static void run_exited(int wstatus) {
  /* a readiness said just before the exit counts, whichever of the two
     the loop saw first */
  if (notify_fd >= 0) handle_notify_fd();
  if (notify_sock >= 0) handle_notify_socket();
  int64_t ran = tend_clock_ms() - run_started;
  int asked = st.termsent; /* we were told to stop it: not a crash */
  alert_event(asked ? ALERT_DOWN : ALERT_CRASH, run_pid, wstatus, ran,
              st.starts);
  if (adopted_fd >= 0) close(adopted_fd), adopted_fd = -1;
  run_wstatus = wstatus;
  due[RUN_KILL] = NEVER;
  due[CHECK] = NEVER;
  due[CHECK_KILL] = NEVER;
  if (check_pid) kill(-check_pid, SIGKILL);
  st.lastwait = wstatus < 0 ? TEND_WSTATUS_NONE : (uint32_t)wstatus;
  st.termsent = 0;
  st.paused = 0;
  st.flags &= (unsigned char)~TEND_FLAG_READY;
  st.ready.sec = 0;
  st.ready.nsec = 0;
  close_readiness();
  int64_t delay = asked ? 0 : next_delay(ran);
  if (delay && st.want == 'u' && !exit_wanted)
    schedule_restart(delay); /* not before the tree is gone, either */
  else
    cancel_restart();
  dirty = 1;
  cleanup_or_finish();
}

static void finish_exited(int wstatus) {
  finish_pid = 0;
  due[FINISH_KILL] = NEVER;
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 125) {
    /* s6's convention: the service must not be restarted */
    st.want = 'd';
    st.flags |= TEND_FLAG_NOSTART;
    alert_event(ALERT_GAVE_UP, 0, -1, 0, st.starts);
  }
  service_down();
}

static void check_exited(int wstatus) {
  check_pid = 0;
  due[CHECK_KILL] = NEVER;
  if (phase != RUN) return;
  uint64_t interval = setting("check-interval", MAX_S, 10);
  due[CHECK] = interval ? tend_clock_ms() + (int64_t)interval * 1000 : NEVER;
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
    check_failures = 0;
    return;
  }
  uint64_t max = setting("check-failures", MAX_COUNT, 3);
  if (++check_failures < max) return;
  char n[UINT_FMT];
  n[uint_fmt(n, check_failures)] = 0;
  tend_warn(dir, "/check failed ", n, " times in a row: restarting ", dir,
            "/run");
  alert_event(ALERT_CHECK_FAILED, run_pid, wstatus, 0, st.starts);
  check_failures = 0;
  due[CHECK] = NEVER;
  int sig = down_signal();
  kill(run_pid, sig);
  if (sig != SIGCONT) kill(run_pid, SIGCONT);
  st.termsent = 1;
  uint64_t ms = setting("timeout-kill", MAX_MS, 0);
  due[RUN_KILL] = ms ? tend_clock_ms() + (int64_t)ms : NEVER;
  dirty = 1;
}

static void start_check(void) {
  static char *const argv[] = {"./check", 0};
  due[CHECK] = NEVER;
  if (access("check", X_OK) < 0) return;
  pid_t pid = spawn(argv, -1, -1, 0, 0);
  if (pid < 0) {
    tend_warnsys("unable to fork for ", dir, "/check");
    due[CHECK] = tend_clock_ms() + 1000;
    return;
  }
  check_pid = pid;
  uint64_t s = setting("check-timeout", MAX_S, 5);
  due[CHECK_KILL] = tend_clock_ms() + (int64_t)(s ? s : 5) * 1000;
}

static void reap(void) {
  for (;;) {
    int ws;
    pid_t p = waitpid(-1, &ws, WNOHANG);
    if (p <= 0) break;
    if (p == run_pid && phase == RUN && adopted_fd < 0)
      run_exited(ws);
    else if (p == finish_pid)
      finish_exited(ws);
    else if (p == check_pid)
      check_exited(ws);
    else if (!alert_reaped(p))
      tree_reaped(p); /* an orphan of the service: its pid may be reused */
  }
  if (phase == CLEANUP) cleanup_or_finish();
}

static void signal_run(int sig) {
  if (phase == RUN) kill(run_pid, sig);
}

static void stop_run(void) {
  int sig = down_signal();
  signal_run(sig);
  if (sig != SIGCONT) signal_run(SIGCONT);
  st.termsent = 1;
  st.paused = 0;
  uint64_t ms = setting("timeout-kill", MAX_MS, 0);
  due[RUN_KILL] = ms ? tend_clock_ms() + (int64_t)ms : NEVER;
  dirty = 1;
}

static void command(char c) {
  switch (c) {
  case 'u':
  case 'o':
    st.want = c == 'u' ? 'u' : 0;
    dirty = 1;
    if (phase == DOWN) start_run();
    break;
  case 'd':
    st.want = 'd';
    cancel_restart();
    dirty = 1;
    if (phase == RUN) stop_run();
    break;
  case 'x':
    exit_wanted = 1;
    cancel_restart();
    st.flags |= TEND_FLAG_EXITING;
    dirty = 1;
    break;
  case 'p':
    if (phase == RUN) signal_run(SIGSTOP), st.paused = 1, dirty = 1;
    break;
  case 'c':
    if (phase == RUN) signal_run(SIGCONT), st.paused = 0, dirty = 1;
    break;
  case 't':
    if (phase == RUN) {
      signal_run(SIGTERM);
      if (st.paused) signal_run(SIGCONT), st.paused = 0;
      st.termsent = 1;
      dirty = 1;
    } else if (phase == DOWN && due[RESTART] != NEVER)
      start_run(); /* a pending restart happens now */
    break;
  case 'k':
    if (phase == CLEANUP) {
      cleanup_killing = 1; /* and at every sweep until nothing is left */
      unsigned n = list_helpers();
      tree_signal(run_pid, SIGKILL, helpers, n);
    } else
      signal_run(SIGKILL);
    break;
  case 'h': signal_run(SIGHUP); break;
  case 'a': signal_run(SIGALRM); break;
  case 'i': signal_run(SIGINT); break;
  case 'q': signal_run(SIGQUIT); break;
  case '1': signal_run(SIGUSR1); break;
  case '2': signal_run(SIGUSR2); break;
  default: break;
  }
}

static void handle_signals(void) {
  unsigned char buf[64];
  ssize_t r;
  while ((r = read(sigpipe_fd, buf, sizeof buf)) > 0)
    for (ssize_t i = 0; i < r; i++) {
      if (buf[i] == SIGCHLD)
        reap();
      else if (buf[i] == SIGTERM) {
        command('d');
        command('x');
      }
      /* HUP, INT, QUIT, PIPE: caught only so that they do nothing */
    }
}

static void handle_control(void) {
  char buf[64];
  ssize_t r;
  while ((r = read(ctl_fd, buf, sizeof buf)) > 0)
    for (ssize_t i = 0; i < r; i++)
      command(buf[i]);
}

static void handle_notify_fd(void) {
  char buf[64];
  ssize_t r = read(notify_fd, buf, sizeof buf);
  if (r < 0 && errno == EAGAIN) return;
  if (r > 0 && !memchr(buf, '\n', (size_t)r)) return;
  if (r > 0) set_ready();
  close(notify_fd); /* one newline is all we listen for */
  notify_fd = -1;
}

static void handle_notify_socket(void) {
  if (!notify_socket_ready(notify_sock, run_pid)) return;
  set_ready();
  close(notify_sock);
  notify_sock = -1;
}

static void run_kill_due(void) {
  due[RUN_KILL] = NEVER;
  signal_run(SIGKILL);
}

static void cleanup_kill_due(void) {
  due[CLEANUP_KILL] = NEVER;
  cleanup_killing = 1;
  unsigned n = list_helpers();
  if (phase == CLEANUP) tree_signal(run_pid, SIGKILL, helpers, n);
}

static void sweep_due(void) {
  due[SWEEP] = NEVER;
  if (phase == CLEANUP) cleanup_or_finish();
}

static void finish_kill_due(void) {
  due[FINISH_KILL] = NEVER;
  if (finish_pid) kill(-finish_pid, SIGKILL), kill(finish_pid, SIGKILL);
}

static void check_kill_due(void) {
  due[CHECK_KILL] = NEVER;
  if (check_pid) kill(-check_pid, SIGKILL), kill(check_pid, SIGKILL);
}

static void check_due(void) {
  if (phase == RUN && !check_pid) start_check();
}

static void restart_due(void) {
  if (phase != DOWN) return;
  if (st.want == 'u' && !exit_wanted)
    start_run();
  else
    cancel_restart();
}

static void write_retry_due(void) {
  due[WRITE_RETRY] = NEVER; /* the loop writes it now, or sets a new one */
  dirty = 1;
}

static void (*const on_due[NTIMERS])(void) = {
    [RUN_KILL] = run_kill_due,     [CLEANUP_KILL] = cleanup_kill_due,
    [SWEEP] = sweep_due,           [FINISH_KILL] = finish_kill_due,
    [CHECK_KILL] = check_kill_due, [CHECK] = check_due,
    [RESTART] = restart_due,       [WRITE_RETRY] = write_retry_due};

static void on_deadlines(int64_t now) {
  for (int t = 0; t < NTIMERS; t++)
    if (now >= due[t]) on_due[t]();
}

static int64_t next_deadline(void) {
  int64_t d = NEVER;
  for (int t = 0; t < NTIMERS; t++)
    /* a pending restart waits for the tree and ./finish to be gone */
    if (due[t] < d && (t != RESTART || phase == DOWN)) d = due[t];
  if (alert_deadline() < d) d = alert_deadline(); /* alert.c keeps its own */
  return d;
}

/* Stops what is left of an old tree (PID's, or what is in the cgroup),
   then carries on as after a stop. */
static void stop_leftovers(pid_t pid) {
  phase = RUN;
  run_pid = pid;
  run_wstatus = -1;
  skip_finish = 1;
  st.pid = (uint32_t)pid;
  st.state = TEND_STATE_RUN;
  cleanup_or_finish();
}

/* What the previous supervise of this directory left: counters carry
   over, and a ./run it started that still runs is adopted, not doubled.
   What cannot be adopted (no pidfd, a ./finish, the leftovers of a stop
   that was under way) is stopped, through the usual cleanup, before
   anything new starts. A recorded pid that is not provably ours is left
   alone: see "Adoption" in supervise(8). */
static void take_over(void) {
  tend_status old;
  int r = files_read_status(&old);
  if (r < 0 && errno != ENOENT)
    tend_warnsys("ignoring ", dir, "/supervise/status");
  if (r != 1 || old.version < 1) return;
  st.starts = old.starts;
  st.lastwait = old.lastwait;
  st.started = old.started;
  st.deaths = old.deaths;
  st.delay_ms = old.delay_ms;
  /* 4194304 is Linux's highest pid: a larger one is no process at all */
  if (old.pid <= 1 || old.pid > 4194304 || old.state == TEND_STATE_DOWN) return;
  pid_t pid = (pid_t)old.pid;
  tend_stamp const *since =
      old.state == TEND_STATE_RUN ? &old.started : &old.when;
  int same = adopt_check(pid, since->sec - TEND_TAI64_UNIX);
  if (same < 0) return; /* not ours */
  if (same && old.state == TEND_STATE_RUN &&
      !(old.flags & TEND_FLAG_STOPPING)) {
    int fd = tend_pidfd_open(pid);
    if (fd >= 0) {
      adopted_fd = fd;
      phase = RUN;
      run_pid = pid;
      run_started =
          tend_clock_ms() - (int64_t)YOUNG_MS; /* up a while already */
      st.pid = old.pid;
      st.state = TEND_STATE_RUN;
      st.when = old.when;
      st.flags =
          (unsigned char)(TEND_FLAG_ADOPTED | (old.flags & TEND_FLAG_READY));
      st.ready = old.ready;
      st.paused = old.paused;
      uint64_t interval = setting("check-interval", MAX_S, 10);
      if ((st.flags & TEND_FLAG_READY) && interval &&
          access("check", X_OK) == 0)
        due[CHECK] = tend_clock_ms() + (int64_t)interval * 1000;
      return;
    }
    tend_warnsys("unable to adopt ", dir, "/run: stopping it first");
  }
  st.when = old.when;
  stop_leftovers(pid);
}

int main(int argc, char const *const *argv) {
  tend_prog = "supervise";
  if (argc != 2) tend_dieusage(USAGE);
  dir = argv[1];

  for (int fd = 0; fd < 3; fd++)
    if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
      tend_diesys(111, "unable to open /dev/null");

  if (chdir(dir) < 0) tend_diesys(111, "unable to chdir to ", dir);
  files_make_dir(dir);
  files_lock(dir);
  cgroup_init();

  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, 0); /* whatever our parent blocked */
  /* HUP, INT, QUIT, PIPE: caught only so that they do nothing */
  static int const caught[] = {SIGCHLD, SIGTERM, SIGHUP,
                               SIGINT,  SIGQUIT, SIGPIPE};
  sigpipe_fd = tend_selfpipe_init(caught, sizeof caught / sizeof *caught);
  if (sigpipe_fd < 0) tend_diesys(111, "unable to create the self-pipe");
  /* orphans of the service come back to us, so none is left behind */
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  srandom((unsigned)getpid() ^ (unsigned)tend_clock_ms());

  /* the read end, and a write end held so that we never see end of file */
  ctl_fd = files_fifo(dir, "supervise/control", O_RDONLY);
  if (ctl_fd < 0 || files_fifo(dir, "supervise/control", O_WRONLY) < 0)
    tend_diesys(111, "unable to open ", dir, "/supervise/control");

  for (int t = 0; t < NTIMERS; t++)
    due[t] = NEVER;
  st.lastwait = TEND_WSTATUS_NONE;
  st.svpid = (uint32_t)getpid();
  st.want = access("down", F_OK) == 0 ? 'd' : 'u';
  take_over();
  if (phase == DOWN && cgroup_on && cgroup_populated()) stop_leftovers(0);
  if (phase == DOWN) tend_stamp_now(&st.when);
  announce();
  if (st.want == 'u' && phase == DOWN) start_run();

  for (;;) {
    alert_poll(tend_clock_ms());
    if (exit_wanted && phase == DOWN && alert_idle()) {
      if (check_pid) kill(-check_pid, SIGKILL);
      announce();
      cgroup_remove();
      return 0;
    }
    if (dirty && due[WRITE_RETRY] == NEVER) announce();
    struct pollfd fds[6] = {
        {sigpipe_fd, POLLIN, 0}, {ctl_fd, POLLIN, 0},
        {notify_fd, POLLIN, 0},  {notify_sock, POLLIN, 0},
        {adopted_fd, POLLIN, 0}, {cgroup_watch_fd(), POLLIN, 0}};
    int r = tend_poll_until(fds, 6, next_deadline());
    if (r < 0 && errno != EINTR) tend_diesys(111, "unable to poll");
    if (r > 0) {
      if (fds[0].revents) handle_signals();
      if (fds[1].revents) handle_control();
      if (fds[2].fd >= 0 && fds[2].revents && notify_fd >= 0)
        handle_notify_fd();
      if (fds[3].fd >= 0 && fds[3].revents && notify_sock >= 0)
        handle_notify_socket();
      if (fds[4].fd >= 0 && fds[4].revents && adopted_fd >= 0 && phase == RUN)
        run_exited(-1); /* not our child: its status is unknown */
      if (fds[5].fd >= 0 && fds[5].revents) {
        cgroup_drain(); /* populated 0, perhaps: the cleanup looks */
        if (phase == CLEANUP) cleanup_or_finish();
      }
    }
    on_deadlines(tend_clock_ms());
  }
}
