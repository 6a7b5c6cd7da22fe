/* One option parser for every program: subgetopt_r with tend's messages.
   The option lines are worded as daemontools' getopt words them ("svc:
   illegal option -- Z"). */
#include <string.h>
#include <tend/getopt.h>
#include <tend/msg.h>

static void usage_option(char const *usage, char const *opts, int letter) {
  char text[2] = {(char)letter, 0};
  if (letter != ':' && strchr(opts, letter))
    tend_usage_error(usage, "option requires an argument -- ", text);
  tend_usage_error(usage, "illegal option -- ", text);
}

int tend_getopt(int argc, char const *const *argv, char const *opts,
                char const *usage, subgetopt *l) {
  int opt = subgetopt_r(argc, argv, opts, l);
  if (opt == '?') usage_option(usage, opts, l->problem);
  return opt;
}

int tend_getopt_plain(int argc, char const *const *argv, char const *opts,
                      char const *usage, subgetopt *l) {
  int opt = subgetopt_r(argc, argv, opts, l);
  if (opt == '?') tend_dieusage(usage);
  return opt;
}
