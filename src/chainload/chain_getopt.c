/* Option letters that stop at the first operand, so that the options of the
   program run afterwards are never taken for ours (glibc's getopt would
   permute them). */
#include <string.h>
#include <unistd.h>
#include <tend/msg.h>
#include "chain.h"

static void complain(char const *what, char letter, char const *usage) {
  char line[256];
  size_t len = strlen(tend_prog);
  if (len > sizeof line - 64) len = sizeof line - 64;
  memcpy(line, tend_prog, len);
  memcpy(line + len, what, strlen(what));
  len += strlen(what);
  line[len++] = letter;
  line[len++] = '\n';
  if (write(2, line, len) < 0) {
    /* nothing better to do: the usage line follows anyway */
  }
  tend_dieusage(usage);
}

int chain_getopt(int argc, char **argv, char const *opts, char const *usage,
                 int *ind, int *pos, char **arg) {
  if (*pos == 0) {
    if (*ind >= argc) return -1;
    char const *word = argv[*ind];
    if (word[0] != '-' || word[1] == 0) return -1;
    if (word[1] == '-' && word[2] == 0) {
      ++*ind;
      return -1;
    }
    *pos = 1;
  }
  char *word = argv[*ind];
  char letter = word[(*pos)++];
  char const *spec = letter == ':' ? 0 : strchr(opts, letter);
  if (!spec) complain(": illegal option -- ", letter, usage);
  if (spec[1] == ':') {
    if (word[*pos]) {
      *arg = word + *pos;
    } else if (*ind + 1 < argc) {
      *arg = argv[++*ind];
    } else {
      complain(": option requires an argument -- ", letter, usage);
    }
    ++*ind;
    *pos = 0;
    return letter;
  }
  if (!word[*pos]) {
    ++*ind;
    *pos = 0;
  }
  return letter;
}
