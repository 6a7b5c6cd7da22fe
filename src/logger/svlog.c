/* svlog: read lines on stdin and follow a multilog script (select, stamp,
   write to rotated log directories). When stdin is a pipe, a line leaves the
   pipe only after it is written: a SIGKILL at any moment loses nothing. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <tend/msg.h>
#include <tend/safeopen.h>
#include "svlog.h"

#define IN_MIN 65536
#define IN_MAX 98304 /* with the buffers, under 1 MB resident */
#ifndef IN_WANT
#define IN_WANT 131072
#endif
#define OUT_RETRY_MS 50      /* stdout full: look again this often */
#define OUT_DRAIN_MS 1000    /* at the end, wait this long for stdout */
#define TIMEOUT_MAX 86400000 /* ms: a far deadline is looked at once a day */

static struct svlog sv = {.errfd = 2};
static char *inbuf;
static size_t incap;
static int sigfd = -1; /* read end of the self-pipe */
static int selfpipe_w = -1;
static volatile sig_atomic_t got_term, got_alrm, got_chld, got_io;
static int pipe_mode;
static int reading; /* input has been read: leaving on TERM may lose it */
static int want_exit, want_rotate;

static void script_warning(char const *what, char const *arg) {
  tend_warn(what, arg);
}

static void parse_script(int argc, char const *const *argv) {
  char const *bad;
  char const *err = svlog_script_parse(&sv, argc, argv, &bad, script_warning);
  if (!err) return;
  if (!*err) { /* name the place of what cannot be shown */
    char num[12], *o = num + sizeof num;
    unsigned n = 0;
    while (argv[n] != bad)
      n++;
    *--o = 0;
    n++;
    do
      *--o = (char)('0' + n % 10);
    while (n /= 10);
    tend_die(100, "empty action in the script (argument ", o, ")");
  }
  tend_die(100, err, bad);
}

/* Everything of this batch reaches the disk (or the status files) before
   the batch leaves the pipe. */
static void commit(void) {
  for (unsigned i = 0; i < sv.ndirs; i++)
    svlog_dir_flush(&sv.dirs[i]);
  svlog_stall_clear();
  if (sv.out.len) svlog_out_flush(&sv);
  for (unsigned i = 0; i < sv.nstatuses; i++) {
    struct svlog_status *s = &sv.statuses[i];
    if (!s->dirty) continue;
    s->dirty = 0;
    if (pwrite(s->fd, s->line, SVLOG_STATUS_LEN, 0) != SVLOG_STATUS_LEN)
      tend_warnsys("unable to write ", s->path);
  }
}

/* ---- signals and deadlines ---- */

static void reap(void) {
  for (;;) {
    int wstatus;
    pid_t pid = waitpid(-1, &wstatus, WNOHANG);
    if (pid <= 0) return;
    for (unsigned i = 0; i < sv.ndirs; i++)
      if (svlog_dir_reap(&sv.dirs[i], pid, wstatus)) break;
  }
}

/* The handlers only set a flag and wake the loop: checking the flags
   costs no system call per batch. */
static void on_signal(int sig) {
  int e = errno;
  if (sig == SIGPIPE) return; /* a write to stdout says EPIPE instead */
  if (sig == SIGTERM)
    got_term = 1;
  else if (sig == SIGALRM)
    got_alrm = 1;
  else
    got_chld = 1;
  if (write(selfpipe_w, "", 1) < 0) { /* full: a wake-up is pending */
  }
  errno = e;
}

static void read_signals(void) {
  if (!(got_term | got_alrm | got_chld | got_io)) return;
  got_io = 0;
  char junk[64];
  while (read(sigfd, junk, sizeof junk) > 0)
    ;
  if (got_term) want_exit = 1;
  if (got_alrm) want_rotate = 1;
  got_term = got_alrm = 0;
  if (got_chld) {
    got_chld = 0;
    reap();
  }
}

int svlog_pause(int ms) {
  struct pollfd p = {.fd = sigfd, .events = POLLIN};
  poll(&p, 1, ms);
  read_signals();
  return want_exit;
}

/* While a log directory holds svlog up (a write retried, a processor
   awaited): a TERM under a pipe may leave at once, since the unwritten
   lines are still in the pipe; so may a TERM before any input was read. */
int svlog_blocked(void) {
  read_signals();
  if (want_exit && (pipe_mode || !reading)) {
    for (unsigned i = 0; i < sv.ndirs; i++)
      svlog_dir_kill_processor(&sv.dirs[i]);
    tend_die(111, pipe_mode
                      ? "leaving on TERM with unwritten lines left in the pipe"
                      : "leaving on TERM before reading any input");
  }
  return want_exit;
}

/* Rotations asked for by ALRM or by age, processors to run again; returns
   the milliseconds until the next such deadline, or -1. A line being
   written in pieces holds rotations back: its end comes with input, which
   wakes the loop anyway, so its age is no deadline. */
