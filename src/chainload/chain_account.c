/* Looking up the account named on the command line, for setuidgid and
   envuidgid (both link glibc dynamically so that NSS modules work). */
#include <errno.h>
#include <pwd.h>
#include <tend/msg.h>
#include "chain.h"

struct passwd *chain_account(char const *account) {
  errno = 0;
  struct passwd *pw = getpwnam(account);
  if (pw) return pw;
  /* glibc reports "no such entry" as 0, ENOENT, ESRCH, EBADF or EPERM
     depending on the NSS module; anything else is a failed lookup. */
  if (errno && errno != ENOENT && errno != ESRCH && errno != EBADF &&
      errno != EPERM)
    tend_diesys(111, "unable to look up account ", account);
  tend_die(111, "unknown account ", account);
}
