/* What svstat learns about one service directory: its status, or the
   reason it has none. Shared by the plain line, -j and -P. */
#ifndef TEND_SVSTAT_READ_H
#define TEND_SVSTAT_READ_H

#include <stddef.h>
#include <tend/status.h>

typedef struct svstat_record {
  /* 0 if the status was read; else the error as the plain line words it:
     WHAT ("unable to open supervise/ok: ") then REASON ("access denied",
     or "" when WHAT says it all: "supervise not running") */
  char const *what;
  char const *reason;
  int normallyup; /* DIR/down does not exist */
  int haslog;     /* DIR/log is a directory (if asked) */
  tend_status st;
} svstat_record;

/* Room svstat_read needs in PATH after the prefix. */
#define SVSTAT_READ_TAIL 32

/* Reads the service whose directory is PATH's first PREFIXLEN bytes (its
   name and a slash, or nothing for the current directory) into R:
   supervise/ok (a supervise must hold it), supervise/status, down, and
   whether log is a directory if LOG. PATH has room for SVSTAT_READ_TAIL
   more bytes; the names are written there. HERE is the current directory:
   a directory that cannot be entered is found by a chdir and a fchdir(HERE)
   back, only when an open fails. Returns 0, or -1 if svstat cannot go back
   to HERE (errno set). */
extern int svstat_read(svstat_record *r, char *path, size_t prefixlen, int log,
                       int here);

/* R as a directory that cannot be entered, E saying why. */
extern void svstat_read_unentered(svstat_record *r, int e);

#endif
