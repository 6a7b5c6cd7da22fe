/* svscan [DIR]: runs one supervise per service directory in DIR, and one
   more for NAME/log with a pipe between the two that svscan holds open for
   the service's whole life. It notices new and removed directories at once
   (inotify), restarts a supervise that dies, adopts the supervisors of a
   previous svscan instead of duplicating them, reaps orphans as PID 1 or
   subreaper, and stops everything in order on TERM (doc/svscan.8; the
   design is in doc/svscan.md). One poll() loop, no timer when idle.
   adopt.c holds what touches a service directory's files, kill.c the
   signals. */
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
#include <sys/wait.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/types.h>
#include <tend/getopt.h>
#include <tend/loop.h>
#include <tend/msg.h>
#include <tend/servicedir.h>
#include <tend/status.h>
#include "svscan.h"

#define USAGE "svscan [ -m main ] [ -g grace ] [ -r rescan ] [ dir ]"
#define FOREIGN_MS 5000 /* how often an unwatchable supervise is probed */
#define DRAIN_MS 50     /* how often a draining log pipe is looked at */
#define QUIET_MS 200    /* an empty pipe for this long: the logger is done */
#define FREEZE_MS 1000  /* how long a supervise may take to stop (STOP) */
#define FROZEN_MS 10    /* how often that is looked at */

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

static int sigpipe_fd = -1; /* the self-pipe's read end */
static int inotify_fd = -1;
static unsigned gen;
static int want_rescan;
static int stopping_all, orphans_phase, no_children;
static int exit_code;
static int is_pid1;
static char const *main_name;
/* Docker's and Podman's stop timeout is 10 s: a 7 s grace, the KILL (at
   most FREEZE_MS) and, as PID 1, the orphans' second end well before. */
#define GRACE_MS_DEFAULT 7000
#define GRACE_MS_MAX 86400000 /* TEND_GRACE_MS: a day at most */
static int64_t grace_ms = -1, rescan_ms = -1;
static int64_t grace_at = NEVER, rescan_at = NEVER, foreign_at = NEVER;
static int64_t orphans_kill_at = NEVER;
static int64_t scan_retry_at = NEVER, freeze_at = NEVER, freeze_limit;
static int scan_failing;
static char supervise_path[PATH_MAX];
static struct rlimit nofile_orig;
static int const caught[] = {SIGCHLD, SIGTERM, SIGINT,
                             SIGHUP,  SIGALRM, SIGPIPE};

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

void dir_of(struct service const *s, int which, char *path) {
  size_t n = strlen(s->name);
  memcpy(path, s->name, n);
  memcpy(path + n, which == LOG ? "/log" : "", which == LOG ? 5 : 1);
}

/* /proc/PID/cwd of a supervise is its service directory, even after the
   directory was renamed or moved away. */
void proc_dir(struct service const *s, int which, char *path) {
  if (proven(&s->p[which])) {
    tend_proc_path(path, s->p[which].pid, "cwd", -1, 0);
  } else
    dir_of(s, which, path);
}

static pid_t spawn_supervise(struct service *s, int which) {
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old);
  /* the child only makes system calls, then execs: no need to copy
     svscan's address space (as posix_spawn does it); skalibs' cspawn,
     over posix_spawn, could not chdir or setrlimit in the child */
  pid_t pid = vfork();
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

/* A start that failed is said once (until something starts again), and
   tried again a second later. */
static void retry_later(struct service *s, int which, char const *why) {
  if (!s->failing) tend_warnsys(why, s->name, which == LOG ? "/log" : "");
  s->failing = 1;
  s->p[which].restart_at = tend_clock_ms() + QUICK_MS;
}

