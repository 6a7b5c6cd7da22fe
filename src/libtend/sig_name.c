/* Signal names and numbers, for down-signal and for messages. */
#include <signal.h>
#include <string.h>
#include <tend/servicedir.h>

static struct {
  int sig;
  char const *name;
} const table[] = {
    {SIGHUP, "HUP"},       {SIGINT, "INT"},   {SIGQUIT, "QUIT"},
    {SIGILL, "ILL"},       {SIGTRAP, "TRAP"}, {SIGABRT, "ABRT"},
    {SIGBUS, "BUS"},       {SIGFPE, "FPE"},   {SIGKILL, "KILL"},
    {SIGUSR1, "USR1"},     {SIGSEGV, "SEGV"}, {SIGUSR2, "USR2"},
    {SIGPIPE, "PIPE"},     {SIGALRM, "ALRM"}, {SIGTERM, "TERM"},
    {SIGCHLD, "CHLD"},     {SIGCONT, "CONT"}, {SIGSTOP, "STOP"},
    {SIGTSTP, "TSTP"},     {SIGTTIN, "TTIN"}, {SIGTTOU, "TTOU"},
    {SIGURG, "URG"},       {SIGXCPU, "XCPU"}, {SIGXFSZ, "XFSZ"},
    {SIGVTALRM, "VTALRM"}, {SIGPROF, "PROF"}, {SIGWINCH, "WINCH"},
    {SIGSYS, "SYS"},
};

int tend_sig_number(char const *name) {
  if (!strncmp(name, "SIG", 3)) name += 3;
  if (*name >= '0' && *name <= '9') {
    int n = 0;
    for (; *name >= '0' && *name <= '9'; name++) {
      n = n * 10 + (*name - '0');
      if (n >= 65) return 0;
    }
    return *name ? 0 : n;
  }
  for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++)
    if (!strcmp(table[i].name, name)) return table[i].sig;
  return 0;
}

char const *tend_sig_name(int sig) {
  for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++)
    if (table[i].sig == sig) return table[i].name;
  return 0;
}
