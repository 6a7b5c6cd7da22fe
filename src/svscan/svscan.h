/* svscan's service table, shared by svscan.c (the loop), adopt.c (files
   of a service directory, adopting supervisors, the log pipe) and kill.c
   (the grace-time KILL). */
#ifndef SVSCAN_H
#define SVSCAN_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include <tend/loop.h>
#include <tend/proc.h>
#include <tend/status.h>

#define NEVER TEND_NEVER
#define QUICK_MS 1000 /* a supervise that dies sooner waits this long */

enum { MAIN = 0, LOG = 1 };

/* What svscan knows of a supervise: which kind it is decides what may be
   done to it, and pid and pidfd mean something only for the kinds named. */
enum kind {
  NONE,    /* none runs */
  CHILD,   /* ours: started by us, pid signalled until it is reaped */
  WATCHED, /* adopted: found running, proven through pidfd, never kill() */
  FOREIGN  /* adopted, but only its supervise/ok tells us it lives; never
              signalled (pid, if not 0, is read from its status file) */
};

struct proc {
  enum kind kind;
  pid_t pid;    /* CHILD, WATCHED; FOREIGN: unproven, for the log pipe only */
  int pidfd;    /* WATCHED */
  int failing;  /* the last start failed and was reported: retrying */
  int freezing; /* grace time over: sent STOP, KILL once it has stopped */
  int64_t started;
  int64_t restart_at;
};

/* A supervise whose pid is proven to be its own: it may be signalled. */
static inline int proven(struct proc const *p) {
  return p->kind == CHILD || p->kind == WATCHED;
}

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
  int failing;         /* a start failed and was reported: retrying quietly */
  int64_t pipe_at;     /* next attempt at making the pipe */
  int prefill;         /* -m: our end of NAME/supervise/control, holding "x" */
  int64_t log_term_at; /* next look at a draining logger */
  int64_t released_at; /* when the logger was told to drain */
  int64_t drained_since; /* the pipe was seen empty since then */
  struct proc p[2];
};

/* NAME or NAME/log, relative to the scan directory. */
extern void dir_of(struct service const *, int which, char *path);
/* The same, through /proc/PID/cwd while the pid is known to be ours (it
   stays right when the directory was renamed or moved away). */
extern void proc_dir(struct service const *, int which, char *path);

/* DIR/supervise/FILE, of TYPE, never through a symlink at FILE, never
   blocking, close-on-exec (DIR and DIR/supervise may be symlinks: they
   are the administrator's). Returns the fd, or -1 with errno set. */
extern int sv_open(char const *dir, char const *file, int flags, mode_t type);
/* As tend_status_read, through sv_open. */
extern int sv_status_read(tend_status *, char const *dir);
/* 1 if a supervise holds DIR/supervise/ok, 0 if none does (no FIFO
   there, or nobody reading it), -1 if that cannot be told (errno). */
extern int sv_alive(char const *dir);
/* As tend_control_send, through sv_open. */
extern int sv_control(char const *dir, char const *cmd, size_t len);
/* The same two through proc_dir: for a supervise adopted through a pidfd,
   only while that pidfd shows it alive. */
extern int sv_proc_status(tend_status *, struct service const *, int which);
extern int sv_proc_control(struct service const *, int which, char const *cmd,
                           size_t len);
/* -m: creates NAME/supervise/control and puts "x" in it; the fd that
   keeps the byte there, or -1 with errno set. */
extern int sv_prefill_exit(char const *name);

/* 1 if a running supervise of the directory was adopted, 0 if none
   runs, -1 if that cannot be told now (try again later). */
extern int try_adopt(struct service *, int which);
/* Makes or recovers the log pipe; 0, or -1 with errno set. */
extern int setup_pipe(struct service *);

/* kill.c: signals go only to a supervise proven ours: our child (not
   reaped yet) or one adopted through a pidfd; TERM to a foreign one is
   "dx" in its control FIFO, and other signals do not reach it. */
extern void proc_signal(struct service *, int which, int sig);
/* The grace time is over: freeze stops the supervise (STOP), and
   freeze_done, once it has stopped (or when GIVE_UP), KILLs what it
   started and then the supervise itself. 1 when done, 0 to look again. */
extern void freeze(struct service *, int which);
extern int freeze_done(struct service *, int which, int give_up);

#endif
