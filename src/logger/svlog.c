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
#include <tend/tai64n.h>
#include "svlog.h"

#define USAGE "svlog script..."
#define IN_MIN 65536
#define IN_MAX 98304 /* with the buffers, under 1 MB resident */
#ifndef IN_WANT
#define IN_WANT 131072
#endif
#define SIZE_DEFAULT 99999
#define SIZE_MIN 4096
#define SIZE_LIMIT ((uint64_t)1 << 40)
#define KEEP_DEFAULT 10

enum stamping { STAMP_NONE, STAMP_TAI64N, STAMP_ISO };

static struct svlog_action *actions;
static unsigned nactions;
static struct svlog_dir *dirs;
static unsigned ndirs;
static struct svlog_status *statuses;
static unsigned nstatuses;
static enum stamping stamping;
static int need_view; /* patterns, e or = look at the line */

static char *inbuf;
static size_t incap;
static int sigfd = -1; /* read end of the self-pipe */
static int selfpipe_w = -1;
static volatile sig_atomic_t got_term, got_alrm, got_chld, got_io;
static int pipe_mode;
static int want_exit, want_rotate;
static int mid_line; /* the last piece written did not end its line */

/* the stamp of the batch being written */
static char stamp[40];
static size_t stamp_len;
static int stamp_fresh;

/* Options that apply to the directories after them. */
static uint64_t parse_size(char const *s, char const *arg) {
  uint64_t n = 0;
  if (!*s) tend_die(100, "invalid size in ", arg);
  for (; *s >= '0' && *s <= '9'; s++) {
    if (n > SIZE_LIMIT) break;
    n = n * 10 + (uint64_t)(*s - '0');
  }
  switch (*s) {
  case 0: break;
  case 'k':
  case 'K':
    n <<= 10;
    s++;
    break;
  case 'M':
    n <<= 20;
    s++;
    break;
  case 'G':
    n <<= 30;
    s++;
    break;
  default: tend_die(100, "invalid size in ", arg);
  }
  if (*s) tend_die(100, "invalid size in ", arg);
  if (n < SIZE_MIN) n = SIZE_MIN;
  if (n > SIZE_LIMIT) n = SIZE_LIMIT;
  return n;
}

static uint64_t parse_age(char const *s, char const *arg) {
  uint64_t n = 0, unit = 1;
  if (!*s) tend_die(100, "invalid age in ", arg);
  for (; *s >= '0' && *s <= '9'; s++) {
    if (n > 100000000) tend_die(100, "age too large in ", arg);
    n = n * 10 + (uint64_t)(*s - '0');
  }
  switch (*s) {
  case 0: break;
  case 's': s++; break;
  case 'm':
    unit = 60;
    s++;
    break;
  case 'h':
    unit = 3600;
    s++;
    break;
  case 'd':
    unit = 86400;
    s++;
    break;
  default: tend_die(100, "invalid age in ", arg);
  }
  if (*s) tend_die(100, "invalid age in ", arg);
  return n * unit * 1000000000;
}

static void parse_script(int argc, char **argv) {
  uint64_t size = SIZE_DEFAULT, age = 0;
  unsigned keep = KEEP_DEFAULT;
  char const *processor = 0;
  for (int i = 0; i < argc; i++) {
    char const *a = argv[i];
    struct svlog_action *act = &actions[nactions];
    switch (a[0]) {
    case 't':
    case 'T':
      /* like multilog: a stamp is only added by the first action */
      if (i == 0 && !a[1])
        stamping = a[0] == 't' ? STAMP_TAI64N : STAMP_ISO;
      else if (a[1])
        tend_die(100, "unknown action: ", a);
      break;
    case '+':
    case '-':
      act->kind = a[0] == '+' ? ACT_SELECT : ACT_DESELECT;
      act->arg = a + 1;
      nactions++;
      need_view = 1;
      break;
    case 'e':
      if (a[1]) tend_die(100, "unknown action: ", a);
      act->kind = ACT_ERR;
      nactions++;
      need_view = 1;
      break;
    case 's': size = parse_size(a + 1, a); break;
    case 'a': age = parse_age(a + 1, a); break;
    case 'n': {
      char const *s = a + 1;
      unsigned n = 0;
      if (!*s) tend_die(100, "invalid number in ", a);
      for (; *s >= '0' && *s <= '9'; s++)
        if (n < 1000000) n = n * 10 + (unsigned)(*s - '0');
      if (*s) tend_die(100, "invalid number in ", a);
      keep = n < 2 ? 2 : n;
      break;
    }
    case '!': processor = a[1] ? a + 1 : 0; break;
    case '=':
      if (!a[1]) tend_die(100, "missing file name in ", a);
      act->kind = ACT_STATUS;
      act->arg = a + 1;
      act->index = nstatuses;
      statuses[nstatuses++].path = a + 1;
      nactions++;
      need_view = 1;
      break;
    case '.':
    case '/': {
      struct svlog_dir *d = &dirs[ndirs];
      act->kind = ACT_DIR;
      act->arg = a;
      act->index = ndirs++;
      nactions++;
      d->path = a;
      d->size_max = size;
      d->keep = keep;
      d->age_max_ns = age;
      d->processor = processor;
      break;
    }
    default: tend_die(100, "unknown action: ", a);
    }
  }
}

