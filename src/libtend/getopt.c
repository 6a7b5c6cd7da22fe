/* One option parser for every program: subgetopt_r with tend's messages. */
#include <tend/getopt.h>
#include <tend/msg.h>

int tend_getopt(int argc, char const *const *argv, char const *opts,
                char const *usage, subgetopt *l) {
  int opt = subgetopt_r(argc, argv, opts, l);
  if (opt == '?') tend_usage_option(usage, opts, l->problem);
  return opt;
}

int tend_getopt_plain(int argc, char const *const *argv, char const *opts,
                      char const *usage, subgetopt *l) {
  int opt = subgetopt_r(argc, argv, opts, l);
  if (opt == '?') tend_dieusage(usage);
  return opt;
}
