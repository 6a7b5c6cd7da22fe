/* svlog's pieces: the script, the log directories, the matcher. */
#ifndef SVLOG_H
#define SVLOG_H

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

enum svlog_kind { ACT_SELECT, ACT_DESELECT, ACT_ERR, ACT_STATUS, ACT_DIR };

struct svlog_action {
  enum svlog_kind kind;
  char const *arg; /* pattern, file name or directory */
  unsigned index;  /* which dir or status file */
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
  int64_t proc_retry_ns; /* rerun a failed processor then; -1: none */
  char last_name[32];    /* the newest @ name we made, to keep names unique */
};

struct svlog_status {
  char const *path;
  int fd;
  int dirty;
  char line[SVLOG_STATUS_LEN];
};

extern int svlog_match(char const *pattern, char const *s, size_t len);

/* svlog_dir.c */
extern int64_t svlog_now_ns(void); /* monotonic */
extern void svlog_stall(struct svlog_dir *, char const *what);
extern void svlog_stall_clear(void);
extern void svlog_dir_open(struct svlog_dir *);
extern void svlog_dir_flush(struct svlog_dir *);
extern void svlog_dir_rotate(struct svlog_dir *);
extern void svlog_dir_finish(struct svlog_dir *);
extern int svlog_dir_reap(struct svlog_dir *, pid_t, int wstatus);
extern void svlog_dir_retry(struct svlog_dir *);

/* set by svlog.c: svlog_stall calls it to look at signals while waiting */
extern void (*svlog_stall_hook)(void);

#endif
