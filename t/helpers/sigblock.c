/* sigblock PROG...: runs PROG with every signal blocked and HUP, INT,
   QUIT, TERM, USR1 and PIPE ignored, as a careless parent would. Tests
   use it to check that supervise gives its services a clean slate. */
#include <signal.h>
#include <unistd.h>

int main(int argc, char **argv) {
  sigset_t all;
  int const ignored[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGPIPE};
  if (argc < 2) return 100;
  for (unsigned i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
    signal(ignored[i], SIG_IGN);
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, 0);
  execvp(argv[1], argv + 1);
  return 111;
}
