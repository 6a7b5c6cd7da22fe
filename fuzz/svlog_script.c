/* svlog's script parser: any arguments (the input cut at NUL bytes). The
   parser must say what is wrong or leave values inside their ceilings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../src/logger/svlog.h"

#define ARGS_MAX 64

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size) {
  static char buf[4097];
  static struct svlog_action actions[ARGS_MAX];
  static struct svlog_dir dirs[ARGS_MAX];
  static struct svlog_status statuses[ARGS_MAX];
  char const *argv[ARGS_MAX];
  int argc = 0;
  if (size >= sizeof buf) return 0;
  memcpy(buf, data, size);
  buf[size] = 0;
  for (size_t i = 0, start = 0; i <= size && argc < ARGS_MAX; i++)
    if (!buf[i]) {
      argv[argc++] = buf + start;
      start = i + 1;
    }
  struct svlog sv = {.actions = actions, .dirs = dirs, .statuses = statuses};
  memset(actions, 0, sizeof actions);
  memset(dirs, 0, sizeof dirs);
  char const *bad;
  char const *err = svlog_script_parse(&sv, argc, argv, &bad, 0);
  if (err) {
    int found = 0;
    for (int i = 0; i < argc; i++)
      if (argv[i] == bad) found = 1;
    if (!found) abort();
    return 0;
  }
  if (sv.nactions > (unsigned)argc || sv.ndirs > sv.nactions ||
      sv.nstatuses > sv.nactions)
    abort();
  for (unsigned i = 0; i < sv.ndirs; i++) {
    struct svlog_dir *d = &dirs[i];
    if (d->size_max < SVLOG_SIZE_MIN || d->size_max > SVLOG_SIZE_LIMIT ||
        d->keep < 2 || d->keep > SVLOG_KEEP_LIMIT ||
        d->age_max_ns > SVLOG_AGE_LIMIT * 1000000000 ||
        (d->path[0] != '.' && d->path[0] != '/'))
      abort();
  }
  for (unsigned i = 0; i < sv.nactions; i++)
    if ((actions[i].kind == ACT_DIR && actions[i].index >= sv.ndirs) ||
        (actions[i].kind == ACT_STDOUT &&
         (actions[i].index > SVLOG_PREFIX_MAX ||
          strlen(actions[i].arg) != actions[i].index)))
      abort();
  return 0;
}
