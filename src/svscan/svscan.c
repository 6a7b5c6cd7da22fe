/* svscan [DIR]: runs one supervise per service directory in DIR, and one
   more for NAME/log with a pipe between the two that svscan holds open for
   the service's whole life. It notices new and removed directories at once
   (inotify), restarts a supervise that dies, adopts the supervisors of a
   previous svscan instead of duplicating them, reaps orphans as PID 1 or
   subreaper, and stops everything in order on TERM (doc/svscan.8; the
   design is in doc/svscan.md). One poll() loop, no timer when idle. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <tend/control.h>
#include <tend/msg.h>
#include <tend/status.h>

#define USAGE "svscan [ -m main ] [ -g grace ] [ -r rescan ] [ dir ]"
#define NEVER INT64_MAX
#define QUICK_MS 1000   /* a supervise that dies sooner waits this long */
#define FOREIGN_MS 5000 /* how often an unwatchable supervise is probed */
#define DRAIN_MS 50     /* how often a draining log pipe is looked at */
#define QUIET_MS 200    /* an empty pipe for this long: the logger is done */

enum { MAIN = 0, LOG = 1 };

struct proc {
  pid_t pid;   /* 0: none runs; -1: a foreign one runs, pid unknown */
  int pidfd;   /* >= 0: adopted (not our child), watched through this */
  int adopted; /* found running, not started by us */
  int foreign; /* adopted, but only its supervise/ok tells us it lives */
  int64_t started;
  int64_t restart_at;
};

struct service {
  dev_t dev;
  ino_t ino;
  char name[NAME_MAX + 1];
  unsigned gen;     /* scan generation that last saw the directory */
  int has_log;      /* NAME/log is a directory: a logger and a pipe */
  int stopping;     /* removed, or svscan stops: no restarts */
  int log_released; /* the logger was told to drain and exit */
  int dead;         /* both supervisors gone: drop at the next pass */
  int is_main;      /* -m NAME */
  int pipe_r, pipe_w;
  int prefill;         /* -m: our end of NAME/supervise/control, holding "x" */
  int64_t log_term_at; /* next look at a draining logger */
  int64_t released_at; /* when the logger was told to drain */
  int64_t drained_since; /* the pipe was seen empty since then */
  struct proc p[2];
};

/* A directory without an executable run, watched until it gets one. */
struct pending {
  dev_t dev;
  ino_t ino;
  int wd;
  unsigned gen;
};

static struct service *svc;
static size_t nsvc, svc_cap;
static struct pending *pend;
static size_t npend, pend_cap;
static struct pollfd *pfds;
static size_t *pref; /* pfds[i] for i >= 2: service index * 2 + which */
static size_t pfds_cap, pref_cap;

static int sigpipe[2];
static int inotify_fd = -1;
static unsigned gen;
static int want_rescan;
static int stopping_all, orphans_phase, no_children;
static int exit_code;
static int is_pid1;
static char const *main_name;
static int64_t grace_ms = 10000, rescan_ms = -1;
static int64_t grace_at = NEVER, rescan_at = NEVER, foreign_at = NEVER;
static int64_t orphans_kill_at = NEVER;
static char supervise_path[PATH_MAX];
static struct rlimit nofile_orig;
static int const caught[] = {SIGCHLD, SIGTERM, SIGINT,
                             SIGHUP,  SIGALRM, SIGPIPE};

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

static void *grow(void *p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return p;
  size_t n = *cap ? *cap * 2 : 64;
  while (n < need)
    n *= 2;
  void *q = realloc(p, n * size);
  if (!q) tend_diesys(111, "unable to allocate memory");
  *cap = n;
  return q;
}

/* pidfds: Linux 5.3 (open), 5.6 (getfd); without them adopted supervisors
   are probed through supervise/ok, and log pipes through /proc. */
static int pidfd_open_(pid_t pid) {
#ifdef SYS_pidfd_open
  return (int)syscall(SYS_pidfd_open, pid, 0);
#else
  errno = ENOSYS;
  return -1;
#endif
}

