/* svc -udopchaitkx DIR...: sends command bytes to the supervise of each
   DIR. Trouble with one DIR is a warning; the others still get the
   command. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/sgetopt.h>
#include <tend/control.h>
#include <tend/msg.h>

#define USAGE "svc [ -udopchaitkxq12 ] dir ..."
#define COMMANDS "udopchaitkxq12"

int main(int argc, char const *const *argv) {
  char cmd[sizeof COMMANDS];
  size_t len = 0;
  tend_prog = "svc";
  subgetopt l = SUBGETOPT_ZERO;
  for (int opt; (opt = subgetopt_r(argc, argv, COMMANDS, &l)) != -1;) {
    if (opt == '?') tend_dieusage(USAGE);
    if (!memchr(cmd, opt, len)) cmd[len++] = (char)opt;
  }
  int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (here < 0) tend_diesys(111, "unable to open current directory");
  for (int i = l.ind; i < argc; i++) {
    char const *dir = argv[i];
    if (chdir(dir) < 0) {
      tend_warnsys("unable to chdir to ", dir);
      continue;
    }
    if (tend_control_send(0, cmd, len) < 0) {
      if (errno == ENXIO)
        tend_warn("unable to control ", dir, ": supervise not running");
      else
        tend_warnsys("unable to control ", dir);
    }
    if (fchdir(here) < 0) tend_diesys(111, "unable to go back to current directory");
  }
  return 0;
}