static int timers(void) {
  int64_t now = svlog_now_ns(), next = -1;
  for (unsigned i = 0; i < sv.ndirs; i++) {
    struct svlog_dir *d = &sv.dirs[i];
    int64_t due = -1;
    if (!sv.mid_line) {
      if (want_rotate || (d->age_max_ns && d->started_ns >= 0 &&
                          now - d->started_ns >= (int64_t)d->age_max_ns))
        if (d->cur_bytes) svlog_dir_rotate(d);
      if (d->age_max_ns && d->started_ns >= 0)
        due = d->started_ns + (int64_t)d->age_max_ns;
    }
    if (d->proc_retry_ns >= 0 && !d->proc_pid) {
      if (d->proc_retry_ns <= now)
        svlog_dir_retry(d);
      else if (due < 0 || d->proc_retry_ns < due)
        due = d->proc_retry_ns;
    }
    if (due >= 0 && (next < 0 || due < next)) next = due;
  }
  if (!sv.mid_line) want_rotate = 0;
  if (sv.out.len) { /* stdout was full: look again soon */
    svlog_out_flush(&sv);
    if (sv.out.len) {
      int64_t soon = now + (int64_t)OUT_RETRY_MS * 1000000;
      if (next < 0 || soon < next) next = soon;
    }
  }
  if (next < 0) return -1;
  now = svlog_now_ns();
  if (next <= now) return 0;
  int64_t ms = (next - now) / 1000000 + 1;
  return ms > TIMEOUT_MAX ? TIMEOUT_MAX : (int)ms;
}

static int min_timeout(int a, int b) {
  if (a < 0) return b;
  if (b < 0) return a;
  return a < b ? a : b;
}

static void finish(void) {
  for (unsigned i = 0; i < sv.ndirs; i++)
    svlog_dir_finish(&sv.dirs[i], want_exit);
  if (sv.out.len) svlog_out_drain(&sv, OUT_DRAIN_MS);
  _exit(0);
}

/* ---- input: a pipe, looked at with tee(2) and consumed after writing ---- */

static void consume(size_t n, int devnull) {
  while (n) {
    ssize_t r = devnull >= 0 ? splice(0, 0, devnull, 0, n, 0) : -1;
    if (r < 0 && devnull >= 0 && errno == EINTR) continue;
    if (r < 0) r = read(0, inbuf, n < incap ? n : incap);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) tend_diesys(111, "unable to read standard input");
    n -= (size_t)r;
  }
}

/* The pipe holds the start of a line and nothing more. A writer that fills
   a pipe which was not empty does not wake an epoll reader (Linux only
   wakes readers of an empty pipe, or when a write completes), but it
   always sends the pipe's async notification: ask for it (as SIGURG,
   ignored by default, should a stale owner ever get one) while waiting. */
static void wait_for_more(int ep, size_t seen, int timeout) {
  struct epoll_event evs[2];
  int flags = fcntl(0, F_GETFL);
  int queued = 0;
  if (flags >= 0) fcntl(0, F_SETFL, flags | O_ASYNC);
  if (ioctl(0, FIONREAD, &queued) < 0 || (size_t)queued <= seen)
    epoll_wait(ep, evs, 2, min_timeout(timeout, 1000));
  if (flags >= 0) fcntl(0, F_SETFL, flags);
}

static void run_pipe(int priv[2]) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.fd = 0};
  if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev) < 0)
    tend_diesys(111, "unable to watch standard input");
  ev.events = EPOLLIN;
  ev.data.fd = sigfd;
  if (epoll_ctl(ep, EPOLL_CTL_ADD, sigfd, &ev) < 0)
    tend_diesys(111, "unable to watch signals");
  reading = 1;
  for (;;) {
    read_signals();
    if (want_exit && !sv.mid_line) break;
    int timeout = timers();
    ssize_t n = tee(0, priv[1], incap, SPLICE_F_NONBLOCK);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) tend_diesys(111, "unable to read standard input");
      struct epoll_event evs[2];
      epoll_wait(ep, evs, 2, timeout);
      continue;
    }
    if (n == 0) {
      svlog_end_of_input(&sv);
      commit();
      break;
    }
    for (size_t got = 0; got < (size_t)n;) {
      ssize_t r = read(priv[0], inbuf + got, (size_t)n - got);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) tend_diesys(111, "unable to read a copy of standard input");
      got += (size_t)r;
    }
    int queued = 0;
    int forced =
        (size_t)n == incap || (ioctl(0, FIONREAD, &queued) == 0 && queued > n);
    size_t done = svlog_process(&sv, inbuf, (size_t)n, forced, 0);
    if (!done) {
      /* only the start of a line: wait for the rest, or for the end */
      struct pollfd pfd = {.fd = 0, .events = POLLIN};
      if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP))
        done = svlog_process(&sv, inbuf, (size_t)n, 0, 1);
      else {
        wait_for_more(ep, (size_t)n, timeout);
        continue;
      }
    }
    commit();
    consume(done, devnull);
  }
  finish();
}