static int pidfd_getfd_(int pidfd, int fd) {
#ifdef SYS_pidfd_getfd
  return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
#else
  errno = ENOSYS;
  return -1;
#endif
}

static int pidfd_signal_(int pidfd, int sig) {
#ifdef SYS_pidfd_send_signal
  return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, 0, 0);
#else
  errno = ENOSYS;
  return -1;
#endif
}

static void dir_of(struct service const *s, int which, char *path) {
  size_t n = strlen(s->name);
  memcpy(path, s->name, n);
  memcpy(path + n, which == LOG ? "/log" : "", which == LOG ? 5 : 1);
}

/* /proc/PID/cwd of a supervise is its service directory, even after the
   directory was renamed or moved away. */
static void proc_dir(struct service const *s, int which, char *path) {
  pid_t pid = s->p[which].pid;
  if (pid > 0) {
    memcpy(path, "/proc/", 6);
    path[6 + uint_fmt(path + 6, (unsigned)pid)] = 0;
    strcat(path, "/cwd");
  } else
    dir_of(s, which, path);
}

static void proc_signal(struct service *s, int which, int sig) {
  struct proc *p = &s->p[which];
  if (p->pidfd >= 0 && pidfd_signal_(p->pidfd, sig) == 0) return;
  if (p->pid > 0) {
    kill(p->pid, sig);
    return;
  }
  if (sig == SIGTERM) {
    char path[NAME_MAX + 8];
    dir_of(s, which, path);
    tend_control_send(path, "dx", 2);
  }
}

static pid_t spawn_supervise(struct service *s, int which) {
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old);
#ifdef __linux__
  /* the child only makes system calls, then execs: no need to copy
     svscan's address space (as posix_spawn does it) */
  pid_t pid = vfork();
#else
  pid_t pid = fork();
#endif
  if (pid) {
    int e = errno;
    sigprocmask(SIG_SETMASK, &old, 0);
    errno = e;
    return pid;
  }
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (size_t i = 0; i < sizeof caught / sizeof *caught; i++)
    sigaction(caught[i], &dfl, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, 0);
  setrlimit(RLIMIT_NOFILE, &nofile_orig);
  char *argv[3] = {"supervise", s->name, 0};
  if (which == LOG) {
    if (chdir(s->name) < 0) tend_diesys(111, "unable to chdir to ", s->name);
    if (s->pipe_r >= 0 && dup2(s->pipe_r, 0) < 0)
      tend_diesys(111, "unable to set up a pipe");
    argv[1] = "log";
  } else if (s->has_log && s->pipe_w >= 0 && dup2(s->pipe_w, 1) < 0)
    tend_diesys(111, "unable to set up a pipe");
  /* never a different supervise from the PATH if ours is there but
     briefly unusable (being upgraded): this one fails and is retried */
  if (supervise_path[0])
    execv(supervise_path, argv);
  else
    execvp("supervise", argv);
  tend_diesys(111, "unable to start supervise for ", s->name,
              which == LOG ? "/log" : "");
}

/* -m NAME: supervise must exit when ./run exits instead of restarting it.
   "x" is put in the control FIFO before supervise starts, so there is no
   window in which a quick ./run could be restarted. */
static void prefill_exit(struct service *s) {
  char path[NAME_MAX + 32];
  if (s->prefill >= 0) close(s->prefill), s->prefill = -1;
  strcpy(path, s->name);
  strcat(path, "/supervise");
  if (mkdir(path, 0700) < 0 && errno != EEXIST) goto fail;
  strcat(path, "/control");
  if (mkfifo(path, 0600) < 0 && errno != EEXIST) goto fail;
  s->prefill = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (s->prefill < 0 || write(s->prefill, "x", 1) != 1) goto fail;
  return;
fail:
  tend_warnsys("unable to prepare ", path);
}

