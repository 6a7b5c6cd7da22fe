/* A log directory: recovery at start, writing, rotation, processors. Every
   step that can fail on a full disk is retried until it works (svlog_stall):
   a line is never dropped and never written twice. Someone else may be
   able to write the directory: no entry in it is ever followed if it is a
   symlink, or used if it is not a regular file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <tend/msg.h>
#include <tend/safeopen.h>
#include <tend/tai64n.h>
#include "svlog.h"

#ifndef SYNC_AHEAD
#define SYNC_AHEAD (1 << 20)
#endif
#define OLD_NAME_LEN (1 + TEND_TAI64N_HEXLEN + 2) /* @...s */
#define RETRY_MAX 60 /* seconds between runs of a failed processor */
#define WAIT_TELL_NS 5000000000LL /* a rotation held up this long is told */
#define TERM_GRACE_NS 500000000LL /* a processor's time to finish on TERM */

static int stalled;
static int stall_ms;
static struct svlog_dir *stalled_dir;
static int64_t term_deadline = -1;

int64_t svlog_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- DIR/trouble: why svlog is held up, for an operator ---- */

static size_t add(char *buf, size_t len, size_t cap, char const *s) {
  size_t n = strlen(s);
  if (n > cap - len) n = cap - len;
  memcpy(buf + len, s, n);
  return len + n;
}

static char const *fmt_uint(char *buf, unsigned long n) {
  char *o = buf + 20;
  *o = 0;
  do
    *--o = (char)('0' + n % 10);
  while (n /= 10);
  return o;
}

/* One line, "@TAI64N " and the strings given (up to a null pointer),
   written to trouble.new and renamed. On a full or read-only disk this
   may fail: it is only a help. */
static void trouble_write(struct svlog_dir *d, ...) {
  char line[512], packed[TEND_TAI64N_LEN];
  tend_stamp now;
  size_t len = 0;
  va_list ap;
  tend_stamp_now(&now);
  tend_tai64n_pack(packed, &now);
  line[len++] = '@';
  tend_tai64n_hex(line + len, packed);
  len += TEND_TAI64N_HEXLEN;
  line[len++] = ' ';
  va_start(ap, d);
  for (char const *s = va_arg(ap, char const *); s;
       s = va_arg(ap, char const *))
    len = add(line, len, sizeof line - 1, s);
  va_end(ap);
  line[len++] = '\n';
  unlinkat(d->dirfd, "trouble.new", 0);
  int fd = tend_open_create(d->dirfd, "trouble.new", O_WRONLY | O_EXCL, 0644);
  if (fd < 0) return;
  ssize_t w = write(fd, line, len);
  close(fd);
  if (w != (ssize_t)len ||
      renameat(d->dirfd, "trouble.new", d->dirfd, "trouble") < 0) {
    unlinkat(d->dirfd, "trouble.new", 0);
    return;
  }
  d->trouble = 1;
}

static void trouble_clear(struct svlog_dir *d) {
  if (!d->trouble) return;
  if (unlinkat(d->dirfd, "trouble", 0) == 0 || errno == ENOENT) d->trouble = 0;
}

/* Waits *MS milliseconds (leaving first if TERM says so), then doubles
 *MS up to 1 s: the pace of every retry in a log directory. */
static void retry_wait(int *ms) {
  svlog_blocked();
  poll(0, 0, *ms);
  if (*ms < 1000) *ms *= 2;
}

/* Something failed (errno says what): say so once, wait a little, let the
   caller try again. The wait grows from 20 ms to 1 s. */
void svlog_stall(struct svlog_dir *d, char const *what) {
  if (!stalled) {
    int e = errno;
    tend_warnsys("unable to ", what, " in ", d->path, "; pausing, will retry");
    trouble_write(d, "unable to ", what,
                  "; pausing, will retry: ", tend_errstr(e), (char const *)0);
    errno = e;
    stalled = 1;
    stalled_dir = d;
    stall_ms = 20;
  }
  retry_wait(&stall_ms);
}

