/* softlimit [-H] [-a n] [-c n] ... child...: runs child with resource limits
   lowered or raised (daemontools-compatible). A number above the hard limit
   is cut down to it; "=" means as high as the hard limit allows. -H [tend]
   sets the hard limits to the same numbers too (raising needs root). */
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <skalibs/types.h>
#include <tend/getopt.h>
#include <tend/msg.h>
#include "chain.h"

#define USAGE                                                                  \
  "softlimit [-H] [-a allbytes] [-c corebytes] [-d databytes] "                \
  "[-f filebytes] [-l lockbytes] [-m membytes] [-o openfiles] [-p processes] " \
  "[-r residentbytes] [-s stackbytes] [-t cpusecs] child"

struct limit {
  char letter;
  int resource;
  char const *name;
};

/* -m stands for the four memory limits, in daemontools' order. */
static struct limit const limits[] = {
    {'a', RLIMIT_AS, "RLIMIT_AS"},
    {'c', RLIMIT_CORE, "RLIMIT_CORE"},
    {'d', RLIMIT_DATA, "RLIMIT_DATA"},
    {'f', RLIMIT_FSIZE, "RLIMIT_FSIZE"},
    {'l', RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK"},
    {'m', RLIMIT_DATA, "RLIMIT_DATA"},
    {'m', RLIMIT_STACK, "RLIMIT_STACK"},
    {'m', RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK"},
    {'m', RLIMIT_AS, "RLIMIT_AS"},
    {'o', RLIMIT_NOFILE, "RLIMIT_NOFILE"},
    {'p', RLIMIT_NPROC, "RLIMIT_NPROC"},
    {'r', RLIMIT_RSS, "RLIMIT_RSS"},
    {'s', RLIMIT_STACK, "RLIMIT_STACK"},
    {'t', RLIMIT_CPU, "RLIMIT_CPU"},
};

/* Digits only; like daemontools, an empty number is 0. A number too big
   for rlim_t saturates (it is cut to the hard limit anyway). */
static int parse(char const *s, rlim_t *value) {
  rlim_t v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
    unsigned d = *s - '0';
    if (v > (RLIM_INFINITY - d) / 10)
      v = RLIM_INFINITY;
    else
      v = v * 10 + d;
  }
  *value = v;
  return 1;
}

static void apply(struct limit const *l, char const *arg, int hard) {
  struct rlimit r;
  rlim_t value;
  char text[UINT64_FMT];
  if (getrlimit(l->resource, &r) == -1)
    tend_diesys(111, "unable to read ", l->name);
  if (arg[0] == '=' && arg[1] == 0) {
    r.rlim_cur = r.rlim_max;
  } else {
    if (!parse(arg, &value)) {
      char const option[] = {'-', l->letter, 0};
      tend_usage_error(USAGE, option, ": not a number or =: ", arg);
    }
    r.rlim_cur = value;
    if (hard)
      r.rlim_max = value;
    else if (r.rlim_cur > r.rlim_max)
      r.rlim_cur = r.rlim_max;
  }
  if (setrlimit(l->resource, &r) == -1) {
    text[uint64_fmt(text, r.rlim_cur)] = 0;
    tend_diesys(111, "unable to set ", l->name, hard ? " (soft and hard)" : "",
                " to ", r.rlim_cur == RLIM_INFINITY ? "unlimited" : text);
  }
}

int main(int argc, char **argv) {
  int opt, hard = 0, n = 0;
  subgetopt l = SUBGETOPT_ZERO;
  char letters[argc];
  char const *args[argc];
  tend_prog = "softlimit";
  while ((opt = tend_getopt(argc, (char const *const *)argv,
                            "Ha:c:d:f:l:m:o:p:r:s:t:", USAGE, &l)) != -1) {
    if (opt == 'H') {
      hard = 1;
      continue;
    }
    letters[n] = opt;
    args[n++] = l.arg;
  }
  if (l.ind >= argc) tend_dieusage(USAGE);
  /* -H applies wherever it stands, so the limits are set after parsing */
  for (int i = 0; i < n; i++)
    for (unsigned j = 0; j < sizeof limits / sizeof limits[0]; j++)
      if (limits[j].letter == letters[i]) apply(&limits[j], args[i], hard);
  chain_exec(argv + l.ind);
}
