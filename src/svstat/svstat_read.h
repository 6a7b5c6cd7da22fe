/* What svstat learns about one service directory: its status, or the
   reason it has none. Shared by the plain line, -j and -P. */
#ifndef TEND_SVSTAT_READ_H
#define TEND_SVSTAT_READ_H

#include <tend/status.h>

typedef struct svstat_record {
  /* 0 if the status was read; else the error as the plain line words it:
     WHAT ("unable to open supervise/ok: ") then REASON ("access denied",
     or "" when WHAT says it all: "supervise not running") */
  char const *what;
  char const *reason;
  int normallyup; /* DIR/down does not exist */
  tend_status st;
} svstat_record;

/* Reads the service in the current directory into R: supervise/ok (a
   supervise must hold it), supervise/status, and down. */
extern void svstat_read(svstat_record *r);

/* R as a failure to enter the directory, errno saying why. */
extern void svstat_read_chdir_failed(svstat_record *r);

#endif
