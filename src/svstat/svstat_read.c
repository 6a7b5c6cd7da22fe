/* Reading one service's facts from the current directory, with the words
   of daemontools' svstat for each way it can fail (interface §4). No
   output here: the plain line, -j and -P each write what they need. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <tend/control.h>
#include <tend/msg.h>
#include <tend/safeopen.h>
#include <tend/status.h>
#include "svstat_read.h"

static void fail(svstat_record *r, char const *what, char const *reason) {
  r->what = what;
  r->reason = reason;
}

void svstat_read_chdir_failed(svstat_record *r) {
  memset(r, 0, sizeof *r);
  fail(r, "unable to chdir: ", tend_errstr(errno));
}

void svstat_read(svstat_record *r) {
  memset(r, 0, sizeof *r);
  int alive = tend_supervise_alive(0);
  if (alive <= 0) {
    if (alive == 0 && errno == ENXIO)
      fail(r, "supervise not running", "");
    else
      fail(r, "unable to open supervise/ok: ", tend_errstr(errno));
    return;
  }
  int got = tend_status_read(&r->st, 0);
  if (got < 0) {
    fail(r,
         errno == ENOENT || errno == EACCES || errno == TEND_EFTYPE
             ? "unable to open supervise/status: "
             : "unable to read supervise/status: ",
         tend_errstr(errno));
    return;
  }
  if (!got) {
    fail(r, "unable to read supervise/status: bad format", "");
    return;
  }
  struct stat sb;
  r->normallyup = stat("down", &sb) < 0;
  if (r->normallyup && errno != ENOENT)
    fail(r, "unable to stat down: ", tend_errstr(errno));
}