void svlog_stall_clear(void) {
  if (!stalled) return;
  tend_warn("resumed writing");
  stalled = 0;
  if (!stalled_dir->proc_failures) trouble_clear(stalled_dir);
}

#define PERSIST(d, expr, what)                                                 \
  while ((expr) < 0)                                                           \
  svlog_stall(d, what)

/* 1 if NAME is there (never followed: st describes a symlink itself), 0
   if not, -1 on error. */
static int lookup(struct svlog_dir *d, char const *name, struct stat *st) {
  if (fstatat(d->dirfd, name, st, AT_SYMLINK_NOFOLLOW) == 0) return 1;
  return errno == ENOENT ? 0 : -1;
}

/* A new name @TAI64N.s (or .u), later than every name made before. */
static void old_name(struct svlog_dir *d, char *out, char suffix) {
  tend_stamp now, last;
  char packed[TEND_TAI64N_LEN];
  tend_stamp_now(&now);
  if (d->last_name[0] && tend_tai64n_scanhex(d->last_name + 1, &last) &&
      (now.sec < last.sec || (now.sec == last.sec && now.nsec <= last.nsec))) {
    now = last;
    if (++now.nsec >= 1000000000) {
      now.nsec = 0;
      now.sec++;
    }
  }
  tend_tai64n_pack(packed, &now);
  out[0] = '@';
  tend_tai64n_hex(out + 1, packed);
  out[1 + TEND_TAI64N_HEXLEN] = '.';
  out[2 + TEND_TAI64N_HEXLEN] = suffix;
  out[OLD_NAME_LEN] = 0;
  memcpy(d->last_name, out, OLD_NAME_LEN + 1);
}

/* FROM gets a new old name; a name that is taken (by anything) is never
   replaced: the next one is tried. */
static int rename_old(struct svlog_dir *d, char const *from, char suffix) {
  char name[OLD_NAME_LEN + 1];
  for (int tries = 0; tries < 100; tries++) {
    old_name(d, name, suffix);
    if (renameat2(d->dirfd, from, d->dirfd, name, RENAME_NOREPLACE) == 0)
      return 0;
    if (errno == EINVAL || errno == ENOSYS) /* a file system without it */
      return renameat(d->dirfd, from, d->dirfd, name);
    if (errno != EEXIST) return -1;
  }
  return -1;
}

static int is_old_name(char const *s) {
  if (s[0] != '@' || strlen(s) != OLD_NAME_LEN || s[OLD_NAME_LEN - 2] != '.' ||
      (s[OLD_NAME_LEN - 1] != 's' && s[OLD_NAME_LEN - 1] != 'u'))
    return 0;
  for (int i = 1; i <= TEND_TAI64N_HEXLEN; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return 0;
  return 1;
}

/* An entry named like an old file that is not a regular file is not ours:
   it is neither counted nor removed, and said once. */
static int is_ours(struct svlog_dir *d, int fd, struct dirent64 *e) {
  unsigned char type = e->d_type;
  if (type == DT_UNKNOWN) {
    struct stat st;
    if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) return 0;
    if (S_ISREG(st.st_mode)) type = DT_REG;
  }
  if (type == DT_REG) return 1;
  if (!d->stray_warned)
    tend_warn("leaving ", d->path, "/", e->d_name,
              " alone: not a regular file");
  d->stray_warned = 1;
  return 0;
}

/* Remove the oldest finished files until one more fits under n. The
   directory is read with getdents64 into a fixed buffer (opendir would
   need malloc). */
