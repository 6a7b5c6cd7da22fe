/* Waiting for services to reach a state (svc -w..., svwait): the goals as
   doc/status.md defines them, and a wait over inotify (a 50 ms poll where
   inotify is missing) that notices a supervise dying. */
#ifndef TEND_STATUSWAIT_H
#define TEND_STATUSWAIT_H

#include <stddef.h>
#include <stdint.h>
#include <tend/loop.h> /* tend_clock_ms, the clock of DEADLINE */
#include <tend/status.h>

enum tend_goal {
  TEND_GOAL_UP,             /* u: pid and state run */
  TEND_GOAL_READY,          /* U: up and flag ready */
  TEND_GOAL_DOWN,           /* d: state not run */
  TEND_GOAL_FINISHED,       /* D: state down, no pid, no stop in progress */
  TEND_GOAL_RESTARTED,      /* r: started again since the first look */
  TEND_GOAL_RESTARTED_READY /* R: restarted, up and ready */
};

/* The goal for a letter of "uUdDrR", or -1. */
extern int tend_goal_parse(char letter);
/* "up", "up and ready", ... for messages. */
extern char const *tend_goal_name(int goal);
/* Whether NOW shows GOAL; BEFORE is the status read before the command
   (for the restart goals). */
extern int tend_goal_reached(int goal, tend_status const *now,
                             tend_status const *before);

/* One directory being waited for. */
typedef struct tend_waitdir {
  char const *dir;
  tend_status before; /* first look: the restart goals count from it */
  int wd;             /* inotify watch, -1 none */
  int watching;       /* what wd watches: 3 DIR/supervise, 2 DIR, 1 parent */
  int okfd;           /* write end of supervise/ok while supervise runs */
  int reached;        /* seen in the goal (sticky) */
  int lost;           /* strict mode: supervise is gone, goal not reached */
  int64_t starting_since; /* a live supervise has not opened ok yet, or -1 */
} tend_waitdir;

typedef struct tend_waitset {
  tend_waitdir *dirs;
  size_t n;
  int goal;
  int strict;    /* 1: a supervise not running is an error (svc); 0: wait on */
  int ifd;       /* inotify, or -1: poll every 50 ms */
  int unwatched; /* no watches set up yet: the first look comes first */
  /* after -2: what could not be done ("open", "read") to which file */
  char const *erraction, *errdir, *errfile;
} tend_waitset;

/* Takes the first look at every directory (the restart goals count from
   it). Call it before sending a command, so no change can be missed.
   DIRS must hold N entries whose dir field is set. */
extern void tend_waitset_init(tend_waitset *, tend_waitdir *dirs, size_t n,
                              int goal, int strict);

/* Waits until all (any = 0) or one (any = 1) of the directories reached the
   goal, or until DEADLINE (CLOCK_MONOTONIC ms, -1 none). Returns 1 reached,
   0 timed out, -1 strict mode and a supervise is gone (its lost is set),
   -2 system error (errno set). */
extern int tend_waitset_wait(tend_waitset *, int any, int64_t deadline);

/* Closes what the wait opened. Call it before exiting or exec'ing: the
   cost of closing inotify (milliseconds) is left to a short-lived
   grandchild, which exits when this process exits or execs. */
extern void tend_waitset_free(tend_waitset *);

/* The argument of -T: milliseconds, decimal digits only, at most
   TEND_MS_MAX. Returns 1 and sets *ms, or 0 if S is not such a number. */
#define TEND_MS_MAX 100000000000LL /* about three years */
#define TEND_MS_MAX_TEXT "100000000000"
extern int tend_scan_ms(char const *s, int64_t *ms);

#endif