static void proc_start(struct service *s, int which) {
  struct proc *p = &s->p[which];
  int64_t now = tend_clock_ms();
  p->restart_at = NEVER;
  /* never without the pipe: the service would write to our stdout, the
     logger read our stdin. The pipe's retry starts both. */
  if (s->has_log && s->pipe_r < 0) return;
  /* -m NAME: supervise must exit when ./run exits instead of restarting
     it. "x" is put in the control FIFO before supervise starts, so there
     is no window in which a quick ./run could be restarted. */
  if (which == MAIN && s->is_main) {
    if (s->prefill >= 0) close(s->prefill);
    s->prefill = sv_prefill_exit(s->name);
    if (s->prefill < 0) {
      if (!s->failing)
        tend_warnsys("unable to prepare ", s->name, "/supervise/control");
      s->failing = 1;
      p->restart_at = now + QUICK_MS;
      return;
    }
  }
  pid_t pid = spawn_supervise(s, which);
  if (pid < 0) {
    retry_later(s, which, "unable to fork for ");
    return;
  }
  p->kind = CHILD;
  p->pid = pid;
  p->started = now;
  s->failing = 0;
}

/* A supervise already running on the directory is adopted (adopt.c):
   1 if one was, 0 if none runs. -1 if that cannot be told now (no fd
   left, say): nothing is started then, as a second supervise would be
   worse, and it is tried again a second later. */
static int adopt(struct service *s, int which) {
  int r = try_adopt(s, which);
  if (r > 0 && s->p[which].kind == FOREIGN && foreign_at == NEVER)
    foreign_at = tend_clock_ms() + FOREIGN_MS;
  if (r < 0)
    retry_later(s, which, "unable to tell whether a supervise runs for ");
  return r;
}

/* The pipe could not be made (no fd left): neither the service nor its
   logger starts until it can; one warning, then a try every second. */
static void make_pipe(struct service *s) {
  s->pipe_at = NEVER;
  if (s->pipe_r >= 0 || s->stopping) return;
  if (setup_pipe(s) < 0) {
    if (!s->failing) tend_warnsys("unable to create a pipe for ", s->name);
    s->failing = 1;
    s->pipe_at = tend_clock_ms() + QUICK_MS;
    return;
  }
  for (int w = 0; w < 2; w++)
    if (s->p[w].kind == NONE && s->p[w].restart_at == NEVER)
      s->p[w].restart_at = tend_clock_ms();
}