static int make_room(struct svlog_dir *d) {
  for (;;) {
    char oldest[OLD_NAME_LEN + 1] = "";
    unsigned count = 0;
    char buf[8192] __attribute__((aligned(8)));
    int fd = openat(d->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    for (;;) {
      ssize_t n = getdents64(fd, buf, sizeof buf);
      if (n < 0) {
        close(fd);
        return -1;
      }
      if (n == 0) break;
      for (ssize_t off = 0; off < n;) {
        struct dirent64 *e = (struct dirent64 *)(buf + off);
        off += e->d_reclen;
        if (!is_old_name(e->d_name) || !is_ours(d, fd, e)) continue;
        count++;
        /* the hex digits sort like the times they stand for */
        if (!oldest[0] || memcmp(e->d_name, oldest, OLD_NAME_LEN - 2) < 0)
          memcpy(oldest, e->d_name, OLD_NAME_LEN + 1);
      }
    }
    close(fd);
    if (count + 2 <= d->keep) return 0;
    if (unlinkat(d->dirfd, oldest, 0) < 0 && errno != ENOENT) return -1;
  }
}

static int fsync_dir(struct svlog_dir *d) {
  return fsync(d->dirfd);
}

static int open_current(struct svlog_dir *d) {
  struct stat st;
  d->curfd = tend_open_create(d->dirfd, "current", O_WRONLY | O_APPEND, 0644);
  if (d->curfd < 0) return -1;
  if (tend_fd_block(d->curfd) < 0 || fstat(d->curfd, &st) < 0 ||
      fchmod(d->curfd, 0644) < 0) {
    close(d->curfd);
    d->curfd = -1;
    return -1;
  }
  d->cur_bytes = (uint64_t)st.st_size + d->olen - d->owritten;
  d->started_ns = st.st_size ? svlog_now_ns() : -1;
  return 0;
}

/* A finished file gets its final name: fsync, 0744, then rename. */
static int finish_file(struct svlog_dir *d, char const *from, char suffix) {
  int fd = tend_open_typed(d->dirfd, from, O_RDONLY, S_IFREG);
  if (fd < 0) return -1;
  if (fsync(fd) < 0 || fchmod(fd, 0744) < 0) {
    close(fd);
    return -1;
  }
  close(fd);
  if (make_room(d) < 0) return -1;
  if (rename_old(d, from, suffix) < 0) return -1;
  return fsync_dir(d);
}

static void start_processor(struct svlog_dir *d);

/* The processor succeeded: processed becomes an old file, newstate
   becomes state, previous goes. Each step can be done again. */
static int processed_done(struct svlog_dir *d) {
  struct stat st;
  int r = lookup(d, "processed", &st);
  if (r < 0 || (r && finish_file(d, "processed", 's') < 0)) return -1;
  r = lookup(d, "newstate", &st);
  if (r < 0) return -1;
  if (r && S_ISREG(st.st_mode)) {
    if (renameat(d->dirfd, "newstate", d->dirfd, "state") < 0) return -1;
  } else if (r)
    unlinkat(d->dirfd, "newstate", 0); /* not ours */
  if (unlinkat(d->dirfd, "previous", 0) < 0 && errno != ENOENT) return -1;
  return fsync_dir(d);
}

static int open_lock(struct svlog_dir *d) {
  d->lockfd = tend_open_create(d->dirfd, "lock", O_WRONLY | O_APPEND, 0600);
  return d->lockfd < 0 ? -1 : 0;
}

static int make_state(struct svlog_dir *d) {
  int fd = tend_open_create(d->dirfd, "state", O_WRONLY, 0644);
  if (fd < 0) return -1;
  close(fd);
  return 0;
}

/* A write cut by a crash: complete the line, the next one starts clean. */
static int complete_current(struct svlog_dir *d, off_t size) {
  char last = '\n';
  int fd = tend_open_typed(d->dirfd, "current", O_RDWR | O_APPEND, S_IFREG);
  if (fd < 0) return -1;
  int r = pread(fd, &last, 1, size - 1) == 1 &&
                  (last == '\n' || write(fd, "\n", 1) == 1)
              ? 0
              : -1;
  close(fd);
  return r;
}

/* What an earlier svlog (or multilog) left half done. Each step looks
   again, so that a retry after a failure (or after an operator removed an
   entry) picks up where things are. */
static int recover(struct svlog_dir *d, char const **what) {
  struct stat st;
  int r;
  *what = "look at the files";
  if ((r = lookup(d, "previous", &st)) < 0) return -1;
  if (r) {
    /* a processor was interrupted: run it again on the same input */
    unlinkat(d->dirfd, "processed", 0);
    unlinkat(d->dirfd, "newstate", 0);
    *what = "finish previous";
    if (d->processor)
      d->proc_retry_ns = svlog_now_ns();
    else if (finish_file(d, "previous", 's') < 0)
      return -1;
  } else {
    if ((r = lookup(d, "processed", &st)) < 0) return -1;
    *what = "finish processed";
    if (r && S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR)) {
      if (processed_done(d) < 0) return -1;
    } else if (r) { /* not complete, or not ours */
      unlinkat(d->dirfd, "processed", 0);
      unlinkat(d->dirfd, "newstate", 0);
    }
  }
  /* current without u+x and not empty: we (or multilog) crashed */
  *what = "look at the files";
  if ((r = lookup(d, "current", &st)) < 0) return -1;
  *what = "finish current";
  if (r && S_ISREG(st.st_mode) && !(st.st_mode & S_IXUSR) && st.st_size &&
      (complete_current(d, st.st_size) < 0 ||
       finish_file(d, "current", 'u') < 0))
    return -1;
  return 0;
}

