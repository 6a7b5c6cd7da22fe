/* svstat DIR...: one line per DIR saying whether its service is up, for
   how long, and how that differs from what is wanted. The line is byte for
   byte daemontools' (interface §4); -l adds tend's extension after it.
   The text itself comes from svstat_fmt.c; this file finds the facts. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <tend/control.h>
#include <tend/getopt.h>
#include <tend/msg.h>
#include <tend/safeopen.h>
#include <tend/status.h>
#include "svstat_fmt.h"

#define USAGE "svstat [ -l ] dir ..."

static char buf[4096];
static buffer out = BUFFER_INIT(&buffer_write, 1, buf, sizeof buf);

static void put(char const *s) {
  buffer_puts(&out, s);
}

/* An error line: "DIR: WHAT: REASON". */
static void put_error(char const *dir, char const *what, char const *reason) {
  put(dir);
  put(": ");
  put(what);
  put(reason);
}

static void show(char const *dir, int longform) {
  if (chdir(dir) < 0) {
    put_error(dir, "unable to chdir: ", tend_errstr(errno));
    return;
  }
  int r = tend_supervise_alive(0);
  if (r <= 0) {
    if (r == 0 && errno == ENXIO)
      put_error(dir, "supervise not running", "");
    else
      put_error(dir, "unable to open supervise/ok: ", tend_errstr(errno));
    return;
  }
  tend_status st;
  r = tend_status_read(&st, 0);
  if (r < 0) {
    put_error(dir,
              errno == ENOENT || errno == EACCES || errno == TEND_EFTYPE
                  ? "unable to open supervise/status: "
                  : "unable to read supervise/status: ",
              tend_errstr(errno));
    return;
  }
  if (!r) {
    put_error(dir, "unable to read supervise/status: bad format", "");
    return;
  }
  struct stat sb;
  int normallyup = stat("down", &sb) < 0;
  if (normallyup && errno != ENOENT) {
    put_error(dir, "unable to stat down: ", tend_errstr(errno));
    return;
  }
  tend_stamp now;
  tend_stamp_now(&now);
  size_t size = strlen(dir) + SVSTAT_FMT_MAX;
  char *line = malloc(size);
  if (!line) tend_die(111, "out of memory");
  buffer_put(&out, line,
             svstat_fmt(line, size, dir, &st, normallyup, longform, &now));
  free(line);
}

int main(int argc, char const *const *argv) {
  int longform = 0;
  tend_prog = "svstat";
  subgetopt l = SUBGETOPT_ZERO;
  for (int opt; (opt = tend_getopt(argc, argv, "l", USAGE, &l)) != -1;)
    if (opt == 'l') longform = 1;
  int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (here < 0) tend_diesys(111, "unable to open current directory");
  for (int i = l.ind; i < argc; i++) {
    show(argv[i], longform);
    put("\n");
    if (fchdir(here) < 0)
      tend_diesys(111, "unable to go back to current directory");
  }
  if (!buffer_flush(&out)) tend_diesys(111, "unable to write to stdout");
  return 0;
}
