/* supervise DIR: keeps DIR/run running. It restarts ./run when it exits,
   records what happens in DIR/supervise/status, and obeys the one-byte
   commands written to DIR/supervise/control (doc/supervise.8).
   One poll() loop over a self-pipe, the control FIFO and the readiness
   pipe, with one absolute deadline; nothing blocks, nothing is allocated. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <tend/msg.h>
#include <tend/servicedir.h>
#include <tend/status.h>

#define USAGE "supervise dir"
#define NEVER INT64_MAX

static char const *dir;
static tend_status st;
static int sigpipe[2];
static int ctl_fd = -1, ok_fd = -1, notify_fd = -1;
static pid_t run_pid, finish_pid;
static int64_t run_started;   /* monotonic ms when ./run was started */
static int64_t restart_at = NEVER, kill_at = NEVER, finish_kill_at = NEVER;
static int64_t write_retry_at = NEVER;
static int exit_wanted, dirty, write_failed;

/* Restart policy (see doc/supervise.8, "Restarts"). */
static unsigned long first_delay_ms = 1000, max_delay_ms = 1000,
                     stable_ms = 1000;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_signal(int sig) {
  int e = errno;
  unsigned char c = (unsigned char)sig;
  if (write(sigpipe[1], &c, 1) < 0) {
    /* the pipe is full: a wake-up is already pending */
  }
  errno = e;
}

static void catch(int sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = sig == SIGCHLD ? SA_NOCLDSTOP | SA_RESTART : SA_RESTART;
  sigfillset(&sa.sa_mask);
  sigaction(sig, &sa, 0);
}

