/* The last step of every chain-loading program. The search for the program
   is our own rather than execvp's, for daemontools' behaviour: a file
   without "#!" that the kernel cannot run is an error ("exec format
   error"), never handed to /bin/sh; candidates we may not run are skipped
   but remembered ("access denied"); any other error but ENOENT ends the
   search; an empty PATH element is the current directory, and an unset
   PATH means /bin:/usr/bin. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tend/msg.h>
#include "chain.h"

extern char **environ;

void chain_exec_env(char **argv, char const *path, char **envp) {
  char const *file = argv[0];
  if (strchr(file, '/')) {
    execve(file, argv, envp);
    tend_diesys(111, "unable to run ", file);
  }
  if (!path) path = "/bin:/usr/bin";
  size_t filelen = strlen(file);
  int denied = 0;
  for (;;) {
    char const *end = strchr(path, ':');
    size_t dirlen = end ? (size_t)(end - path) : strlen(path);
    char candidate[dirlen + filelen + 3];
    if (dirlen) {
      memcpy(candidate, path, dirlen);
    } else {
      candidate[0] = '.';
      dirlen = 1;
    }
    candidate[dirlen] = '/';
    memcpy(candidate + dirlen + 1, file, filelen + 1);
    execve(candidate, argv, envp);
    if (errno == EACCES || errno == EPERM || errno == EISDIR)
      denied = errno;
    else if (errno != ENOENT)
      break;
    if (!end) {
      if (denied) errno = denied;
      break;
    }
    path = end + 1;
  }
  tend_diesys(111, "unable to run ", file);
}

void chain_exec(char **argv) {
  chain_exec_env(argv, getenv("PATH"), environ);
}