/* ---- stamps ---- */

static char *put_digits(char *out, unsigned long v, int width) {
  for (int i = width - 1; i >= 0; i--, v /= 10)
    out[i] = (char)('0' + v % 10);
  return out + width;
}

/* 2026-11-25T09:02:13.792521Z and a space, in UTC. The date comes from the
   day count by the usual era arithmetic (400-year cycles of 146097 days);
   no strftime, which would pull the whole time zone machinery into a
   long-lived process. */
static void iso_stamp(time_t t, unsigned long us) {
  long long days = (long long)t / 86400, secs = (long long)t % 86400;
  if (secs < 0) {
    secs += 86400;
    days--;
  }
  days += 719468; /* from 1970-01-01 to 0000-03-01 */
  long long era = (days >= 0 ? days : days - 146096) / 146097;
  long long doe = days - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  long long day = doy - (153 * mp + 2) / 5 + 1;
  long long month = mp < 10 ? mp + 3 : mp - 9;
  long long year = yoe + era * 400 + (month <= 2);
  char *o = stamp;
  o = put_digits(o, (unsigned long)year, 4);
  *o++ = '-';
  o = put_digits(o, (unsigned long)month, 2);
  *o++ = '-';
  o = put_digits(o, (unsigned long)day, 2);
  *o++ = 'T';
  o = put_digits(o, (unsigned long)(secs / 3600), 2);
  *o++ = ':';
  o = put_digits(o, (unsigned long)(secs / 60 % 60), 2);
  *o++ = ':';
  o = put_digits(o, (unsigned long)(secs % 60), 2);
  *o++ = '.';
  o = put_digits(o, us, 6);
  *o++ = 'Z';
  *o++ = ' ';
  stamp_len = (size_t)(o - stamp);
}

static void make_stamp(void) {
  struct timespec ts;
  if (stamp_fresh || stamping == STAMP_NONE) return;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (stamping == STAMP_TAI64N) {
    tend_stamp s;
    char packed[TEND_TAI64N_LEN];
    tend_stamp_from_timespec(&s, &ts);
    tend_tai64n_pack(packed, &s);
    stamp[0] = '@';
    tend_tai64n_hex(stamp + 1, packed);
    stamp[1 + TEND_TAI64N_HEXLEN] = ' ';
    stamp_len = 2 + TEND_TAI64N_HEXLEN;
  } else {
    iso_stamp(ts.tv_sec, (unsigned long)ts.tv_nsec / 1000);
  }
  stamp_fresh = 1;
}

/* ---- writing into directories ---- */

/* Gather bytes for current; a full buffer is written out. */
static void dir_put(struct svlog_dir *d, char const *s, size_t n) {
  while (n) {
    if (d->olen == SVLOG_OBUF) svlog_dir_flush(d);
    size_t k = SVLOG_OBUF - d->olen;
    if (k > n) k = n;
    memcpy(d->obuf + d->olen, s, k);
    d->olen += k;
    s += k;
    n -= k;
  }
}

/* Append bytes to current; a file never grows past its size: a line longer
   than the size is cut where the file is full. */
static void dir_emit(struct svlog_dir *d, char const *s, size_t n) {
  while (n) {
    if (d->cur_bytes >= d->size_max) svlog_dir_rotate(d);
    uint64_t room = d->size_max - d->cur_bytes;
    size_t k = n < room ? n : (size_t)room;
    if (!d->cur_bytes) d->started_ns = svlog_now_ns();
    dir_put(d, s, k);
    d->cur_bytes += k;
    s += k;
    n -= k;
  }
}

