/* pgrphack child...: runs child in a new session and process group of its
   own (daemontools-compatible), so that a signal sent to the supervisor's
   process group does not reach it. Already leading a group, it runs child
   unchanged, as daemontools' does. */
#include <unistd.h>
#include <tend/msg.h>
#include "chain.h"

int main(int argc, char **argv) {
  tend_prog = "pgrphack";
  if (argc < 2) tend_dieusage("pgrphack child");
  /* fails only for a process group leader: nothing to fix then */
  (void)setsid();
  chain_exec(argv + 1);
}