static void announce(void) {
  if (tend_status_write(&st) < 0) {
    if (!write_failed) tend_warnsys("unable to write ", dir, "/supervise/status");
    write_failed = 1;
    write_retry_at = now_ms() + 1000;
    return;
  }
  if (write_failed) tend_warn("writing ", dir, "/supervise/status again");
  write_failed = 0;
  write_retry_at = NEVER;
  dirty = 0;
  if (ok_fd < 0) {
    ok_fd = open("supervise/ok", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (ok_fd < 0) tend_warnsys("unable to open ", dir, "/supervise/ok");
  }
}

/* In the child, between fork and exec: the service starts in its own
   session with an empty signal mask, default dispositions, and no fd of
   ours beyond 0-2 (and the readiness pipe, moved to the fd it asked for). */
static void exec_child(char *const argv[], int notify_w, int notify_at) {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP) sigaction(s, &dfl, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, 0);
  setsid();
  if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    for (int fd = 3; fd < 1024; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (notify_w >= 0) {
    if (notify_w == notify_at)
      fcntl(notify_at, F_SETFD, 0);
    else if (dup2(notify_w, notify_at) < 0)
      tend_diesys(111, "unable to set up notification-fd for ", dir, "/run");
  }
  execv(argv[0], argv);
  tend_diesys(111, "unable to start ", dir, "/", argv[0] + 2);
}

static void schedule_restart(int64_t delay) {
  restart_at = now_ms() + delay;
  tend_stamp_now(&st.restart);
  st.restart.sec += (uint64_t)(delay / 1000);
  st.restart.nsec += (uint32_t)(delay % 1000) * 1000000;
  if (st.restart.nsec >= 1000000000) {
    st.restart.nsec -= 1000000000;
    st.restart.sec++;
  }
  dirty = 1;
}

static void cancel_restart(void) {
  if (restart_at == NEVER) return;
  restart_at = NEVER;
  st.restart.sec = 0;
  st.restart.nsec = 0;
  dirty = 1;
}

/* The delay before the next start, after a death (or a failed start). */
static int64_t next_delay(int64_t ran_ms) {
  if (ran_ms >= (int64_t)stable_ms) {
    st.deaths = 0;
    st.delay_ms = 0;
    return 0;
  }
  st.deaths++;
  unsigned long d = st.delay_ms ? st.delay_ms * 2 : first_delay_ms;
  if (d > max_delay_ms) d = max_delay_ms;
  st.delay_ms = (uint32_t)d;
  return (int64_t)d;
}

static void start_run(void) {
  static char *const argv[] = {"./run", 0};
  cancel_restart();
  if (access("run", X_OK) < 0) {
    tend_warnsys("unable to start ", dir, "/run");
    schedule_restart(next_delay(0));
    return;
  }
  unsigned long nfd;
  int notify[2] = {-1, -1};
  int r = tend_sd_read_uint("notification-fd", &nfd);
  if (r < 0 || (r && (nfd < 3 || nfd > 1023))) {
    tend_warn("ignoring ", dir, "/notification-fd: not a number from 3 to 1023");
    r = 0;
  }
  if (r && pipe2(notify, O_CLOEXEC | O_NONBLOCK) < 0) {
    tend_warnsys("unable to create the readiness pipe for ", dir);
    r = 0;
  }
  pid_t pid = fork();
  if (pid < 0) {
    tend_warnsys("unable to fork for ", dir, "/run");
    if (r) close(notify[0]), close(notify[1]);
    schedule_restart(1000);
    return;
  }
  if (!pid) exec_child(argv, r ? notify[1] : -1, (int)nfd);
  if (r) {
    close(notify[1]);
    notify_fd = notify[0];
  }
  run_pid = pid;
  run_started = now_ms();
  st.pid = (uint32_t)pid;
  st.state = TEND_STATE_RUN;
  st.paused = 0;
  st.termsent = 0;
  st.flags &= (unsigned char)~TEND_FLAG_READY;
  st.ready.sec = 0;
  st.ready.nsec = 0;
  st.starts++;
  tend_stamp_now(&st.when);
  st.started = st.when;
  dirty = 1;
}

/* ./finish CODE SIG, as runit: CODE is -1 when ./run was killed. */
static int start_finish(int wstatus) {
  if (access("finish", X_OK) < 0) return 0;
  char code[INT_FMT], sig[INT_FMT];
  code[int_fmt(code, WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1)] = 0;
  sig[int_fmt(sig, WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0)] = 0;
  char *const argv[] = {"./finish", code, sig, 0};
  pid_t pid = fork();
  if (pid < 0) {
    tend_warnsys("unable to fork for ", dir, "/finish");
    return 0;
  }
  if (!pid) exec_child(argv, -1, -1);
  finish_pid = pid;
  st.pid = (uint32_t)pid;
  st.state = TEND_STATE_FINISH;
  unsigned long ms = 5000;
  if (tend_sd_read_uint("timeout-finish", &ms) < 0) ms = 5000;
  finish_kill_at = ms ? now_ms() + (int64_t)ms : NEVER;
  return 1;
}

/* Nothing runs any more: start again if the service is wanted up. */
static void service_down(void) {
  st.pid = 0;
  st.state = TEND_STATE_DOWN;
  tend_stamp_now(&st.when);
  dirty = 1;
  if (st.want != 'u' || exit_wanted) {
    st.delay_ms = 0;
    return;
  }
  int64_t delay = (int64_t)st.delay_ms;
  if (delay)
    schedule_restart(delay);
  else
    start_run();
}

static void run_exited(int wstatus) {
  int64_t ran = now_ms() - run_started;
  run_pid = 0;
  kill_at = NEVER;
  st.lastwait = (uint32_t)wstatus;
  st.termsent = 0;
  st.paused = 0;
  st.flags &= (unsigned char)~TEND_FLAG_READY;
  st.ready.sec = 0;
  st.ready.nsec = 0;
  if (notify_fd >= 0) close(notify_fd), notify_fd = -1;
  next_delay(ran);
  if (start_finish(wstatus)) {
    tend_stamp_now(&st.when);
    dirty = 1;
  } else
    service_down();
}

static void finish_exited(void) {
  finish_pid = 0;
  finish_kill_at = NEVER;
  service_down();
}

static void reap(void) {
  for (;;) {
    int ws;
    pid_t p = waitpid(-1, &ws, WNOHANG);
    if (p <= 0) break;
    if (p == run_pid)
      run_exited(ws);
    else if (p == finish_pid)
      finish_exited();
    /* anything else is an orphan of the service: reaped, nothing more */
  }
}

static void signal_run(int sig) {
  if (run_pid) kill(run_pid, sig);
}

static void stop_run(void) {
  int sig = SIGTERM;
  if (tend_sd_read_signal("down-signal", &sig) < 0) {
    tend_warn("ignoring ", dir, "/down-signal: unknown signal");
    sig = SIGTERM;
  }
  signal_run(sig);
  if (sig != SIGCONT) signal_run(SIGCONT);
  st.termsent = 1;
  st.paused = 0;
  unsigned long ms = 0;
  if (tend_sd_read_uint("timeout-kill", &ms) < 0) ms = 0;
  kill_at = ms ? now_ms() + (int64_t)ms : NEVER;
  dirty = 1;
}

static void command(char c) {
  switch (c) {
  case 'u':
    st.want = 'u';
    dirty = 1;
    if (!run_pid && !finish_pid) start_run();
    break;
  case 'o':
    st.want = 0;
    dirty = 1;
    if (!run_pid && !finish_pid) start_run();
    break;
  case 'd':
    st.want = 'd';
    cancel_restart();
    dirty = 1;
    if (run_pid) stop_run();
    break;
  case 'x':
    exit_wanted = 1;
    cancel_restart();
    st.flags |= TEND_FLAG_EXITING;
    dirty = 1;
    break;
  case 'p':
    if (run_pid) signal_run(SIGSTOP), st.paused = 1, dirty = 1;
    break;
  case 'c':
    if (run_pid) signal_run(SIGCONT), st.paused = 0, dirty = 1;
    break;
  case 't':
    if (run_pid) {
      signal_run(SIGTERM);
      if (st.paused) signal_run(SIGCONT), st.paused = 0;
      st.termsent = 1;
      dirty = 1;
    } else if (restart_at != NEVER)
      start_run();
    break;
  case 'k': signal_run(SIGKILL); break;
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
  while ((r = read(sigpipe[0], buf, sizeof buf)) > 0)
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
    for (ssize_t i = 0; i < r; i++) command(buf[i]);
}

static void handle_notify(void) {
  char buf[64];
  ssize_t r = read(notify_fd, buf, sizeof buf);
  if (r > 0 && !memchr(buf, '\n', (size_t)r)) return;
  if (r < 0 && errno == EAGAIN) return;
  if (r > 0) {
    st.flags |= TEND_FLAG_READY;
    tend_stamp_now(&st.ready);
    dirty = 1;
  }
  close(notify_fd); /* one newline is all we listen for */
  notify_fd = -1;
}

static void on_deadlines(int64_t now) {
  if (now >= kill_at) {
    kill_at = NEVER;
    signal_run(SIGKILL);
  }
  if (now >= finish_kill_at) {
    finish_kill_at = NEVER;
    if (finish_pid) kill(finish_pid, SIGKILL);
  }
  if (now >= restart_at) {
    restart_at = NEVER;
    if (!run_pid && !finish_pid && st.want == 'u' && !exit_wanted) start_run();
  }
  if (now >= write_retry_at) dirty = 1;
}

static int64_t next_deadline(void) {
  int64_t d = restart_at;
  if (kill_at < d) d = kill_at;
  if (finish_kill_at < d) d = finish_kill_at;
  if (write_retry_at < d) d = write_retry_at;
  return d;
}

static void make_supervise_dir(void) {
  if (mkdir("supervise", 0700) == 0) return;
  if (errno != EEXIST) tend_diesys(111, "unable to create ", dir, "/supervise");
  struct stat s;
  if (stat("supervise", &s) == 0) {
    if (!S_ISDIR(s.st_mode)) {
      errno = ENOTDIR;
      tend_diesys(111, "unable to use ", dir, "/supervise");
    }
    return;
  }
  /* a dangling symlink: create what it points to */
  char target[4096];
  ssize_t n = readlink("supervise", target, sizeof target - 1);
  if (n < 0) tend_diesys(111, "unable to read ", dir, "/supervise");
  target[n] = 0;
  if (mkdir(target, 0700) < 0 && errno != EEXIST)
    tend_diesys(111, "unable to create ", target);
}

static int open_fifo(char const *name, int flags) {
  if (mkfifo(name, 0600) < 0 && errno != EEXIST)
    tend_diesys(111, "unable to create ", dir, "/", name);
  int fd = open(name, flags | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) tend_diesys(111, "unable to open ", dir, "/", name);
  return fd;
}

static void read_settings(void) {
  tend_status old;
  if (tend_status_read(&old, 0) == 1 && old.version >= 1) {
    st.starts = old.starts;
    st.lastwait = old.lastwait;
    st.started = old.started;
  }
}

int main(int argc, char const *const *argv) {
  tend_prog = "supervise";
  if (argc != 2) tend_dieusage(USAGE);
  dir = argv[1];

  for (int fd = 0; fd < 3; fd++)
    if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
      tend_diesys(111, "unable to open /dev/null");

  if (chdir(dir) < 0) tend_diesys(111, "unable to chdir to ", dir);
  make_supervise_dir();

  int lock = open("supervise/lock", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                  0600);
  if (lock < 0) tend_diesys(111, "unable to open ", dir, "/supervise/lock");
  if (flock(lock, LOCK_EX | LOCK_NB) < 0) {
    if (errno == EWOULDBLOCK) errno = EAGAIN;
    tend_diesys(111, "unable to acquire ", dir, "/supervise/lock");
  }

  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, 0); /* whatever our parent blocked */
  if (pipe2(sigpipe, O_CLOEXEC | O_NONBLOCK) < 0)
    tend_diesys(111, "unable to create the self-pipe");
  catch(SIGCHLD);
  catch(SIGTERM);
  catch(SIGHUP);
  catch(SIGINT);
  catch(SIGQUIT);
  catch(SIGPIPE);
  /* orphans of the service come back to us, so none is left behind */
  prctl(PR_SET_CHILD_SUBREAPER, 1);

  ctl_fd = open_fifo("supervise/control", O_RDONLY);
  open_fifo("supervise/control", O_WRONLY); /* never see EOF */
  if (mkfifo("supervise/ok", 0600) < 0 && errno != EEXIST)
    tend_diesys(111, "unable to create ", dir, "/supervise/ok");

  st.lastwait = TEND_WSTATUS_NONE;
  st.svpid = (uint32_t)getpid();
  read_settings();
  st.want = access("down", F_OK) == 0 ? 'd' : 'u';
  tend_stamp_now(&st.when);
  announce();
  if (st.want == 'u') start_run();

  for (;;) {
    if (exit_wanted && !run_pid && !finish_pid) {
      announce();
      return 0;
    }
    if (dirty && write_retry_at == NEVER) announce();
    struct pollfd fds[3] = {{sigpipe[0], POLLIN, 0}, {ctl_fd, POLLIN, 0},
                            {notify_fd, POLLIN, 0}};
    int64_t deadline = next_deadline();
    int timeout = -1;
    if (deadline != NEVER) {
      int64_t left = deadline - now_ms();
      timeout = left <= 0 ? 0 : left > 86400000 ? 86400000 : (int)left;
    }
    int r = poll(fds, notify_fd >= 0 ? 3 : 2, timeout);
    if (r < 0 && errno != EINTR) tend_diesys(111, "unable to poll");
    if (r > 0) {
      if (fds[0].revents) handle_signals();
      if (fds[1].revents) handle_control();
      if (notify_fd >= 0 && fds[2].revents) handle_notify();
    }
    on_deadlines(now_ms());
  }
}
