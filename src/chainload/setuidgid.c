/* setuidgid [-g] [-e] account child...: runs child with the uid and primary
   gid of account (daemontools-compatible); -g also gives it the account's
   supplementary groups, -e sets HOME, USER and LOGNAME from the account. */
#define _GNU_SOURCE
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tend/getopt.h>
#include <tend/msg.h>
#include "chain.h"

#define USAGE "setuidgid [-g] [-e] account child"

int main(int argc, char **argv) {
  int opt, want_groups = 0, want_env = 0;
  subgetopt l = SUBGETOPT_ZERO;
  tend_prog = "setuidgid";
  while ((opt = tend_getopt(argc, (char const *const *)argv, "ge", USAGE,
                            &l)) != -1)
    switch (opt) {
    case 'g': want_groups = 1; break;
    case 'e': want_env = 1; break;
    }
  if (argc - l.ind < 2) tend_dieusage(USAGE);
  char const *account = argv[l.ind];

  struct passwd *pw = chain_account(account);
  uid_t uid = pw->pw_uid;
  gid_t gid = pw->pw_gid;

  if (want_env) {
    if (setenv("HOME", pw->pw_dir, 1) == -1 ||
        setenv("USER", pw->pw_name, 1) == -1 ||
        setenv("LOGNAME", pw->pw_name, 1) == -1)
      tend_die(111, "out of memory");
  }
  if (want_groups) {
    if (initgroups(account, gid) == -1)
      tend_diesys(111, "unable to set the supplementary groups of ", account);
  } else if (setgroups(1, &gid) == -1) {
    tend_diesys(111, "unable to setgid");
  }
  if (setgid(gid) == -1) tend_diesys(111, "unable to setgid");
  if (setuid(uid) == -1) tend_diesys(111, "unable to setuid");
  chain_exec(argv + l.ind + 1);
}