/* ---- input: anything else (a file, a terminal, a socket) ---- */

static void run_read(void) {
  size_t have = 0;
  int eof = 0;
  struct pollfd pfd[2] = {{.fd = 0, .events = POLLIN},
                          {.fd = sigfd, .events = POLLIN}};
  reading = 1;
  while (!eof) {
    read_signals();
    if (want_exit) break;
    int timeout = timers();
    if (poll(pfd, 2, timeout) <= 0 || !(pfd[0].revents & (POLLIN | POLLHUP)))
      continue;
    ssize_t r = read(0, inbuf + have, incap - have);
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      tend_diesys(111, "unable to read standard input");
    }
    if (r == 0) eof = 1;
    have += (size_t)r;
    size_t done = svlog_process(&sv, inbuf, have, have == incap, eof);
    commit();
    memmove(inbuf, inbuf + done, have - done);
    have -= done;
  }
  /* TERM: what was read is written, a partial line with its newline */
  svlog_process(&sv, inbuf, have, 0, 1);
  svlog_end_of_input(&sv);
  commit();
  finish();
}

static char *map_buffer(size_t n) {
  void *p =
      mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) tend_diesys(111, "unable to allocate a buffer");
  return p;
}

int main(int argc, char **argv) {
  int priv[2] = {-1, -1};
  struct stat st;
  tend_prog = "svlog";
  /* no malloc in this long-lived process: the script sizes these arrays,
     and the buffers below are mapped once. No action at all is a script
     too (as multilog): the input is read and nothing is done with it. */
  struct svlog_action action_space[argc];
  struct svlog_dir dir_space[argc];
  struct svlog_status status_space[argc];
  memset(action_space, 0, sizeof action_space);
  memset(dir_space, 0, sizeof dir_space);
  memset(status_space, 0, sizeof status_space);
  sv.actions = action_space;
  sv.dirs = dir_space;
  sv.statuses = status_space;
  parse_script(argc - 1, (char const *const *)argv + 1);

  int sp[2];
  struct sigaction sa;
  if (pipe2(sp, O_CLOEXEC | O_NONBLOCK) < 0)
    tend_diesys(111, "unable to create a pipe");
  sigfd = sp[0];
  selfpipe_w = sp[1];
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGTERM, &sa, 0) < 0 || sigaction(SIGALRM, &sa, 0) < 0 ||
      sigaction(SIGCHLD, &sa, 0) < 0 || sigaction(SIGURG, &sa, 0) < 0 ||
      (sv.has_stdout && sigaction(SIGPIPE, &sa, 0) < 0))
    tend_diesys(111, "unable to catch signals");

  incap = IN_MIN;
  if (fstat(0, &st) == 0 && S_ISFIFO(st.st_mode) &&
      pipe2(priv, O_CLOEXEC | O_NONBLOCK) == 0) {
    /* our copy must hold all that stdin can hold */
    int size = fcntl(0, F_GETPIPE_SZ);
    /* bigger batches, fewer system calls; the pipe's owner may say no */
    if (size > 0 && size < IN_WANT && fcntl(0, F_SETPIPE_SZ, IN_WANT) > 0)
      size = fcntl(0, F_GETPIPE_SZ);
    if (size > IN_MAX) size = IN_MAX;
    if (size > 0 && (size_t)size > incap) incap = (size_t)size;
    if ((size_t)fcntl(priv[1], F_GETPIPE_SZ) < incap)
      fcntl(priv[1], F_SETPIPE_SZ, (int)incap);
    pipe_mode = 1;
  }
  inbuf = map_buffer(incap);
  svlog_out_open(&sv);
  for (unsigned i = 0; i < sv.nstatuses; i++) {
    /* never through a symlink, and only a regular file */
    sv.statuses[i].fd =
        tend_open_create(AT_FDCWD, sv.statuses[i].path, O_WRONLY, 0644);
    if (sv.statuses[i].fd < 0)
      tend_diesys(111, "unable to open ", sv.statuses[i].path);
  }
  for (unsigned i = 0; i < sv.ndirs; i++) {
    sv.dirs[i].obuf = map_buffer(SVLOG_OBUF);
    svlog_dir_open(&sv.dirs[i]);
  }
  if (pipe_mode) {
    /* tee(2) needs a kernel that has it; otherwise read plainly */
    ssize_t r = tee(0, priv[1], 1, SPLICE_F_NONBLOCK);
    if (r < 0 && errno != EAGAIN)
      pipe_mode = 0;
    else if (r > 0) {
      char c;
      if (read(priv[0], &c, 1) < 0) pipe_mode = 0;
    }
  }
  if (pipe_mode) {
    fcntl(0, F_SETSIG, SIGURG);
    fcntl(0, F_SETOWN, getpid());
    run_pipe(priv);
  }
  run_read();
  return 0;
}
