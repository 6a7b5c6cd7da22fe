/* A log directory: recovery at start, writing, rotation, processors. Every
   step that can fail on a full disk is retried until it works (svlog_stall):
   a line is never dropped and never written twice. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <tend/msg.h>
#include <tend/tai64n.h>
#include "svlog.h"

#ifndef SYNC_AHEAD
#define SYNC_AHEAD (1 << 20)
#endif
#define OLD_NAME_LEN (1 + TEND_TAI64N_HEXLEN + 2) /* @...s */

void (*svlog_stall_hook)(void);
static int stalled;
static int stall_ms;

int64_t svlog_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Something failed (errno says what): say so once, wait a little, let the
   caller try again. The wait grows from 20 ms to 1 s. */
void svlog_stall(struct svlog_dir *d, char const *what) {
  if (!stalled) {
    tend_warnsys("unable to ", what, " in ", d->path, "; pausing, will retry");
    stalled = 1;
    stall_ms = 20;
  }
  if (svlog_stall_hook) svlog_stall_hook();
  poll(0, 0, stall_ms);
  if (stall_ms < 1000) stall_ms *= 2;
}

void svlog_stall_clear(void) {
  if (stalled) tend_warn("resumed writing");
  stalled = 0;
}

#define PERSIST(d, expr, what)                                                 \
  while ((expr) < 0)                                                           \
  svlog_stall(d, what)