static void proc_start(struct service *s, int which) {
  struct proc *p = &s->p[which];
  int64_t now = now_ms();
  p->restart_at = NEVER;
  if (which == MAIN && s->is_main) prefill_exit(s);
  pid_t pid = spawn_supervise(s, which);
  if (pid < 0) {
    tend_warnsys("unable to fork for ", s->name);
    p->restart_at = now + QUICK_MS;
    return;
  }
  p->pid = pid;
  p->pidfd = -1;
  p->adopted = 0;
  p->foreign = 0;
  p->started = now;
}

static int same_dir(pid_t pid, struct stat const *d) {
  char path[32] = "/proc/";
  struct stat c;
  path[6 + uint_fmt(path + 6, (unsigned)pid)] = 0;
  strcat(path, "/cwd");
  return stat(path, &c) == 0 && c.st_dev == d->st_dev && c.st_ino == d->st_ino;
}

/* A supervise already runs on the directory (left by an svscan that was
   killed): watch it instead of starting another. */
static int try_adopt(struct service *s, int which) {
  char path[NAME_MAX + 8];
  struct stat d;
  tend_status st;
  struct proc *p = &s->p[which];
  dir_of(s, which, path);
  if (tend_supervise_alive(path) != 1 || stat(path, &d) < 0) return 0;
  p->pid = -1;
  p->pidfd = -1;
  p->adopted = 1;
  p->foreign = 1;
  p->started = now_ms();
  p->restart_at = NEVER;
  if (tend_status_read(&st, path) == 1 && st.svpid &&
      same_dir((pid_t)st.svpid, &d)) {
    p->pid = (pid_t)st.svpid;
    p->pidfd = pidfd_open_(p->pid);
    if (p->pidfd >= 0) {
      p->foreign = 0;
      /* it might have died between the check and the open */
      if (!same_dir(p->pid, &d)) {
        close(p->pidfd);
        p->pid = 0;
        p->pidfd = -1;
        p->adopted = 0;
        return 0;
      }
    }
  }
  if (p->foreign && foreign_at == NEVER) foreign_at = now_ms() + FOREIGN_MS;
  return 1;
}

