/* Waiting until services reach a state, without polling: inotify watches
   DIR/supervise/ (supervise renames status into place, so IN_MOVED_TO),
   and the write end of supervise/ok, held open, reports POLLERR the moment
   the supervise holding the read end dies. A directory that is not there
   yet is watched through its parent until it appears. Where inotify is
   missing, every directory is looked at again every 50 ms. */
#ifdef __linux__
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif
#include <tend/safeopen.h>
#include <tend/statuswait.h>

#define TICK_MS 50
/* supervise opens ok right after its first status write; a status whose
   writer is alive but whose ok stays closed longer than this is stale. */
#define STARTING_GRACE_MS 1000

int tend_goal_parse(char letter) {
  switch (letter) {
  case 'u': return TEND_GOAL_UP;
  case 'U': return TEND_GOAL_READY;
  case 'd': return TEND_GOAL_DOWN;
  case 'D': return TEND_GOAL_FINISHED;
  case 'r': return TEND_GOAL_RESTARTED;
  case 'R': return TEND_GOAL_RESTARTED_READY;
  default: return -1;
  }
}

char const *tend_goal_name(int goal) {
  switch (goal) {
  case TEND_GOAL_UP: return "up";
  case TEND_GOAL_READY: return "up and ready";
  case TEND_GOAL_DOWN: return "down";
  case TEND_GOAL_FINISHED: return "down and finished";
  case TEND_GOAL_RESTARTED: return "restarted";
  default: return "restarted and ready";
  }
}

static int is_up(tend_status const *st) {
  return st->pid && st->state == TEND_STATE_RUN;
}

/* Without tend's extension (daemontools' or runit's supervise) there is no
   readiness: up counts as ready. An extension of a version we cannot read
   may say "not ready": readiness is then never assumed. */
static int is_ready(tend_status const *st) {
  if (!is_up(st)) return 0;
  if (!st->version_read) return 1;
  return st->version == TEND_STATUS_VERSION && (st->flags & TEND_FLAG_READY);
}

/* Without the start counter, a restart shows as a new pid or a newer pid
   change time. */
static int is_restarted(tend_status const *now, tend_status const *before) {
  if (now->version && before->version) return now->starts > before->starts;
  if (!is_up(now)) return 0;
  return now->pid != before->pid || now->when.sec > before->when.sec ||
         (now->when.sec == before->when.sec &&
          now->when.nsec > before->when.nsec);
}

int tend_goal_reached(int goal, tend_status const *now,
                      tend_status const *before) {
  switch (goal) {
  case TEND_GOAL_UP: return is_up(now);
  case TEND_GOAL_READY: return is_ready(now);
  case TEND_GOAL_DOWN: return now->state != TEND_STATE_RUN;
  case TEND_GOAL_FINISHED:
    return now->state == TEND_STATE_DOWN && !now->pid &&
           !(now->flags & TEND_FLAG_STOPPING);
  case TEND_GOAL_RESTARTED: return is_restarted(now, before);
  case TEND_GOAL_RESTARTED_READY:
    return is_restarted(now, before) && is_ready(now);
  default: return 0;
  }
}

/* DIR + "/" + NAME into buf; 0 if it does not fit. */
static int path_in(char *buf, size_t size, char const *dir, char const *name) {
  size_t dl = strlen(dir), nl = strlen(name);
  if (dl + nl + 2 > size) return 0;
  memcpy(buf, dir, dl);
  buf[dl] = '/';
  memcpy(buf + dl + 1, name, nl + 1);
  return 1;
}

/* The directory that holds DIR: "a/b" for "a/b/c", "." for "c". */
static int parent_of(char *buf, size_t size, char const *dir) {
  size_t len = strlen(dir);
  while (len > 1 && dir[len - 1] == '/')
    len--;
  while (len && dir[len - 1] != '/')
    len--;
  while (len > 1 && dir[len - 1] == '/')
    len--;
  if (!len) {
    if (size < 2) return 0;
    memcpy(buf, ".", 2);
    return 1;
  }
  if (len + 1 > size) return 0;
  memcpy(buf, dir, len);
  buf[len] = 0;
  return 1;
}

#ifdef __linux__
#define WATCH_MASK                                                             \
  (IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF |  \
   IN_ONLYDIR)

/* Drops a coarser watch once no directory needs it any more. */
static void unwatch(tend_waitset *ws, tend_waitdir *d) {
  int wd = d->wd;
  d->wd = -1;
  d->watching = 0;
  if (wd < 0) return;
  for (size_t i = 0; i < ws->n; i++)
    if (ws->dirs[i].wd == wd) return;
  inotify_rm_watch(ws->ifd, wd);
}