static void dir_line_start(struct svlog_dir *d, char const *p, size_t len,
                           int addnl, int complete) {
  uint64_t total = stamp_len + len + (addnl ? 1 : 0);
  /* rotate at the line boundary before current would exceed the size */
  if (d->cur_bytes && d->cur_bytes + total > d->size_max) svlog_dir_rotate(d);
  (void)complete;
  if (stamp_len) dir_emit(d, stamp, stamp_len);
  dir_emit(d, p, len);
  if (addnl) dir_emit(d, "\n", 1);
}

/* ---- selection ---- */

static void err_line(char const *view, size_t vlen, int longer) {
  char out[SVLOG_E_MAX + 4];
  size_t n = vlen;
  if (n > SVLOG_E_MAX) {
    n = SVLOG_E_MAX;
    longer = 1;
  }
  memcpy(out, view, n);
  if (longer) {
    memcpy(out + n, "...", 3);
    n += 3;
  }
  out[n++] = '\n';
  if (write(2, out, n) < 0) { /* stderr gone: nothing to do */
  }
}

/* A new line starts: decide where it goes. view is the stamped line as the
   patterns see it (at most 1000 bytes); longer: the line goes on. */
static void select_line(char const *p, size_t content, int complete) {
  char view[SVLOG_MATCH_MAX];
  size_t vlen = 0;
  int longer = 0;
  int sel = 1;
  if (need_view) {
    size_t k = content;
    memcpy(view, stamp, stamp_len);
    vlen = stamp_len;
    if (k > SVLOG_MATCH_MAX - vlen) k = SVLOG_MATCH_MAX - vlen;
    memcpy(view + vlen, p, k);
    vlen += k;
    longer = !complete || vlen < stamp_len + content;
  }
  for (unsigned i = 0; i < nactions; i++) {
    struct svlog_action *a = &actions[i];
    switch (a->kind) {
    case ACT_SELECT:
      if (!sel && svlog_match(a->arg, view, vlen)) sel = 1;
      break;
    case ACT_DESELECT:
      if (sel && svlog_match(a->arg, view, vlen)) sel = 0;
      break;
    case ACT_ERR:
      if (sel) err_line(view, vlen, longer);
      break;
    case ACT_STATUS:
      if (sel) {
        struct svlog_status *s = &statuses[a->index];
        memset(s->line, '\n', SVLOG_STATUS_LEN);
        memcpy(s->line, view, vlen);
        s->dirty = 1;
      }
      break;
    case ACT_DIR: dirs[a->index].selected = sel; break;
    }
  }
}

/* One line, or a piece of one: has_nl when p ends with its newline, addnl
   when the line ends here without one (end of input). */
static void piece(char const *p, size_t len, int has_nl, int addnl) {
  int complete = has_nl || addnl;
  if (!mid_line) {
    make_stamp();
    select_line(p, len - (has_nl ? 1 : 0), complete);
    for (unsigned i = 0; i < ndirs; i++)
      if (dirs[i].selected) dir_line_start(&dirs[i], p, len, addnl, complete);
  } else {
    for (unsigned i = 0; i < ndirs; i++)
      if (dirs[i].selected) {
        dir_emit(&dirs[i], p, len);
        if (addnl) dir_emit(&dirs[i], "\n", 1);
      }
  }
  mid_line = !complete;
}

/* Write out the complete lines of buf; forced: the buffer holds no end of
   line and cannot grow, so the start of a long line goes out now; final: no
   more input, a partial line gets its newline. Returns the bytes used. */
static size_t process(char const *buf, size_t n, int forced, int final) {
  size_t pos = 0;
  stamp_fresh = 0;
  while (pos < n) {
    char const *nl = memchr(buf + pos, '\n', n - pos);
    if (nl) {
      size_t end = (size_t)(nl - buf) + 1;
      piece(buf + pos, end - pos, 1, 0);
      pos = end;
    } else if (forced || final) {
      piece(buf + pos, n - pos, 0, final);
      pos = n;
    } else
      break;
  }
  return pos;
}

static void end_of_input(void) {
  if (mid_line) piece("", 0, 0, 1);
}