void svlog_dir_open(struct svlog_dir *d) {
  d->curfd = d->lockfd = -1;
  if (mkdir(d->path, 0700) < 0 && errno != EEXIST)
    tend_diesys(111, "unable to create directory ", d->path);
  /* the script names the directory: it may be a symlink; what is in it is
     never followed */
  d->dirfd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d->dirfd < 0) tend_diesys(111, "unable to open directory ", d->path);
  PERSIST(d, open_lock(d), "open lock");
  if (flock(d->lockfd, LOCK_EX | LOCK_NB) < 0) {
    if (errno != EWOULDBLOCK)
      tend_diesys(111, "unable to lock ", d->path, "/lock");
    /* not a blocking flock: it would not see a TERM (the handlers restart
       it), and a TERM just before it would be lost */
    tend_warn("waiting for the lock on ", d->path, "/lock");
    int ms = 20;
    while (flock(d->lockfd, LOCK_EX | LOCK_NB) < 0) {
      if (errno != EWOULDBLOCK && errno != EINTR)
        tend_diesys(111, "unable to lock ", d->path, "/lock");
      retry_wait(&ms);
    }
  }
  PERSIST(d, make_state(d), "create state");
  d->trouble = 1; /* one left by an svlog that crashed is out of date */
  trouble_clear(d);

  d->proc_pid = 0;
  d->proc_retry_ns = -1;
  char const *what;
  PERSIST(d, recover(d, &what), what);
  PERSIST(d, open_current(d), "open current");
  svlog_stall_clear();
}

void svlog_dir_flush(struct svlog_dir *d) {
  while (d->owritten < d->olen) {
    ssize_t w = write(d->curfd, d->obuf + d->owritten, d->olen - d->owritten);
    if (w < 0) {
      if (errno != EINTR) svlog_stall(d, "write to current");
      continue;
    }
    d->owritten += (size_t)w;
  }
  d->unsynced_bytes += d->olen;
  d->olen = d->owritten = 0;
  /* start writing back early, so that the fsync at rotation is short */
  if (d->unsynced_bytes >= SYNC_AHEAD) {
    sync_file_range(d->curfd, 0, 0, SYNC_FILE_RANGE_WRITE);
    d->unsynced_bytes = 0;
  }
}

/* Before a rotation the last processor must be done: wait for it, and run
   a failed one again until it succeeds. Returns 0, or -1 when TERM came
   and svlog cannot leave at once (input not a pipe): no rotation then. */