/* The finest watch possible: DIR/supervise, else DIR, else its parent. */
static void watch(tend_waitset *ws, tend_waitdir *d) {
  char path[4096];
  for (int level = 3; level > d->watching; level--) {
    int fits = level == 3   ? path_in(path, sizeof path, d->dir, "supervise")
               : level == 2 ? path_in(path, sizeof path, d->dir, ".")
                            : parent_of(path, sizeof path, d->dir);
    if (!fits) continue;
    int wd = inotify_add_watch(ws->ifd, path, WATCH_MASK);
    if (wd < 0) continue;
    if (wd != d->wd) unwatch(ws, d);
    d->wd = wd;
    d->watching = level;
    return;
  }
}
#endif

/* 1 if a supervise holds DIR/supervise/ok (its write end is kept in okfd),
   0 if none does, -1 on another error. */
static int probe(tend_waitdir *d) {
  if (d->okfd >= 0) return 1;
  char path[4096];
  if (!path_in(path, sizeof path, d->dir, "supervise/ok")) {
    errno = ENAMETOOLONG;
    return -1;
  }
  /* a FIFO only: a regular file there would pass for a live supervise */
  d->okfd = tend_open_typed(AT_FDCWD, path, O_WRONLY, S_IFIFO);
  if (d->okfd >= 0) return 1;
  if (errno == ENXIO || errno == ENOENT || errno == ENOTDIR) return 0;
  return -1;
}

static void drop_ok(tend_waitdir *d) {
  if (d->okfd >= 0) close(d->okfd);
  d->okfd = -1;
}

/* The status was written by a supervise that is still there: it is
   starting and will open supervise/ok in a moment. */
static int writer_alive(tend_status const *st) {
  if (!st->svpid) return 0;
  return kill((pid_t)st->svpid, 0) == 0 || errno == EPERM;
}

static void fail(tend_waitset *ws, tend_waitdir *d, char const *action,
                 char const *file) {
  ws->erraction = action;
  ws->errdir = d->dir;
  ws->errfile = file;
}

/* Looks at one directory again. Returns 1 if it needs another look in
   TICK_MS (a supervise starting, nothing to watch), 0 if not, -1 on error. */
static int refresh(tend_waitset *ws, tend_waitdir *d, int64_t now) {
  if (d->reached || d->lost) return 0;
#ifdef __linux__
  if (ws->ifd >= 0 && d->watching < 3) watch(ws, d);
#endif
  if (ws->ifd < 0) drop_ok(d); /* no POLLERR to trust: probe afresh */
  int alive = probe(d);
  if (alive < 0) {
    fail(ws, d, "open", "supervise/ok");
    return -1;
  }
  /* read after the probe: if supervise was alive then, this status is
     current; if it was gone, this status is its last word */
  tend_status st;
  int r = tend_status_read(&st, d->dir);
  if (r < 0 && errno != ENOENT && errno != ENOTDIR) {
    fail(ws, d, "read", "supervise/status");
    return -1;
  }
  int shows = r == 1 && tend_goal_reached(ws->goal, &st, &d->before);
  if (shows && (alive || ws->strict)) {
    d->reached = 1;
    drop_ok(d);
    return 0;
  }
  if (alive) {
    d->starting_since = -1;
    return 0;
  }
  if (r == 1 && writer_alive(&st)) {
    if (d->starting_since < 0) d->starting_since = now;
    if (now - d->starting_since < STARTING_GRACE_MS) return 1;
  }
  if (ws->strict) d->lost = 1;
  return ws->ifd < 0 || d->watching == 0;
}

void tend_waitset_init(tend_waitset *ws, tend_waitdir *dirs, size_t n, int goal,
                       int strict) {
  ws->dirs = dirs;
  ws->n = n;
  ws->goal = goal;
  ws->strict = strict;
  ws->erraction = ws->errdir = ws->errfile = 0;
  ws->ifd = -1;
  ws->unwatched = 1;
  for (size_t i = 0; i < n; i++) {
    tend_waitdir *d = &dirs[i];
    d->wd = -1;
    d->watching = 0;
    d->okfd = -1;
    d->reached = d->lost = 0;
    d->starting_since = -1;
    if (tend_status_read(&d->before, d->dir) != 1)
      tend_status_unpack(&d->before, "", 0); /* nothing seen: all zero */
  }
}

/* Reads the pending inotify events; 1 if one of them may matter. Events on
   the FIFOs, the lock and status.new are our own doing or say nothing. */
