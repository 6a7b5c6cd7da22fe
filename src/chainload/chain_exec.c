/* The last step of every chain-loading program. */
#include <unistd.h>
#include <tend/msg.h>
#include "chain.h"

void chain_exec(char **argv) {
  execvp(argv[0], argv);
  tend_diesys(111, "unable to run ", argv[0]);
}
