/* svwait [-u|-U|-d|-D] [-T ms] [-a|-o] DIR... [-- PROG...]: waits until all
   (or any) of the services reached a state, then runs PROG in its place.
   This is how a run script waits for what it depends on. A directory that
   does not exist yet, or whose supervise is not running, is waited for. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tend/getopt.h>
#include <tend/msg.h>
#include <tend/statuswait.h>

#define USAGE                                                                  \
  "svwait [ -u | -U | -d | -D ] [ -T ms ] [ -a | -o ] dir ... [ -- prog ... ]"
#define OPTIONS "uUdDT:ao"

int main(int argc, char const *const *argv) {
  int goal = TEND_GOAL_UP, any = 0;
  int64_t timeout = -1;
  tend_prog = "svwait";
  subgetopt l = SUBGETOPT_ZERO;
  for (int opt; (opt = tend_getopt(argc, argv, OPTIONS, USAGE, &l)) != -1;) {
    switch (opt) {
    case 'u':
    case 'U':
    case 'd':
    case 'D': goal = tend_goal_parse((char)opt); break;
    case 'T':
      if (!tend_scan_ms(l.arg, &timeout))
        tend_usage_error(USAGE, "-T: not a number of milliseconds (0 to ",
                         TEND_MS_MAX_TEXT, "): ", l.arg);
      break;
    case 'a': any = 0; break;
    case 'o': any = 1; break;
    }
  }
  int first = l.ind, end = first;
  while (end < argc && strcmp(argv[end], "--"))
    end++;
  size_t ndirs = (size_t)(end - first);
  if (!ndirs) tend_usage_error(USAGE, "no dir given");
  char const *const *prog = end < argc ? argv + end + 1 : 0;
  if (prog && !*prog) tend_usage_error(USAGE, "no prog after --");

  tend_waitdir *dirs = calloc(ndirs, sizeof *dirs);
  if (!dirs) tend_diesys(111, "unable to allocate");
  for (size_t i = 0; i < ndirs; i++)
    dirs[i].dir = argv[first + i];
  if (timeout >= 0) timeout += tend_clock_ms();
  tend_waitset ws;
  tend_waitset_init(&ws, dirs, ndirs, goal, 0);
  int r = tend_waitset_wait(&ws, any, timeout);
  int e = errno; /* for the message, past the cleanup */
  tend_waitset_free(&ws);
  errno = e;
  if (r < 0) {
    if (ws.errdir)
      tend_diesys(111, "unable to ", ws.erraction, " ", ws.errdir, "/",
                  ws.errfile);
    tend_diesys(111, "unable to wait");
  }
  if (!r) {
    for (size_t i = 0; i < ndirs; i++)
      if (!dirs[i].reached)
        tend_warn("timed out waiting for ", dirs[i].dir, " to be ",
                  tend_goal_name(goal));
    return 1;
  }
  if (!prog) return 0;
  execvp(prog[0], (char *const *)prog);
  tend_diesys(111, "unable to run ", prog[0]);
}
