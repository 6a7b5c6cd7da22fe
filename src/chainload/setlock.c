/* setlock [-nNxX] file child...: runs child holding an exclusive flock() on
   file, created if need be (daemontools-compatible). The lock lives on an
   open descriptor that child inherits, so it lasts until child and every
   process sharing that descriptor are gone. -n: fail at once if the lock
   is held (-N, the default, waits); -x: exit 0 quietly when the file cannot
   be opened or locked (-X, the default, says why and exits 111). */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <tend/msg.h>
#include "chain.h"

#define USAGE "setlock [ -nNxX ] file program [ arg ... ]"

int main(int argc, char **argv) {
  unsigned on;
  tend_prog = "setlock";
  argv = chain_options(argc, argv, "nNxX", USAGE, &on);
  int nodelay = !!(on & CHAIN_FLAG('n')), quiet = !!(on & CHAIN_FLAG('x'));
  char const *file = argv[0];

  /* not close-on-exec: the lock must outlive us in child */
  int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK, 0600);
  if (fd == -1) {
    if (quiet) _exit(0);
    tend_diesys(111, "unable to open ", file);
  }
  int r;
  /* flock(), as daemontools' setlock takes it: a lock of another kind
     (fcntl, skalibs' fd_lock) would not exclude theirs */
  do
    r = flock(fd, LOCK_EX | (nodelay ? LOCK_NB : 0));
  while (r == -1 && errno == EINTR);
  if (r == -1) {
    if (quiet) _exit(0);
    tend_diesys(111, "unable to lock ", file);
  }
  chain_exec(argv + 1);
}
