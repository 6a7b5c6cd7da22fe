/* setuidgid [-g] [-e] account child...: runs child with the uid and primary
   gid of account (daemontools-compatible); -g also gives it the account's
   supplementary groups, -e sets HOME, USER and LOGNAME from the account. */
#define _GNU_SOURCE
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tend/msg.h>
#include "chain.h"

#define USAGE "setuidgid [-g] [-e] account child"

int main(int argc, char **argv) {
  unsigned on;
  tend_prog = "setuidgid";
  argv = chain_options(argc, argv, "ge", USAGE, &on);
  char const *account = argv[0];
  struct passwd *pw = chain_account(account);
  uid_t uid = pw->pw_uid;
  gid_t gid = pw->pw_gid;

  if (on & CHAIN_FLAG('e')) {
    if (setenv("HOME", pw->pw_dir, 1) == -1 ||
        setenv("USER", pw->pw_name, 1) == -1 ||
        setenv("LOGNAME", pw->pw_name, 1) == -1)
      tend_die(111, "out of memory");
  }
  if (on & CHAIN_FLAG('g')) {
    if (initgroups(account, gid) == -1)
      tend_diesys(111, "unable to set the supplementary groups of ", account);
  } else if (setgroups(1, &gid) == -1) {
    tend_diesys(111, "unable to setgid");
  }
  if (setgid(gid) == -1) tend_diesys(111, "unable to setgid");
  if (setuid(uid) == -1) tend_diesys(111, "unable to setuid");
  chain_exec(argv + 1);
}
