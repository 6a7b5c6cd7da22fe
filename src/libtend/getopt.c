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

int tend_getopt_flags(int argc, char const *const *argv, char const *opts,
                      char const *usage, unsigned min, unsigned *on) {
  subgetopt l = SUBGETOPT_ZERO;
  *on = 0;
  for (int opt; (opt = tend_getopt(argc, argv, opts, usage, &l)) != -1;)
    if (opt >= 'a' && opt <= 'z')
      *on |= TEND_FLAG(opt);
    else
      *on &= ~TEND_FLAG(opt - 'A' + 'a');
  if ((unsigned)(argc - l.ind) < min) tend_dieusage(usage);
  return l.ind;
}
