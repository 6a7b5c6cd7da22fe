/* envuidgid account child...: runs child with $UID and $GID set to the uid
   and primary gid of account (daemontools-compatible), for a later
   setuidgid-like step or a program that drops privileges itself. */
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <tend/msg.h>
#include "chain.h"

#define USAGE "envuidgid account child"

int main(int argc, char **argv) {
  char uid_text[UINT64_FMT], gid_text[UINT64_FMT];
  tend_prog = "envuidgid";
  if (argc < 3) tend_dieusage(USAGE);

  struct passwd *pw = chain_account(argv[1]);
  uid_text[uint64_fmt(uid_text, pw->pw_uid)] = 0;
  gid_text[uint64_fmt(gid_text, pw->pw_gid)] = 0;
  if (setenv("GID", gid_text, 1) == -1 || setenv("UID", uid_text, 1) == -1)
    tend_die(111, "out of memory");
  chain_exec(argv + 2);
}