static int is_dir(char const *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void add_log(struct service *s) {
  s->has_log = 1;
  int r = adopt(s, LOG);
  make_pipe(s);
  if (r == 0) proc_start(s, LOG);
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
  s->log_term_at = s->pipe_at = NEVER;
  s->p[MAIN].restart_at = s->p[LOG].restart_at = NEVER;
  s->is_main = main_name && !strcmp(name, main_name);
  strcpy(path, name);
  strcat(path, "/log");
  int r = adopt(s, MAIN);
  if (is_dir(path)) add_log(s);
  if (r == 0) proc_start(s, MAIN);
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
  if (s->p[MAIN].kind != NONE)
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
  if (s->p[MAIN].kind != NONE) return;
  if (s->pipe_w >= 0) close(s->pipe_w), s->pipe_w = -1;
  if (s->p[LOG].kind != NONE) {
    if (!s->log_released) {
      s->log_released = 1;
      /* if x cannot be sent, the TERM below waits for an empty pipe */
      if (sv_proc_control(s, LOG, "x", 1) < 0)
        tend_warnsys("unable to tell ", s->name, "/log to exit");
      s->released_at = tend_clock_ms();
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

/* A scan that failed (no fd left for opendir, say) is said once, and
   done again every second until it works. */
static void scan_failed(void) {
  if (!scan_failing) tend_warnsys("unable to read the scan directory");
  scan_failing = 1;
  scan_retry_at = tend_clock_ms() + QUICK_MS;
}

static void scan(void) {
  DIR *d = opendir(".");
  if (!d) {
    scan_failed();
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
  if (failed) scan_failed();
  closedir(d);
  if (failed) return; /* an incomplete listing removes nothing */
  scan_failing = 0;
  scan_retry_at = NEVER;
  for (size_t i = 0; i < nsvc; i++)
    if (svc[i].gen != gen && !svc[i].dead) stop_service(&svc[i]);
  for (size_t i = npend; i-- > 0;)
    if (pend[i].gen != gen) pending_drop(i);
}

static void start_shutdown(int code) {
  if (stopping_all) return;
  stopping_all = 1;
  exit_code = code;
  grace_at = tend_clock_ms() + grace_ms;
  for (size_t i = 0; i < nsvc; i++)
    stop_service(&svc[i]);
}

/* -m NAME: its supervise exited because ./run did (it was told "x"). */
static int main_finished(struct service *s, int *code) {
  tend_status st;
  if (sv_status_read(&st, s->name) != 1 || st.state != TEND_STATE_DOWN ||
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
  if (p->kind == WATCHED) close(p->pidfd);
  p->kind = NONE;
  p->pid = 0;
  p->freezing = 0;
  if (which == MAIN && s->prefill >= 0) close(s->prefill), s->prefill = -1;
  if (s->stopping) {
    advance_stop(s);
    return;
  }
  if (which == MAIN && s->is_main && main_finished(s, &code)) {
    start_shutdown(code);
    return;
  }
  if (adopt(s, which)) return; /* adopted, or tried again later */
  int64_t now = tend_clock_ms();
  p->restart_at = now - p->started >= QUICK_MS ? now : p->started + QUICK_MS;
}

static void reap(void) {
  for (;;) {
    int ws;
    pid_t pid = wait_nohang(&ws);
    if (pid < 0 && errno == ECHILD) no_children = 1;
    if (pid <= 0) break;
    for (size_t i = 0; i < nsvc; i++)
      for (int w = 0; w < 2; w++)
        if (svc[i].p[w].kind == CHILD && svc[i].p[w].pid == pid) {
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
  while ((r = read(sigpipe_fd, buf, sizeof buf)) > 0)
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

/* The grace time is over: every supervise left is stopped, then what it
   runs gets KILL, then the supervise itself (kill.c: never a pid only a
   status file names). A foreign supervise cannot be signalled at all. */
static void grace_kill(int64_t now) {
  for (size_t i = 0; i < nsvc; i++)
    for (int w = 0; w < 2; w++)
      if (proven(&svc[i].p[w])) freeze(&svc[i], w);
  freeze_at = now;
  freeze_limit = now + FREEZE_MS;
}

static void check_frozen(int64_t now) {
  int waiting = 0;
  for (size_t i = 0; i < nsvc; i++)
    for (int w = 0; w < 2; w++)
      if (svc[i].p[w].freezing && !freeze_done(&svc[i], w, now >= freeze_limit))
        waiting = 1;
  freeze_at = waiting ? now + FROZEN_MS : NEVER;
}

static void check_foreign(void) {
  foreign_at = NEVER;
  for (size_t i = 0; i < nsvc; i++)
    for (int w = 0; w < 2; w++) {
      struct service *s = &svc[i];
      char path[NAME_MAX + 32];
      if (s->p[w].kind != FOREIGN) continue;
      proc_dir(s, w, path);
      if (sv_alive(path) != 0)
        foreign_at = tend_clock_ms() + FOREIGN_MS;
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
    if (now >= s->pipe_at) make_pipe(s);
    for (int w = 0; w < 2; w++)
      if (now >= s->p[w].restart_at) {
        s->p[w].restart_at = NEVER;
        if (s->p[w].kind == NONE && !s->stopping && (w == MAIN || s->has_log) &&
            adopt(s, w) == 0)
          proc_start(s, w);
      }
    if (now >= s->log_term_at) {
      s->log_term_at = NEVER;
      if (s->p[LOG].kind != NONE && !drained(s, now))
        s->log_term_at = now + DRAIN_MS;
      else if (s->p[LOG].kind != NONE)
        proc_signal(s, LOG, SIGTERM);
    }
  }
  if (now >= grace_at) {
    grace_at = NEVER;
    grace_kill(now);
  }
  if (now >= freeze_at) check_frozen(now);
  if (now >= scan_retry_at) {
    scan_retry_at = NEVER;
    want_rescan = 1;
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
  if (freeze_at < d) d = freeze_at;
  if (scan_retry_at < d) d = scan_retry_at;
  for (size_t i = 0; i < nsvc; i++) {
    if (svc[i].pipe_at < d) d = svc[i].pipe_at;
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
    int64_t now = tend_clock_ms();
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

/* No -g: TEND_GRACE_MS, for images whose command line is fixed. A bad
   value is said and the default kept: PID 1 does not die of it. */
static int64_t grace_from_env(void) {
  char const *v = getenv("TEND_GRACE_MS");
  uint64_t ms;
  if (!v) return GRACE_MS_DEFAULT;
  switch (tend_sd_scan_uint(v, GRACE_MS_MAX, &ms)) {
  case 1: return (int64_t)ms;
  case 2:
    tend_warn("TEND_GRACE_MS too large, using 86400000: ", v);
    return GRACE_MS_MAX;
  default:
    tend_warn("TEND_GRACE_MS is not a number of milliseconds, using 7000: ", v);
    return GRACE_MS_DEFAULT;
  }
}

/* -m NAME must be a service of the scan directory: checked before
   anything starts. */
static void check_main(char const *dir) {
  char path[NAME_MAX + 8];
  struct stat st;
  size_t n = strlen(main_name);
  if (n > NAME_MAX || stat(main_name, &st) < 0) {
    if (n <= NAME_MAX && errno != ENOENT && errno != ENOTDIR)
      tend_diesys(111, "unable to stat ", main_name);
    tend_die(100, "main service ", main_name, " not found in ", dir);
  }
  if (!S_ISDIR(st.st_mode))
    tend_die(100, "main service ", main_name, " not found in ", dir);
  memcpy(path, main_name, n);
  memcpy(path + n, "/run", 5);
  if (access(path, X_OK) < 0)
    tend_die(100, "main service ", main_name, " not found in ", dir,
             ": no executable run");
}

static void setup(void) {
  if (!fd_sanitize()) tend_diesys(111, "unable to open /dev/null");
  getrlimit(RLIMIT_NOFILE, &nofile_orig);
  struct rlimit raised = nofile_orig;
  raised.rlim_cur = raised.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &raised) < 0)
    tend_warnsys("unable to raise the open files limit");
  sigpipe_fd = tend_selfpipe_init(caught, sizeof caught / sizeof *caught);
  if (sigpipe_fd < 0) tend_diesys(111, "unable to create the self-pipe");
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
  if (rescan_ms > 0) rescan_at = tend_clock_ms() + rescan_ms;
}

int main(int argc, char const *const *argv) {
  tend_prog = "svscan";
  subgetopt l = SUBGETOPT_ZERO;
  for (int opt; (opt = tend_getopt(argc, argv, "m:g:r:", USAGE, &l)) != -1;)
    switch (opt) {
    case 'm': main_name = l.arg; break;
    case 'g': grace_ms = seconds_arg(l.arg); break;
    case 'r': rescan_ms = seconds_arg(l.arg); break;
    }
  int i = l.ind;
  if (argc - i > 1) tend_dieusage(USAGE);
  if (grace_ms < 0) grace_ms = grace_from_env();
  char const *dir = i < argc ? argv[i] : ".";
  if (main_name &&
      (!main_name[0] || main_name[0] == '.' || strchr(main_name, '/')))
    tend_die(100, "bad main service name: ", main_name);
  if (chdir(dir) < 0) tend_diesys(111, "unable to chdir to ", dir);
  if (main_name) check_main(dir);
  setup();
  scan();

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
    pfds[n++] = (struct pollfd){sigpipe_fd, POLLIN, 0};
    pfds[n++] = (struct pollfd){inotify_fd, POLLIN, 0};
    for (size_t k = 0; k < nsvc; k++)
      for (int w = 0; w < 2; w++)
        if (svc[k].p[w].kind == WATCHED) {
          pref[n] = k * 2 + (size_t)w;
          pfds[n++] = (struct pollfd){svc[k].p[w].pidfd, POLLIN, 0};
        }
    int r = tend_poll_until(pfds, (nfds_t)n, next_deadline());
    if (r < 0 && errno != EINTR) tend_diesys(111, "unable to poll");
    if (r > 0) {
      for (size_t k = 2; k < n; k++)
        if (pfds[k].revents) {
          struct service *s = &svc[pref[k] / 2];
          int w = (int)(pref[k] % 2);
          if (s->p[w].kind == WATCHED && s->p[w].pidfd == pfds[k].fd) {
            waitpid(s->p[w].pid, 0, WNOHANG); /* in case it was ours */
            proc_exited(s, w);
          }
        }
      if (pfds[0].revents) handle_signals();
      if (pfds[1].revents) handle_inotify();
    }
    on_deadlines(tend_clock_ms());
  }
}