/* Everything of this batch reaches the disk (or the status files) before
   the batch leaves the pipe. */
static void commit(void) {
  for (unsigned i = 0; i < ndirs; i++)
    svlog_dir_flush(&dirs[i]);
  svlog_stall_clear();
  for (unsigned i = 0; i < nstatuses; i++) {
    struct svlog_status *s = &statuses[i];
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
    for (unsigned i = 0; i < ndirs; i++)
      if (svlog_dir_reap(&dirs[i], pid, wstatus)) break;
  }
}

/* The handlers only set a flag and wake the loop: checking the flags
   costs no system call per batch. */
static void on_signal(int sig) {
  int e = errno;
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

/* While a write is retried: a TERM under a pipe may leave at once, since
   the unwritten lines are still in the pipe. */
static void stall_hook(void) {
  read_signals();
  if (want_exit && pipe_mode)
    tend_die(111, "leaving on TERM with unwritten lines left in the pipe");
}

/* Rotations asked for by ALRM or by age, processors to run again; returns
   the milliseconds until the next such deadline, or -1. */
static int timers(void) {
  int64_t now = svlog_now_ns(), next = -1;
  for (unsigned i = 0; i < ndirs; i++) {
    struct svlog_dir *d = &dirs[i];
    int64_t due = -1;
    if (!mid_line &&
        (want_rotate || (d->age_max_ns && d->started_ns >= 0 &&
                         now - d->started_ns >= (int64_t)d->age_max_ns)))
      if (d->cur_bytes) svlog_dir_rotate(d);
    if (d->age_max_ns && d->started_ns >= 0)
      due = d->started_ns + (int64_t)d->age_max_ns;
    if (d->proc_retry_ns >= 0 && !d->proc_pid) {
      if (d->proc_retry_ns <= now)
        svlog_dir_retry(d);
      else if (due < 0 || d->proc_retry_ns < due)
        due = d->proc_retry_ns;
    }
    if (due >= 0 && (next < 0 || due < next)) next = due;
  }
  if (!mid_line) want_rotate = 0;
  if (next < 0) return -1;
  now = svlog_now_ns();
  return next <= now ? 0 : (int)((next - now) / 1000000 + 1);
}

static int min_timeout(int a, int b) {
  if (a < 0) return b;
  if (b < 0) return a;
  return a < b ? a : b;
}

static void finish(void) {
  for (unsigned i = 0; i < ndirs; i++)
    svlog_dir_finish(&dirs[i]);
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
  for (;;) {
    read_signals();
    if (want_exit && !mid_line) break;
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
      end_of_input();
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
    size_t done = process(inbuf, (size_t)n, forced, 0);
    if (!done) {
      /* only the start of a line: wait for the rest, or for the end */
      struct pollfd pfd = {.fd = 0, .events = POLLIN};
      if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP))
        done = process(inbuf, (size_t)n, 0, 1);
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
    size_t done = process(inbuf, have, have == incap, eof);
    commit();
    memmove(inbuf, inbuf + done, have - done);
    have -= done;
  }
  /* TERM: what was read is written, a partial line with its newline */
  process(inbuf, have, 0, 1);
  end_of_input();
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
  if (argc < 2) tend_dieusage(USAGE);
  /* no malloc in this long-lived process: the script sizes these arrays,
     and the buffers below are mapped once */
  struct svlog_action action_space[argc];
  struct svlog_dir dir_space[argc];
  struct svlog_status status_space[argc];
  memset(action_space, 0, sizeof action_space);
  memset(dir_space, 0, sizeof dir_space);
  memset(status_space, 0, sizeof status_space);
  actions = action_space;
  dirs = dir_space;
  statuses = status_space;
  parse_script(argc - 1, argv + 1);

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
      sigaction(SIGCHLD, &sa, 0) < 0 || sigaction(SIGURG, &sa, 0) < 0)
    tend_diesys(111, "unable to catch signals");
  svlog_stall_hook = stall_hook;

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
  for (unsigned i = 0; i < nstatuses; i++) {
    statuses[i].fd =
        open(statuses[i].path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (statuses[i].fd < 0)
      tend_diesys(111, "unable to open ", statuses[i].path);
  }
  for (unsigned i = 0; i < ndirs; i++) {
    dirs[i].obuf = map_buffer(SVLOG_OBUF);
    svlog_dir_open(&dirs[i]);
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
