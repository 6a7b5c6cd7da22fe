/* svlog's pieces: the script, the line path, the log directories, the
   matcher. */
#ifndef SVLOG_H
#define SVLOG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SVLOG_MATCH_MAX 1000 /* patterns and =file see this much */
#define SVLOG_E_MAX 200      /* e copies this much to stderr */
#define SVLOG_STATUS_LEN 1001
#ifndef SVLOG_OBUF
#define SVLOG_OBUF                                                             \
  196608 /* a batch of 100-byte lines and stamps: one write                    \
          */
#endif
#define SVLOG_SIZE_DEFAULT 99999
#define SVLOG_SIZE_MIN 4096
#define SVLOG_SIZE_LIMIT ((uint64_t)1 << 40)      /* 1 TB */
#define SVLOG_AGE_LIMIT ((uint64_t)36500 * 86400) /* seconds: 100 years */
#define SVLOG_KEEP_DEFAULT 10
#define SVLOG_KEEP_LIMIT 1000000
#define SVLOG_PREFIX_MAX 200 /* p: a longer prefix is refused */
#define SVLOG_OUT_BUF 65536  /* 1: copies stdout has not taken yet */

enum svlog_kind {
  ACT_SELECT,
  ACT_DESELECT,
  ACT_ERR,
  ACT_STATUS,
  ACT_DIR,
  ACT_STDOUT
};
enum svlog_stamping { STAMP_NONE, STAMP_TAI64N, STAMP_ISO };

struct svlog_action {
  enum svlog_kind kind;
  char const *arg; /* pattern, file name, directory, or 1's prefix */
  unsigned index;  /* which dir or status file; 1: its prefix's length */
  int selected;    /* 1: the line being written is copied */
};

struct svlog_dir {
  char const *path;
  int dirfd, curfd, lockfd;
  uint64_t size_max;   /* s */
  unsigned keep;       /* n: files kept, current included */
  uint64_t age_max_ns; /* a: rotate a non-empty current this old; 0: never */
  char const *processor;
  uint64_t cur_bytes; /* size of current, buffered bytes included */
  int64_t started_ns; /* monotonic time current became non-empty, or -1 */
  char *obuf;         /* bytes selected for current, not yet written */
  size_t olen, owritten;
  uint64_t unsynced_bytes; /* written since the last sync_file_range */
  int selected;            /* the line being written goes here */
  pid_t proc_pid;
  int64_t proc_retry_ns;  /* rerun a failed processor then; -1: none */
  unsigned proc_failures; /* in a row: the retry delay doubles with each */
  int trouble;            /* DIR/trouble was written and not removed */
  int stray_warned;       /* a stray @ entry was reported */
  char last_name[32];     /* the newest @ name we made, to keep names unique */
};

struct svlog_status {
  char const *path;
  int fd;
  int dirty;
  char line[SVLOG_STATUS_LEN];
};

/* The 1 action's copies on their way to standard output. */
struct svlog_out {
  int fd;          /* -1: no copies (none asked for, or stdout failed) */
  int nonblocking; /* fd is our own non-blocking description of stdout */
  char *buf;       /* whole lines of at most PIPE_BUF bytes each */
  size_t len;
  uint64_t dropped; /* copies stdout had no room for, not yet reported */
  char carry[PIPE_BUF - 1]; /* the line read so far, while it comes in pieces */
  size_t carry_len;
  int carried_out; /* a part of this line went out already */
};

/* The script and the state of the line being written. The arrays are the
   caller's, with room for one entry per argument. */
struct svlog {
  struct svlog_action *actions;
  unsigned nactions;
  struct svlog_dir *dirs;
  unsigned ndirs;
  struct svlog_status *statuses;
  unsigned nstatuses;
  enum svlog_stamping stamping;
  int need_view;  /* patterns, e or = look at the line */
  int has_stdout; /* the script has a 1 action */
  struct svlog_out out;
  int errfd;      /* where e copies lines: 2 */
  int mid_line;   /* the last piece written did not end its line */
  char stamp[40]; /* the stamp of the batch being written */
  size_t stamp_len;
  int stamp_fresh;
};

/* svlog_script.c: parses ARGC actions into SV (whose arrays have room for
   ARGC entries each). Returns 0, or what is wrong ("unknown action: ",
   "invalid size in ", ...; "" for an empty action) with *BAD the argument.
   A value above its ceiling is capped: WARN (if not null) is told so. */
extern char const *svlog_script_parse(struct svlog *sv, int argc,
                                      char const *const *argv, char const **bad,
                                      void (*warn)(char const *what,
                                                   char const *arg));

/* svlog_line.c: the complete lines of BUF are selected, stamped and
   gathered for the log directories (svlog_dir_flush writes them out);
   forced: the buffer holds no end of line and cannot grow, so the start of
   a long line goes out now; final: no more input, a partial line gets its
   newline. Returns the bytes used. */
extern size_t svlog_process(struct svlog *sv, char const *buf, size_t n,
                            int forced, int final);
extern void svlog_end_of_input(struct svlog *sv);

extern int svlog_match(char const *pattern, char const *s, size_t len);

/* svlog_out.c: the 1 action. svlog_out_open sets OUT up (once the script
   is parsed); svlog_out_piece takes a line, or a piece of one (END: the
   line ends here), for every 1 action that selected it, as whole lines of
   at most PIPE_BUF bytes with the action's prefix (a stdout that takes
   nothing for a second gets no copies until it takes them again, and that
   is said); svlog_out_flush
   writes what stdout takes now, svlog_out_drain waits up to MS for it. */
extern void svlog_out_open(struct svlog *sv);
extern void svlog_out_piece(struct svlog *sv, char const *p, size_t len,
                            int end);
extern void svlog_out_flush(struct svlog *sv);
extern void svlog_out_drain(struct svlog *sv, int ms);

/* svlog_dir.c */
extern int64_t svlog_now_ns(void); /* monotonic */
extern void svlog_stall(struct svlog_dir *, char const *what);
extern void svlog_stall_clear(void);
extern void svlog_dir_open(struct svlog_dir *);
extern void svlog_dir_flush(struct svlog_dir *);
extern void svlog_dir_rotate(struct svlog_dir *);
extern void svlog_dir_finish(struct svlog_dir *, int term);
extern int svlog_dir_reap(struct svlog_dir *, pid_t, int wstatus);
extern void svlog_dir_retry(struct svlog_dir *);
extern void svlog_dir_kill_processor(struct svlog_dir *);

/* svlog.c, for svlog_dir.c while it waits: */
/* Waits up to MS milliseconds (-1: no limit) for a signal, and acts on it
   (SIGCHLD reaps processors). Returns 1 once TERM has come. */
extern int svlog_pause(int ms);
/* TERM while a log directory holds svlog up: leaves at once (exit 111)
   when that loses nothing (the lines are still in the pipe); otherwise
   returns 1 if TERM has come. */
extern int svlog_blocked(void);

#endif