static int processor_done(struct svlog_dir *d) {
  int64_t since = svlog_now_ns();
  int told = 0;
  for (;;) {
    if (svlog_blocked()) return -1;
    int64_t now = svlog_now_ns();
    if (d->proc_pid > 0) {
      int ms = -1;
      if (!told && now - since >= WAIT_TELL_NS) {
        trouble_write(d, "waiting for the processor to finish",
                      (char const *)0);
        told = 1;
      } else if (!told)
        ms = (int)((since + WAIT_TELL_NS - now) / 1000000) + 1;
      svlog_pause(ms); /* SIGCHLD ends it */
      continue;
    }
    if (d->proc_retry_ns < 0) return 0;
    if (d->proc_retry_ns > now) {
      svlog_pause((int)((d->proc_retry_ns - now) / 1000000) + 1);
      continue;
    }
    start_processor(d);
  }
}

/* current is done: it becomes an old file (or goes to the processor), and a
   new, empty current takes its place. */
void svlog_dir_rotate(struct svlog_dir *d) {
  svlog_dir_flush(d);
  /* one processor at a time per directory, as multilog */
  if (d->processor && processor_done(d) < 0) return;
  PERSIST(d, fsync(d->curfd), "fsync current");
  PERSIST(d, fchmod(d->curfd, 0744), "chmod current");
  if (d->processor) {
    PERSIST(d, renameat(d->dirfd, "current", d->dirfd, "previous"),
            "rename current");
  } else {
    PERSIST(d, make_room(d), "remove old files");
    PERSIST(d, rename_old(d, "current", 's'), "rename current");
  }
  close(d->curfd);
  d->curfd = -1;
  PERSIST(d, open_current(d), "create current");
  PERSIST(d, fsync_dir(d), "fsync the directory");
  svlog_stall_clear();
  if (d->processor) start_processor(d);
}

static int move_fd(int from, int to) {
  if (from == to) return 0;
  if (dup2(from, to) < 0) return -1;
  close(from);
  return 0;
}

static void processor_failed(struct svlog_dir *d, char const *why) {
  unsigned long delay = 1;
  char n1[21], n2[21];
  if (d->proc_failures < 1000) d->proc_failures++;
  for (unsigned i = 1; i < d->proc_failures && delay < RETRY_MAX; i++)
    delay *= 2;
  if (delay > RETRY_MAX) delay = RETRY_MAX;
  char const *in = fmt_uint(n1, delay);
  char const *unit = delay == 1 ? " second: " : " seconds: ";
  tend_warn("processor of ", d->path, " failed; will run it again in ", in,
            unit, why);
  if (d->proc_failures == 1)
    trouble_write(d, "processor failed; will run it again in ", in, unit, why,
                  (char const *)0);
  else
    trouble_write(d, "processor failed ", fmt_uint(n2, d->proc_failures),
                  " times in a row; will run it again in ", in, unit, why,
                  (char const *)0);
  d->proc_retry_ns = svlog_now_ns() + (int64_t)delay * 1000000000;
}

/* In the child: svlog goes on, and reports the exit status; a warning,
   not a fatal error, says why. */
static void child_fails(struct svlog_dir *d, char const *what,
                        char const *name) {
  tend_warnsys("unable to ", what, d->path, *name ? "/" : "", name,
               " for the processor");
  _exit(111);
}

