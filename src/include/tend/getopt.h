/* Options in the classic getopt style, for every program: skalibs'
   subgetopt_r (stops at the first operand, so the options of a program
   run afterwards are never taken for ours; "--" ends the options) with
   daemontools' messages. */
#ifndef TEND_GETOPT_H
#define TEND_GETOPT_H

#include <skalibs/sgetopt.h>

/* Returns the next option letter, or -1 at the first operand (or after
   "--"); l->ind then indexes it. A letter followed by ':' in opts takes an
   argument, left in l->arg. An unknown option or a missing argument prints
   "prog: illegal option -- Z" or "prog: option requires an argument --
   T", then the usage, and exits 100. Start with l = SUBGETOPT_ZERO. */
extern int tend_getopt(int argc, char const *const *argv, char const *opts,
                       char const *usage, subgetopt *l);
/* The same, but an unknown option or a missing argument prints only the
   usage line (svimport, svinstance and svprobe have always said no more),
   exit 100. */
extern int tend_getopt_plain(int argc, char const *const *argv,
                             char const *opts, char const *usage, subgetopt *l);

#endif
