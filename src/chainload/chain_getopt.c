/* Option letters that stop at the first operand, so that the options of the
   program run afterwards are never taken for ours (glibc's getopt would
   permute them). */
#include <string.h>
#include <tend/msg.h>
#include "chain.h"

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
  if (!spec) tend_usage_error(usage, "illegal option -- ", (char[]){letter, 0});
  if (spec[1] == ':') {
    if (word[*pos]) {
      *arg = word + *pos;
    } else if (*ind + 1 < argc) {
      *arg = argv[++*ind];
    } else {
      tend_usage_error(usage, "option requires an argument -- ",
                       (char[]){letter, 0});
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
