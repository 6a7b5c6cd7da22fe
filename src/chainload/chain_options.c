/* The options of setlock and setuidgid: letters alone, then a file or an
   account, then the child. */
#include <tend/getopt.h>
#include <tend/msg.h>
#include "chain.h"

char **chain_options(int argc, char **argv, char const *opts, char const *usage,
                     unsigned *on) {
  subgetopt l = SUBGETOPT_ZERO;
  int opt;
  *on = 0;
  while ((opt = tend_getopt(argc, (char const *const *)argv, opts, usage,
                            &l)) != -1)
    if (opt >= 'a' && opt <= 'z')
      *on |= CHAIN_FLAG(opt);
    else
      *on &= ~CHAIN_FLAG(opt - 'A' + 'a');
  if (argc - l.ind < 2) tend_dieusage(usage);
  return argv + l.ind;
}
