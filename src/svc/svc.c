/* svc -udopchaitkxq12 DIR...: sends command bytes to the supervise of each
   DIR. Trouble with one DIR is a warning; the others still get the
   command. With -w, svc then waits until every DIR reached a state; it
   takes its first look before sending, so no change is missed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tend/control.h>
#include <tend/getopt.h>
#include <tend/msg.h>
#include <tend/statuswait.h>

#define USAGE "svc [ -udopchaitkxq12 ] [ -w uUdDrR ] [ -T ms ] dir ..."
#define COMMANDS "udopchaitkxq12"

int main(int argc, char const *const *argv) {
  char cmd[sizeof COMMANDS];
  size_t len = 0;
  int goal = -1;
  int64_t timeout = -1;
  tend_prog = "svc";
  subgetopt l = SUBGETOPT_ZERO;
  for (int opt;
       (opt = tend_getopt(argc, argv, COMMANDS "w:T:", USAGE, &l)) != -1;) {
    if (opt == 'w') {
      if (strlen(l.arg) != 1 || (goal = tend_goal_parse(l.arg[0])) < 0)
        tend_usage_error(USAGE, "-w: not a state (one of uUdDrR): ", l.arg);
    } else if (opt == 'T') {
      if (!tend_scan_ms(l.arg, &timeout))
        tend_usage_error(USAGE, "-T: not a number of milliseconds (0 to ",
                         TEND_MS_MAX_TEXT, "): ", l.arg);
    } else if (!memchr(cmd, opt, len))
      cmd[len++] = (char)opt;
  }
  if (timeout >= 0 && goal < 0) tend_usage_error(USAGE, "-T needs -w");

  size_t ndirs = (size_t)(argc - l.ind);
  tend_waitset ws;
  tend_waitdir *dirs = 0;
  if (goal >= 0 && ndirs) {
    dirs = calloc(ndirs, sizeof *dirs);
    if (!dirs) tend_diesys(111, "unable to allocate");
    for (size_t i = 0; i < ndirs; i++)
      dirs[i].dir = argv[l.ind + i];
    /* the deadline counts from here, before the command goes out */
    if (timeout >= 0) timeout += tend_clock_ms();
    tend_waitset_init(&ws, dirs, ndirs, goal, 1);
  }

  int failed = 0;
  int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (here < 0) tend_diesys(111, "unable to open current directory");
  for (int i = l.ind; i < argc; i++) {
    char const *dir = argv[i];
    if (chdir(dir) < 0) {
      tend_warnsys("unable to chdir to ", dir);
      failed = 1;
      continue;
    }
    if (tend_control_send(0, cmd, len) < 0) {
      if (errno == ENXIO)
        tend_warn("unable to control ", dir, ": supervise not running");
      else
        tend_warnsys("unable to control ", dir);
      failed = 1;
    }
    if (fchdir(here) < 0)
      tend_diesys(111, "unable to go back to current directory");
  }
  if (!dirs) return 0;
  if (failed) return 111; /* a DIR that got no command: waiting is moot */

  int r = tend_waitset_wait(&ws, 0, timeout);
  int e = errno; /* for the message, past the cleanup */
  tend_waitset_free(&ws);
  errno = e;
  if (r == -2) {
    if (ws.errdir)
      tend_diesys(111, "unable to ", ws.erraction, " ", ws.errdir, "/",
                  ws.errfile);
    tend_diesys(111, "unable to wait");
  }
  for (size_t i = 0; i < ndirs; i++) {
    if (dirs[i].lost)
      tend_warn("unable to wait for ", dirs[i].dir, " to be ",
                tend_goal_name(goal), ": supervise not running");
    else if (r == 0 && !dirs[i].reached)
      tend_warn("timed out waiting for ", dirs[i].dir, " to be ",
                tend_goal_name(goal));
  }
  return r == 1 ? 0 : r == 0 ? 1 : 111;
}
