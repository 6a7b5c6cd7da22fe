/* fghack child...: keeps a program that puts itself in the background
   under supervision (daemontools-compatible). child gets many copies of the
   writing end of a pipe; fghack waits until every process holding one has
   closed it (the daemonized grandchild usually never does on purpose), then
   exits with child's exit code. */
#include <sys/wait.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <tend/msg.h>
#include "chain.h"

/* A daemon that closes some descriptors rarely closes them all. */
#define COPIES 30

int main(int argc, char **argv) {
  int pipefd[2], wstat;
  char byte;
  tend_prog = "fghack";
  if (argc < 2) tend_dieusage("fghack child");
  if (pipe(pipefd) == -1) tend_diesys(111, "unable to create pipe");
  pid_t pid = fork();
  if (pid == -1) tend_diesys(111, "unable to fork");
  if (pid == 0) {
    close(pipefd[0]);
    for (int i = 0; i < COPIES; i++)
      if (dup(pipefd[1]) == -1) break;
    chain_exec(argv + 1);
  }
  close(pipefd[1]);
  while (fd_read(pipefd[0], &byte, 1) > 0)
    ;
  if (waitpid_nointr(pid, &wstat, 0) == -1) tend_diesys(111, "wait failed");
  if (!WIFEXITED(wstat)) tend_die(111, "child crashed");
  _exit(WEXITSTATUS(wstat));
}