/* The other end of the pipe FD, through /proc (blocking, close-on-exec). */
static int pipe_other_end(int fd, int want_write) {
  char path[32] = "/proc/self/fd/";
  path[14 + uint_fmt(path + 14, (unsigned)fd)] = 0;
  int r =
      open(path, (want_write ? O_WRONLY : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
  if (r >= 0) fcntl(r, F_SETFL, fcntl(r, F_GETFL) & ~O_NONBLOCK);
  return r;
}

static int same_file(struct stat const *st, int fd) {
  struct stat o;
  return fstat(fd, &o) == 0 && o.st_dev == st->st_dev && o.st_ino == st->st_ino;
}

/* An adopted supervise's end of the log pipe: the write end is the main
   supervise's stdout, the read end the log supervise's stdin. Only an
   adopted one is asked: our own children got a new pipe or none, and a
   stdout shared with svscan (a service that had no logger) is no log pipe. */
static int recover_end(struct proc const *p, int fd) {
  int r = -1;
  struct stat st;
  if (!p->adopted) return -1;
  if (p->pidfd >= 0) r = pidfd_getfd_(p->pidfd, fd);
  if (r < 0 && p->pid > 0) {
    char path[48] = "/proc/";
    size_t n = 6 + uint_fmt(path + 6, (unsigned)p->pid);
    memcpy(path + n, "/fd/", 4);
    path[n + 4 + uint_fmt(path + n + 4, (unsigned)fd)] = 0;
    r = open(path, (fd ? O_WRONLY : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
    if (r >= 0) fcntl(r, F_SETFL, fcntl(r, F_GETFL) & ~O_NONBLOCK);
  }
  if (r >= 0 && (fstat(r, &st) < 0 || !S_ISFIFO(st.st_mode) ||
                 same_file(&st, 1) || same_file(&st, 2)))
    close(r), r = -1;
  return r;
}

static int setup_pipe(struct service *s) {
  int fds[2];
  if (s->p[LOG].pid && (fds[0] = recover_end(&s->p[LOG], 0)) >= 0) {
    fds[1] = pipe_other_end(fds[0], 1);
    if (fds[1] >= 0) goto done;
    close(fds[0]);
  }
  if (s->p[MAIN].pid && (fds[1] = recover_end(&s->p[MAIN], 1)) >= 0) {
    fds[0] = pipe_other_end(fds[1], 0);
    if (fds[0] >= 0) goto done;
    close(fds[1]);
  }
  if (s->p[LOG].pid && s->p[MAIN].pid)
    tend_warn("unable to recover the log pipe of ", s->name);
  if (pipe2(fds, O_CLOEXEC) < 0) {
    tend_warnsys("unable to create a pipe for ", s->name);
    return -1;
  }
done:
  s->pipe_r = fds[0];
  s->pipe_w = fds[1];
  return 0;
}

static int is_dir(char const *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void add_log(struct service *s) {
  try_adopt(s, LOG);
  if (setup_pipe(s) == 0 || s->p[LOG].pid) s->has_log = 1;
  if (s->has_log && !s->p[LOG].pid) proc_start(s, LOG);
}

static void service_add(char const *name, struct stat const *st) {
  char path[NAME_MAX + 8];
  svc = grow(svc, &svc_cap, nsvc + 1, sizeof *svc);
  struct service *s = &svc[nsvc++];
  memset(s, 0, sizeof *s);
  s->dev = st->st_dev;
  s->ino = st->st_ino;
  strcpy(s->name, name);
  s->gen = gen;
  s->pipe_r = s->pipe_w = s->prefill = -1;
  s->log_term_at = NEVER;
  for (int w = 0; w < 2; w++)
    s->p[w].pidfd = -1, s->p[w].restart_at = NEVER;
  s->is_main = main_name && !strcmp(name, main_name);
  strcpy(path, name);
  strcat(path, "/log");
  try_adopt(s, MAIN);
  if (is_dir(path)) add_log(s);
  if (!s->p[MAIN].pid) proc_start(s, MAIN);
}

static struct pending *pending_find(struct stat const *st) {
  for (size_t i = 0; i < npend; i++)
    if (pend[i].dev == st->st_dev && pend[i].ino == st->st_ino) return &pend[i];
  return 0;
}

/* A directory that is not a service (yet): warn once, and watch it so
   that a run appearing later (created, renamed in, or chmod +x) is seen. */
static void pending_see(char const *name, struct stat const *st) {
  struct pending *p = pending_find(st);
  if (p) {
    p->gen = gen;
    return;
  }
  tend_warn("ignoring ", name, ": no executable run");
  pend = grow(pend, &pend_cap, npend + 1, sizeof *pend);
  p = &pend[npend++];
  p->dev = st->st_dev;
  p->ino = st->st_ino;
  p->gen = gen;
  p->wd = inotify_fd < 0
              ? -1
              : inotify_add_watch(inotify_fd, name,
                                  IN_CREATE | IN_MOVED_TO | IN_ATTRIB |
                                      IN_CLOSE_WRITE | IN_ONLYDIR);
}

static void pending_drop(size_t i) {
  if (pend[i].wd >= 0) inotify_rm_watch(inotify_fd, pend[i].wd);
  pend[i] = pend[--npend];
}

static struct service *service_find(struct stat const *st) {
  for (size_t i = 0; i < nsvc; i++)
    if (svc[i].dev == st->st_dev && svc[i].ino == st->st_ino && !svc[i].dead)
      return &svc[i];
  return 0;
}

static void advance_stop(struct service *s);

static void stop_service(struct service *s) {
  if (s->stopping) return;
  s->stopping = 1;
  s->p[MAIN].restart_at = s->p[LOG].restart_at = NEVER;
  if (s->p[MAIN].pid)
    proc_signal(s, MAIN, SIGTERM); /* supervise takes TERM as dx */
  else
    advance_stop(s);
}

/* Services first, then their loggers: once the service is gone, svscan
   lets go of its write end, so the logger reads every last line and then
   EOF, and its supervise is told to exit when the logger does. A logger
   that does not exit on EOF gets TERM once the pipe has stayed empty for
   a moment (or after the grace time). */
static void advance_stop(struct service *s) {
  if (s->p[MAIN].pid) return;
  if (s->pipe_w >= 0) close(s->pipe_w), s->pipe_w = -1;
  if (s->p[LOG].pid) {
    if (!s->log_released) {
      char path[NAME_MAX + 32];
      s->log_released = 1;
      proc_dir(s, LOG, path);
      if (tend_control_send(path, "x", 1) < 0) proc_signal(s, LOG, SIGTERM);
      s->released_at = now_ms();
      s->drained_since = NEVER;
      s->log_term_at = s->released_at + DRAIN_MS;
    }
    return;
  }
  if (s->pipe_r >= 0) close(s->pipe_r), s->pipe_r = -1;
  if (s->prefill >= 0) close(s->prefill), s->prefill = -1;
  s->dead = 1;
  if (!stopping_all) want_rescan = 1; /* it may be back under a new name */
}

/* NAME@: a template for svinstance(8), never a service of its own. */
static int is_template(char const *name) {
  size_t n = strlen(name);
  return n && name[n - 1] == '@';
}

static void keep_name(char const *name) {
  for (size_t i = 0; i < nsvc; i++)
    if (!strcmp(svc[i].name, name)) svc[i].gen = gen;
}

static void scan(void) {
  DIR *d = opendir(".");
  if (!d) {
    tend_warnsys("unable to read the scan directory");
    return;
  }
  gen++;
  for (;;) {
    char path[NAME_MAX + 16];
    struct stat st;
    errno = 0;
    struct dirent *e = readdir(d);
    if (!e) break;
    /* a name ending in @ is a template of instances, never started
       itself (doc/servicedir.md, "Templates and instances") */
    if (e->d_name[0] == '.' || is_template(e->d_name)) continue;
    if (stat(e->d_name, &st) < 0) {
      /* not known now is not gone: keep what runs under that name */
      if (errno != ENOENT) keep_name(e->d_name);
      continue;
    }
    if (!S_ISDIR(st.st_mode)) continue;
    struct service *s = service_find(&st);
    if (s) {
      s->gen = gen;
      if (strcmp(s->name, e->d_name)) strcpy(s->name, e->d_name);
      strcpy(path, e->d_name);
      strcat(path, "/log");
      if (!s->has_log && !s->stopping && is_dir(path)) add_log(s);
      continue;
    }
    strcpy(path, e->d_name);
    strcat(path, "/run");
    if (access(path, X_OK) < 0) {
      pending_see(e->d_name, &st);
      continue;
    }
    struct pending *p = pending_find(&st);
    if (p) pending_drop((size_t)(p - pend));
    service_add(e->d_name, &st);
  }
  int failed = errno != 0;
  if (failed) tend_warnsys("unable to read the scan directory");
  closedir(d);
  if (failed) return; /* an incomplete listing removes nothing */
  for (size_t i = 0; i < nsvc; i++)
    if (svc[i].gen != gen && !svc[i].dead) stop_service(&svc[i]);
  for (size_t i = npend; i-- > 0;)
    if (pend[i].gen != gen) pending_drop(i);
}

static void start_shutdown(int code) {
  if (stopping_all) return;
  stopping_all = 1;
  exit_code = code;
  grace_at = now_ms() + grace_ms;
  for (size_t i = 0; i < nsvc; i++)
    stop_service(&svc[i]);
}

/* -m NAME: its supervise exited because ./run did (it was told "x"). */
static int main_finished(struct service *s, int *code) {
  tend_status st;
  if (tend_status_read(&st, s->name) != 1 || st.state != TEND_STATE_DOWN ||
      !(st.flags & TEND_FLAG_EXITING))
    return 0;
  int ws = (int)st.lastwait;
  if (st.lastwait == TEND_WSTATUS_NONE)
    *code = 111;
  else if (WIFSIGNALED(ws))
    *code = 128 + WTERMSIG(ws);
  else
    *code = WEXITSTATUS(ws);
  return 1;
}

static void proc_exited(struct service *s, int which) {
  struct proc *p = &s->p[which];
  int code;
  if (p->pidfd >= 0) close(p->pidfd);
  p->pidfd = -1;
  p->pid = 0;
  p->adopted = 0;
  p->foreign = 0;
  if (which == MAIN && s->prefill >= 0) close(s->prefill), s->prefill = -1;
  if (s->stopping) {
    advance_stop(s);
    return;
  }
  if (which == MAIN && s->is_main && main_finished(s, &code)) {
    start_shutdown(code);
    return;
  }
  if (try_adopt(s, which)) return;
  int64_t now = now_ms();
  p->restart_at = now - p->started >= QUICK_MS ? now : p->started + QUICK_MS;
}

static void reap(void) {
  for (;;) {
    int ws;
    pid_t pid = waitpid(-1, &ws, WNOHANG);
    if (pid < 0 && errno == ECHILD) no_children = 1;
    if (pid <= 0) break;
    for (size_t i = 0; i < nsvc; i++)
      for (int w = 0; w < 2; w++)
        if (svc[i].p[w].pid == pid && svc[i].p[w].pidfd < 0 &&
            !svc[i].p[w].foreign) {
          proc_exited(&svc[i], w);
          goto next;
        }
    /* an orphan, or an adopted supervise that was ours after all */
  next:;
  }
}

static void handle_signals(void) {
  unsigned char buf[64];
  ssize_t r;
  while ((r = read(sigpipe[0], buf, sizeof buf)) > 0)
    for (ssize_t i = 0; i < r; i++)
      switch (buf[i]) {
      case SIGCHLD: reap(); break;
      case SIGHUP:
      case SIGALRM: want_rescan = 1; break;
      case SIGTERM:
      case SIGINT: start_shutdown(0); break;
      default: break;
      }
}

static void handle_inotify(void) {
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  ssize_t r;
  while ((r = read(inotify_fd, buf, sizeof buf)) > 0)
    for (char *p = buf; p < buf + r;) {
      struct inotify_event *ev = (struct inotify_event *)p;
      p += sizeof *ev + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) want_rescan = 1;
      if (ev->len && (ev->name[0] == '.' || is_template(ev->name))) continue;
      want_rescan = 1;
    }
}

/* The grace time is over: what is left gets KILL, supervise first (so it
   does not restart anything), then the service's process group. */
static void grace_kill(void) {
  for (size_t i = 0; i < nsvc; i++)
    for (int w = 0; w < 2; w++) {
      struct service *s = &svc[i];
      char path[NAME_MAX + 32];
      tend_status st;
      if (!s->p[w].pid) continue;
      proc_dir(s, w, path);
      int r = tend_status_read(&st, path);
      proc_signal(s, w, SIGKILL);
      if (r == 1 && st.pid) {
        kill(-(pid_t)st.pid, SIGKILL);
        kill((pid_t)st.pid, SIGKILL);
      }
    }
}

static void check_foreign(void) {
  foreign_at = NEVER;
  for (size_t i = 0; i < nsvc; i++)
    for (int w = 0; w < 2; w++) {
      struct service *s = &svc[i];
      char path[NAME_MAX + 32];
      if (!s->p[w].foreign) continue;
      proc_dir(s, w, path);
      if (tend_supervise_alive(path) == 1)
        foreign_at = now_ms() + FOREIGN_MS;
      else
        proc_exited(s, w);
    }
}

static int drained(struct service *s, int64_t now) {
  int n = 0;
  if (now - s->released_at >= grace_ms) return 1;
  if (s->pipe_r >= 0 && ioctl(s->pipe_r, FIONREAD, &n) == 0 && n > 0) {
    s->drained_since = NEVER;
    return 0;
  }
  if (s->drained_since == NEVER) s->drained_since = now;
  return now - s->drained_since >= QUIET_MS;
}

static void on_deadlines(int64_t now) {
  for (size_t i = 0; i < nsvc; i++) {
    struct service *s = &svc[i];
    for (int w = 0; w < 2; w++)
      if (now >= s->p[w].restart_at) {
        s->p[w].restart_at = NEVER;
        if (!s->p[w].pid && !s->stopping && (w == MAIN || s->has_log)) {
          if (!try_adopt(s, w)) proc_start(s, w);
        }
      }
    if (now >= s->log_term_at) {
      s->log_term_at = NEVER;
      if (s->p[LOG].pid && !drained(s, now))
        s->log_term_at = now + DRAIN_MS;
      else if (s->p[LOG].pid)
        proc_signal(s, LOG, SIGTERM);
    }
  }
  if (now >= grace_at) {
    grace_at = NEVER;
    grace_kill();
  }
  if (now >= foreign_at) check_foreign();
  if (now >= rescan_at) {
    want_rescan = 1;
    rescan_at = rescan_ms > 0 ? now + rescan_ms : NEVER;
  }
  if (now >= orphans_kill_at) {
    orphans_kill_at = NEVER;
    kill(-1, SIGKILL);
  }
}

static int64_t next_deadline(void) {
  int64_t d = grace_at;
  if (rescan_at < d) d = rescan_at;
  if (foreign_at < d) d = foreign_at;
  if (orphans_kill_at < d) d = orphans_kill_at;
  for (size_t i = 0; i < nsvc; i++) {
    if (svc[i].p[MAIN].restart_at < d) d = svc[i].p[MAIN].restart_at;
    if (svc[i].p[LOG].restart_at < d) d = svc[i].p[LOG].restart_at;
    if (svc[i].log_term_at < d) d = svc[i].log_term_at;
  }
  return d;
}

/* Drops the services whose supervisors are all gone; 1 if none is left. */
static int compact(void) {
  for (size_t i = nsvc; i-- > 0;)
    if (svc[i].dead) svc[i] = svc[--nsvc];
  return nsvc == 0;
}

/* All services are down. As PID 1, what else runs gets TERM, then KILL
   when the grace time is over; svscan exits when it has no child left. */
static int finished(void) {
  if (!is_pid1) return 1;
  if (!orphans_phase) {
    orphans_phase = 1;
    kill(-1, SIGTERM);
    kill(-1, SIGCONT);
    int64_t now = now_ms();
    orphans_kill_at = grace_at != NEVER ? grace_at : now + QUICK_MS;
    grace_at = NEVER;
    no_children = 0;
    reap();
  }
  return no_children;
}

static void find_supervise(void) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return;
  self[n] = 0;
  char *slash = strrchr(self, '/');
  if (!slash || (size_t)(slash - self) + 11 > sizeof supervise_path) return;
  memcpy(supervise_path, self, (size_t)(slash - self) + 1);
  strcpy(supervise_path + (slash - self) + 1, "supervise");
  if (access(supervise_path, X_OK) < 0) supervise_path[0] = 0;
}

static int64_t seconds_arg(char const *s) {
  unsigned int v;
  size_t n = uint_scan(s, &v);
  if (!n || s[n]) tend_dieusage(USAGE);
  return (int64_t)v * 1000;
}

static void setup(void) {
  for (int fd = 0; fd < 3; fd++)
    if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
      tend_diesys(111, "unable to open /dev/null");
  getrlimit(RLIMIT_NOFILE, &nofile_orig);
  struct rlimit raised = nofile_orig;
  raised.rlim_cur = raised.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &raised) < 0)
    tend_warnsys("unable to raise the open files limit");
  if (pipe2(sigpipe, O_CLOEXEC | O_NONBLOCK) < 0)
    tend_diesys(111, "unable to create the self-pipe");
  for (size_t i = 0; i < sizeof caught / sizeof *caught; i++) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART | (caught[i] == SIGCHLD ? SA_NOCLDSTOP : 0);
    sigfillset(&sa.sa_mask);
    sigaction(caught[i], &sa, 0);
  }
  is_pid1 = getpid() == 1;
  if (!is_pid1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
    tend_warnsys("unable to become a child subreaper");
  find_supervise();
  inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd >= 0 &&
      inotify_add_watch(inotify_fd, ".",
                        IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                            IN_ATTRIB | IN_ONLYDIR) < 0) {
    close(inotify_fd);
    inotify_fd = -1;
  }
  if (inotify_fd < 0) {
    tend_warnsys("unable to watch the scan directory, rescanning every 5 s");
    if (rescan_ms < 0) rescan_ms = 5000;
  }
  if (rescan_ms > 0) rescan_at = now_ms() + rescan_ms;
}

