/* session_chain DIR N [ignore]: a chain of N processes, each in a session
   of its own and the parent of the next, as daemons that double-fork one
   from another. Link K writes its pid to DIR/link.K once it is set up, so
   it reaches a subreaper only when link K-1 is gone, after any signal
   that was sent before. On TERM a link writes "TERM" to DIR/term.K and
   exits; with "ignore", every link ignores TERM (KILL alone stops it). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char term_path[4096];

static void on_term(int sig) {
  int fd = open(term_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0 && write(fd, "TERM\n", 5) == 5) close(fd);
  _exit(0);
}

int main(int argc, char **argv) {
  if (argc < 3) return 100;
  char const *dir = argv[1];
  int n = atoi(argv[2]);
  int ignore = argc > 3 && !strcmp(argv[3], "ignore");
  for (int k = 1;; k++) {
    setsid();
    snprintf(term_path, sizeof term_path, "%s/term.%d", dir, k);
    if (ignore)
      signal(SIGTERM, SIG_IGN);
    else
      signal(SIGTERM, on_term);
    char tmp[4096], path[4096];
    snprintf(tmp, sizeof tmp, "%s/link.%d.new", dir, k);
    snprintf(path, sizeof path, "%s/link.%d", dir, k);
    FILE *f = fopen(tmp, "w");
    if (!f) return 111;
    fprintf(f, "%ld\n", (long)getpid());
    if (fclose(f) != 0 || rename(tmp, path) < 0) return 111;
    if (k == n) break;
    pid_t child = fork();
    if (child < 0) return 111;
    if (child > 0) break;
  }
  for (;;)
    pause();
}