static int drain(tend_waitset *ws) {
  int wake = 0;
#ifdef __linux__
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  for (;;) {
    ssize_t r = read(ws->ifd, buf, sizeof buf);
    if (r <= 0) break;
    for (char *p = buf; p < buf + r;) {
      struct inotify_event const *ev = (struct inotify_event const *)p;
      p += sizeof *ev + ev->len;
      if (ev->mask & IN_IGNORED) {
        for (size_t i = 0; i < ws->n; i++)
          if (ws->dirs[i].wd == ev->wd) {
            ws->dirs[i].wd = -1;
            ws->dirs[i].watching = 0;
          }
        wake = 1;
        continue;
      }
      if (ev->len &&
          (!strcmp(ev->name, "ok") || !strcmp(ev->name, "control") ||
           !strcmp(ev->name, "lock") || !strcmp(ev->name, "status.new")))
        continue;
      wake = 1;
    }
  }
#endif
  return wake;
}

int tend_waitset_wait(tend_waitset *ws, int any, int64_t deadline) {
  size_t nfds = 1 + ws->n;
  struct pollfd *fds = malloc(nfds * sizeof *fds);
  tend_waitdir **owner = malloc(nfds * sizeof *owner);
  int result = -2;
  if (!fds || !owner) goto out;
  int look = 1, tick = 0;
  for (;;) {
    int64_t now = tend_clock_ms();
    if (look) {
      tick = 0;
      size_t reached = 0, lost = 0;
      for (size_t i = 0; i < ws->n; i++) {
        int r = refresh(ws, &ws->dirs[i], now);
        if (r < 0) goto out;
        if (r) tick = 1;
        reached += (size_t)ws->dirs[i].reached;
        lost += (size_t)ws->dirs[i].lost;
      }
      if (any ? reached > 0 : reached == ws->n) {
        result = 1;
        goto out;
      }
      if (lost) {
        result = -1;
        goto out;
      }
    }
    if (ws->unwatched && (deadline < 0 || now < deadline)) {
      /* Not there at the first look: watch from now on and look again, so
         nothing between the two looks is missed. Done only now because
         closing an inotify instance costs milliseconds at exit, and often
         the first look is all it takes. */
      ws->unwatched = 0;
#ifdef __linux__
      ws->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
#endif
      look = 1;
      continue;
    }
    if (deadline >= 0 && now >= deadline) {
      result = 0;
      goto out;
    }
    int timeout = -1;
    if (tick || ws->ifd < 0) timeout = TICK_MS;
    if (deadline >= 0 && (timeout < 0 || deadline - now < timeout))
      timeout = deadline - now > 3600000 ? 3600000 : (int)(deadline - now);
    nfds = 0;
    if (ws->ifd >= 0) {
      fds[nfds].fd = ws->ifd;
      fds[nfds].events = POLLIN;
      owner[nfds++] = 0;
    }
    for (size_t i = 0; i < ws->n; i++)
      if (ws->dirs[i].okfd >= 0) {
        fds[nfds].fd = ws->dirs[i].okfd;
        fds[nfds].events = 0; /* POLLERR comes anyway: no reader left */
        owner[nfds++] = &ws->dirs[i];
      }
    int r = poll(fds, (nfds_t)nfds, timeout);
    if (r < 0) {
      if (errno == EINTR) continue;
      goto out;
    }
    look = r == 0; /* a tick, or the deadline: look again */
    for (size_t i = 0; i < nfds && r > 0; i++) {
      if (!fds[i].revents) continue;
      if (!owner[i]) {
        if (drain(ws)) look = 1;
      } else {
        drop_ok(owner[i]);
        look = 1;
      }
    }
  }
out:
  free(fds);
  free(owner);
  return result;
}

#ifdef __linux__
/* The last close of an inotify instance that had watches waits for the
   kernel's SRCU grace period: 10 to 25 ms, paid at exit or exec, longer
   than the whole wait usually is. A grandchild that keeps nothing else
   open takes over the last reference and pays it once we are gone (it
   sees EOF on a close-on-exec pipe). Without a fork, we pay it. */
static void hand_off(int ifd) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) {
    close(ifd);
    return;
  }
  pid_t pid = fork();
  if (!pid) {
    if (!fork()) {
      if (dup2(ifd, 0) < 0 || dup2(p[0], 1) < 0) _exit(0);
      close_range(2, ~0U, 0);
      char c;
      while (read(1, &c, 1) < 0 && errno == EINTR)
        ;
    }
    _exit(0);
  }
  close(p[0]);
  if (pid > 0)
    while (waitpid(pid, 0, 0) < 0 && errno == EINTR)
      ;
  close(ifd); /* not the last reference any more: cheap */
  /* p[1] stays open until we exit or exec */
}
#endif

void tend_waitset_free(tend_waitset *ws) {
  for (size_t i = 0; i < ws->n; i++)
    drop_ok(&ws->dirs[i]);
#ifdef __linux__
  if (ws->ifd >= 0) hand_off(ws->ifd);
#else
  if (ws->ifd >= 0) close(ws->ifd);
#endif
  ws->ifd = -1;
}
