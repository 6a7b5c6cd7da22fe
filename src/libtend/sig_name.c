/* Signal names and numbers, for down-signal and for messages: skalibs'
   table, which knows Linux's extra names (PWR, IO, STKFLT ...) and, as s6
   does, takes a name in any case, with or without SIG. */
#include <string.h>
#include <skalibs/sig.h>
#include <tend/servicedir.h>

int tend_sig_number(char const *name) {
  int sig;
  size_t n = sig0_scan(name, &sig);
  return n && !name[n] && sig >= 1 && sig <= 64 ? sig : 0;
}

char const *tend_sig_name(int sig) {
  char const *name = sig_name(sig);
  return strcmp(name, "???") ? name : 0;
}
