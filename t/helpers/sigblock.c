/* sigblock PROG...: runs PROG with every signal blocked and HUP, INT,
   QUIT, TERM, USR1, PIPE, 32 and 33 ignored, as a careless parent would. Tests
   use it to check that supervise gives its services a clean slate. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  sigset_t all;
  int const ignored[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGPIPE};
  if (argc < 2) return 100;
  for (unsigned i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
    signal(ignored[i], SIG_IGN);
#ifdef SYS_rt_sigaction
  /* also the two signals glibc hides (32, 33), as perl or make may do */
  struct {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
  } raw = {SIG_IGN, 0, 0, 0};
  syscall(SYS_rt_sigaction, 32, &raw, 0, sizeof raw.mask);
  syscall(SYS_rt_sigaction, 33, &raw, 0, sizeof raw.mask);
#endif
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, 0);
  execvp(argv[1], argv + 1);
  return 111;
}