int main(int argc, char const *const *argv) {
  tend_prog = "svscan";
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    char const *o = argv[i];
    if (!strcmp(o, "--")) {
      i++;
      break;
    }
    if (o[2] || i + 1 >= argc) tend_dieusage(USAGE);
    char const *v = argv[++i];
    switch (o[1]) {
    case 'm': main_name = v; break;
    case 'g': grace_ms = seconds_arg(v); break;
    case 'r': rescan_ms = seconds_arg(v); break;
    default: tend_dieusage(USAGE);
    }
  }
  if (argc - i > 1) tend_dieusage(USAGE);
  char const *dir = i < argc ? argv[i] : ".";
  if (main_name &&
      (!main_name[0] || main_name[0] == '.' || strchr(main_name, '/')))
    tend_die(100, "bad main service name: ", main_name);
  if (chdir(dir) < 0) tend_diesys(111, "unable to chdir to ", dir);
  setup();
  scan();
  if (main_name) {
    int found = 0;
    for (size_t k = 0; k < nsvc; k++)
      found |= svc[k].is_main;
    if (!found) {
      tend_warn("main service ", main_name, " not found in ", dir);
      start_shutdown(111);
    }
  }

  for (;;) {
    if (compact() && stopping_all && finished()) return exit_code;
    if (want_rescan && !stopping_all) {
      want_rescan = 0;
      scan();
      continue;
    }
    pfds = grow(pfds, &pfds_cap, 2 + 2 * nsvc, sizeof *pfds);
    pref = grow(pref, &pref_cap, 2 + 2 * nsvc, sizeof *pref);
    size_t n = 0;
    pfds[n++] = (struct pollfd){sigpipe[0], POLLIN, 0};
    pfds[n++] = (struct pollfd){inotify_fd, POLLIN, 0};
    for (size_t k = 0; k < nsvc; k++)
      for (int w = 0; w < 2; w++)
        if (svc[k].p[w].pidfd >= 0) {
          pref[n] = k * 2 + (size_t)w;
          pfds[n++] = (struct pollfd){svc[k].p[w].pidfd, POLLIN, 0};
        }
    int64_t deadline = next_deadline();
    int timeout = -1;
    if (deadline != NEVER) {
      int64_t left = deadline - now_ms();
      timeout = left <= 0 ? 0 : left > 86400000 ? 86400000 : (int)left;
    }
    int r = poll(pfds, (nfds_t)n, timeout);
    if (r < 0 && errno != EINTR) tend_diesys(111, "unable to poll");
    if (r > 0) {
      for (size_t k = 2; k < n; k++)
        if (pfds[k].revents) {
          struct service *s = &svc[pref[k] / 2];
          int w = (int)(pref[k] % 2);
          if (s->p[w].pidfd == pfds[k].fd) {
            waitpid(s->p[w].pid, 0, WNOHANG); /* in case it was ours */
            proc_exited(s, w);
          }
        }
      if (pfds[0].revents) handle_signals();
      if (pfds[1].revents) handle_inotify();
    }
    on_deadlines(now_ms());
  }
}