static int exists(struct svlog_dir *d, char const *name, struct stat *st) {
  if (fstatat(d->dirfd, name, st, 0) == 0) return 1;
  if (errno != ENOENT) tend_diesys(111, "unable to stat ", d->path, "/", name);
  return 0;
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

static int is_old_name(char const *s) {
  return s[0] == '@' && strlen(s) == OLD_NAME_LEN &&
         s[OLD_NAME_LEN - 2] == '.' &&
         (s[OLD_NAME_LEN - 1] == 's' || s[OLD_NAME_LEN - 1] == 'u');
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
        if (!is_old_name(e->d_name)) continue;
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
  d->curfd = openat(d->dirfd, "current",
                    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (d->curfd < 0) return -1;
  if (fstat(d->curfd, &st) < 0 || fchmod(d->curfd, 0644) < 0) {
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
  char name[OLD_NAME_LEN + 1];
  int fd = openat(d->dirfd, from, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  if (fsync(fd) < 0 || fchmod(fd, 0744) < 0) {
    close(fd);
    return -1;
  }
  close(fd);
  if (make_room(d) < 0) return -1;
  old_name(d, name, suffix);
  if (renameat(d->dirfd, from, d->dirfd, name) < 0) return -1;
  return fsync_dir(d);
}

static void start_processor(struct svlog_dir *d);

static int processed_done(struct svlog_dir *d) {
  struct stat st;
  if (finish_file(d, "processed", 's') < 0) return -1;
  if (exists(d, "newstate", &st) &&
      renameat(d->dirfd, "newstate", d->dirfd, "state") < 0)
    return -1;
  if (unlinkat(d->dirfd, "previous", 0) < 0 && errno != ENOENT) return -1;
  return fsync_dir(d);
}

void svlog_dir_open(struct svlog_dir *d) {
  struct stat st;
  int fd;
  if (mkdir(d->path, 0700) < 0 && errno != EEXIST)
    tend_diesys(111, "unable to create directory ", d->path);
  d->dirfd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d->dirfd < 0) tend_diesys(111, "unable to open directory ", d->path);
  d->lockfd =
      openat(d->dirfd, "lock", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (d->lockfd < 0) tend_diesys(111, "unable to open ", d->path, "/lock");
  if (flock(d->lockfd, LOCK_EX | LOCK_NB) < 0) {
    if (errno != EWOULDBLOCK)
      tend_diesys(111, "unable to lock ", d->path, "/lock");
    tend_warn("waiting for the lock on ", d->path, "/lock");
    while (flock(d->lockfd, LOCK_EX) < 0)
      if (errno != EINTR) tend_diesys(111, "unable to lock ", d->path, "/lock");
  }
  fd = openat(d->dirfd, "state", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) tend_diesys(111, "unable to create ", d->path, "/state");
  close(fd);

  d->proc_pid = 0;
  d->proc_retry_ns = -1;
  /* A processor was interrupted: run it again on the same input. */
  if (exists(d, "previous", &st)) {
    unlinkat(d->dirfd, "processed", 0);
    unlinkat(d->dirfd, "newstate", 0);
    if (d->processor)
      d->proc_retry_ns = svlog_now_ns();
    else if (finish_file(d, "previous", 's') < 0)
      tend_diesys(111, "unable to finish ", d->path, "/previous");
  } else if (exists(d, "processed", &st)) {
    if (st.st_mode & S_IXUSR) {
      if (processed_done(d) < 0)
        tend_diesys(111, "unable to finish ", d->path, "/processed");
    } else {
      unlinkat(d->dirfd, "processed", 0);
      unlinkat(d->dirfd, "newstate", 0);
    }
  }
  /* current without u+x and not empty: we (or multilog) crashed. */
  if (exists(d, "current", &st) && !(st.st_mode & S_IXUSR) && st.st_size) {
    /* a write cut by the crash: complete the line, the next one starts
       clean */
    char last = '\n';
    fd = openat(d->dirfd, "current", O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd < 0 || pread(fd, &last, 1, st.st_size - 1) != 1 ||
        (last != '\n' && write(fd, "\n", 1) != 1))
      tend_diesys(111, "unable to complete ", d->path, "/current");
    close(fd);
    if (finish_file(d, "current", 'u') < 0)
      tend_diesys(111, "unable to finish ", d->path, "/current");
  }
  if (open_current(d) < 0)
    tend_diesys(111, "unable to open ", d->path, "/current");
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

static void wait_processor(struct svlog_dir *d) {
  while (d->proc_pid > 0) {
    int wstatus;
    pid_t p = waitpid(d->proc_pid, &wstatus, 0);
    if (p < 0 && errno == EINTR) continue;
    if (p < 0) {
      d->proc_pid = 0;
      break;
    }
    svlog_dir_reap(d, p, wstatus);
  }
}

/* current is done: it becomes an old file (or goes to the processor), and a
   new, empty current takes its place. */
void svlog_dir_rotate(struct svlog_dir *d) {
  svlog_dir_flush(d);
  if (d->processor) {
    /* one processor at a time per directory, as multilog */
    wait_processor(d);
    while (d->proc_retry_ns >= 0) {
      int64_t left = d->proc_retry_ns - svlog_now_ns();
      if (left > 0) { /* a failed processor: its retry delay first */
        if (svlog_stall_hook) svlog_stall_hook();
        poll(0, 0, (int)(left / 1000000) + 1);
        continue;
      }
      start_processor(d);
      wait_processor(d);
    }
  }
  PERSIST(d, fsync(d->curfd), "fsync current");
  PERSIST(d, fchmod(d->curfd, 0744), "chmod current");
  if (d->processor) {
    PERSIST(d, renameat(d->dirfd, "current", d->dirfd, "previous"),
            "rename current");
  } else {
    char name[OLD_NAME_LEN + 1];
    PERSIST(d, make_room(d), "remove old files");
    old_name(d, name, 's');
    PERSIST(d, renameat(d->dirfd, "current", d->dirfd, name), "rename current");
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

static void start_processor(struct svlog_dir *d) {
  static char const *const names[4] = {"previous", "processed", "state",
                                       "newstate"};
  static int const targets[4] = {0, 1, 4, 5};
  d->proc_retry_ns = -1;
  pid_t pid = fork();
  if (pid < 0) {
    tend_warnsys("unable to fork for the processor of ", d->path);
    d->proc_retry_ns = svlog_now_ns() + 1000000000;
    return;
  }
  if (pid) {
    d->proc_pid = pid;
    return;
  }
  /* child: files on fds >= 10 first, so that moving one to 0, 1, 4 or 5
     never closes another */
  int fds[4];
  sigset_t all;
  if (fchdir(d->dirfd) < 0) tend_diesys(111, "unable to switch to ", d->path);
  for (int i = 0; i < 4; i++) {
    int flags = (i == 0 || i == 2) ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC;
    int fd = open(names[i], flags, 0644);
    if (fd < 0) tend_diesys(111, "unable to open ", d->path, "/", names[i]);
    fds[i] = fcntl(fd, F_DUPFD, 10);
    if (fds[i] < 0) tend_diesys(111, "unable to move a descriptor");
    close(fd);
  }
  for (int i = 0; i < 4; i++)
    if (move_fd(fds[i], targets[i]) < 0)
      tend_diesys(111, "unable to move a descriptor");
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, 0);
  execl("/bin/sh", "sh", "-c", d->processor, (char *)0);
  tend_diesys(111, "unable to run /bin/sh");
}

/* 1 if pid was this directory's processor. */
int svlog_dir_reap(struct svlog_dir *d, pid_t pid, int wstatus) {
  if (pid != d->proc_pid) return 0;
  d->proc_pid = 0;
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
    PERSIST(d, processed_done(d), "finish processed");
    svlog_stall_clear();
    return 1;
  }
  tend_warn("processor of ", d->path, " failed; will run it again");
  unlinkat(d->dirfd, "processed", 0);
  unlinkat(d->dirfd, "newstate", 0);
  d->proc_retry_ns = svlog_now_ns() + 1000000000;
  return 1;
}

void svlog_dir_retry(struct svlog_dir *d) {
  if (d->proc_pid == 0 && d->proc_retry_ns >= 0) start_processor(d);
}

/* Leaving: everything written, current synced and marked complete (0744),
   so that the next svlog (or multilog) appends to it. */
void svlog_dir_finish(struct svlog_dir *d) {
  svlog_dir_flush(d);
  PERSIST(d, fsync(d->curfd), "fsync current");
  PERSIST(d, fchmod(d->curfd, 0744), "chmod current");
  wait_processor(d);
}
