/* Reading one service's facts, with the words of daemontools' svstat for
   each way it can fail (interface §4). No output here: the plain line, -j
   and -P each write what they need.
   The files are opened by their path from the current directory
   ("DIR/supervise/status"), not by entering DIR and coming back: two
   system calls fewer a service, which is a tenth of svstat -j's time over
   10 000 services. A chdir runs only when an open fails, to tell "unable
   to chdir" (what daemontools' svstat, which enters DIR, says) from a
   missing supervise/ok. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tend/msg.h>
#include <tend/safeopen.h>
#include <tend/status.h>
#include "svstat_read.h"

static char const unentered[] = "unable to chdir: ";

static void fail(svstat_record *r, char const *what, int e) {
  r->what = what;
  r->reason = e ? tend_errstr(e) : "";
}

void svstat_read_unentered(svstat_record *r, int e) {
  memset(r, 0, sizeof *r);
  fail(r, unentered, e);
}

/* Whether the directory of PATH (PREFIXLEN bytes) can be entered. */
static int enter_fails(char *path, size_t prefixlen, int here, int *e) {
  if (!prefixlen) return 0;
  path[prefixlen] = 0;
  if (chdir(path) < 0) {
    *e = errno;
    return 1;
  }
  return fchdir(here) < 0 ? -1 : 0;
}

/* supervise/status into R->st: 1, 0 for a bad format, -1 with errno. */
static int read_status(svstat_record *r, char const *path) {
  return tend_status_read_fd(
      &r->st, tend_open_typed(AT_FDCWD, path, O_RDONLY, S_IFREG));
}

static int read_service(svstat_record *r, char *path, size_t prefixlen,
                        int here) {
  char *name = path + prefixlen;
  strcpy(name, "supervise/ok");
  /* O_NONBLOCK: ENXIO when no supervise holds the read end */
  int fd = tend_open_typed(AT_FDCWD, path, O_WRONLY, S_IFIFO);
  if (fd < 0) {
    int e = errno, ce;
    int bad = e == ENXIO ? 0 : enter_fails(path, prefixlen, here, &ce);
    if (bad < 0) return -1;
    if (bad)
      fail(r, unentered, ce);
    else if (e == ENXIO)
      fail(r, "supervise not running", 0);
    else
      fail(r, "unable to open supervise/ok: ", e);
    return 0;
  }
  close(fd);
  strcpy(name, "supervise/status");
  int got = read_status(r, path);
  if (got < 0) {
    int e = errno;
    fail(r,
         e == ENOENT || e == EACCES || e == TEND_EFTYPE
             ? "unable to open supervise/status: "
             : "unable to read supervise/status: ",
         e);
    return 0;
  }
  if (!got) {
    fail(r, "unable to read supervise/status: bad format", 0);
    return 0;
  }
  struct stat sb;
  strcpy(name, "down");
  r->normallyup = stat(path, &sb) < 0;
  if (r->normallyup && errno != ENOENT) fail(r, "unable to stat down: ", errno);
  return 0;
}

int svstat_read(svstat_record *r, char *path, size_t prefixlen, int log,
                int here) {
  memset(r, 0, sizeof *r);
  if (read_service(r, path, prefixlen, here) < 0) return -1;
  /* a logger is worth a look whatever its service's status says */
  if (log && r->what != unentered) {
    struct stat sb;
    strcpy(path + prefixlen, "log");
    r->haslog = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
  }
  return 0;
}