static void start_processor(struct svlog_dir *d) {
  static char const *const names[4] = {"previous", "processed", "state",
                                       "newstate"};
  static int const targets[4] = {0, 1, 4, 5};
  d->proc_retry_ns = -1;
  pid_t pid = fork();
  if (pid < 0) {
    processor_failed(d, tend_errstr(errno));
    return;
  }
  if (pid) {
    setpgid(pid, pid); /* also in the child: whichever runs first */
    d->proc_pid = pid;
    return;
  }
  /* child: in a process group of its own, so that svlog can stop it and
     what it starts. Files on fds >= 10 first, so that moving one to 0, 1,
     4 or 5 never closes another. processed and newstate are made afresh:
     whatever has their names is removed first (a symlink itself, never
     what it points to). */
  int fds[4];
  sigset_t all;
  setpgid(0, 0);
  if (fchdir(d->dirfd) < 0) child_fails(d, "switch to ", "");
  unlinkat(d->dirfd, "processed", 0);
  unlinkat(d->dirfd, "newstate", 0);
  for (int i = 0; i < 4; i++) {
    int fd =
        (i == 0 || i == 2)
            ? tend_open_typed(d->dirfd, names[i], O_RDONLY, S_IFREG)
            : tend_open_create(d->dirfd, names[i], O_WRONLY | O_EXCL, 0644);
    if (fd < 0 || tend_fd_block(fd) < 0) child_fails(d, "open ", names[i]);
    fds[i] = fcntl(fd, F_DUPFD, 10);
    if (fds[i] < 0) child_fails(d, "move a descriptor in ", "");
    close(fd);
  }
  for (int i = 0; i < 4; i++)
    if (move_fd(fds[i], targets[i]) < 0)
      child_fails(d, "move a descriptor in ", "");
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, 0);
  execl("/bin/sh", "sh", "-c", d->processor, (char *)0);
  child_fails(d, "run /bin/sh in ", "");
}

/* 1 if pid was this directory's processor. */
int svlog_dir_reap(struct svlog_dir *d, pid_t pid, int wstatus) {
  if (pid != d->proc_pid) return 0;
  d->proc_pid = 0;
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
    PERSIST(d, processed_done(d), "finish processed");
    svlog_stall_clear();
    d->proc_failures = 0;
    if (!stalled) trouble_clear(d);
    return 1;
  }
  char why[40], num[21];
  size_t len = 0;
  if (WIFSIGNALED(wstatus)) {
    len = add(why, len, sizeof why - 1, "killed by signal ");
    len = add(why, len, sizeof why - 1,
              fmt_uint(num, (unsigned long)WTERMSIG(wstatus)));
  } else {
    len = add(why, len, sizeof why - 1, "exit status ");
    len = add(why, len, sizeof why - 1,
              fmt_uint(num, (unsigned long)WEXITSTATUS(wstatus)));
  }
  why[len] = 0;
  unlinkat(d->dirfd, "processed", 0);
  unlinkat(d->dirfd, "newstate", 0);
  processor_failed(d, why);
  return 1;
}

void svlog_dir_retry(struct svlog_dir *d) {
  if (d->proc_pid == 0 && d->proc_retry_ns >= 0) start_processor(d);
}

/* Stopped, with what it started: previous stays, for the next svlog. */
void svlog_dir_kill_processor(struct svlog_dir *d) {
  if (d->proc_pid <= 0) return;
  kill(-d->proc_pid, SIGKILL);
  kill(d->proc_pid, SIGKILL);
  while (waitpid(d->proc_pid, 0, 0) < 0 && errno == EINTR)
    ;
  d->proc_pid = 0;
  tend_warn("processor of ", d->path,
            " stopped on TERM; it runs again at the next start");
}

/* Leaving: everything written, current synced and marked complete (0744),
   so that the next svlog (or multilog) appends to it. A processor still at
   work is waited for; after a TERM, for half a second at most. */
void svlog_dir_finish(struct svlog_dir *d, int term) {
  svlog_dir_flush(d);
  PERSIST(d, fsync(d->curfd), "fsync current");
  PERSIST(d, fchmod(d->curfd, 0744), "chmod current");
  while (d->proc_pid > 0) {
    int ms = -1;
    if (term) {
      int64_t now = svlog_now_ns();
      if (term_deadline < 0) term_deadline = now + TERM_GRACE_NS;
      if (now >= term_deadline) {
        svlog_dir_kill_processor(d);
        break;
      }
      ms = (int)((term_deadline - now) / 1000000) + 1;
    }
    if (svlog_pause(ms)) term = 1;
  }
}
