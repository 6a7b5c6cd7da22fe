/* svlog's line path: a script, then input cut into reads of a fuzzed size
   through a buffer of a fuzzed size, as svlog reads a file. The log
   directories are stand-ins here: no file may outgrow its size, and a
   directory that sees every line unstamped gets the input exactly (with
   a newline added at the end if it had none).
   Input: a byte N (arguments, N % 8), N NUL-ended arguments, a byte for
   the buffer size, a byte for the read size, then the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../src/logger/svlog.h"

#define ARGS_MAX 8
#define IN_MAX 8192

static struct svlog_action actions[ARGS_MAX];
static struct svlog_dir dirs[ARGS_MAX];
static struct svlog_status statuses[ARGS_MAX];
static char *obufs[ARGS_MAX];
static uint64_t file_bytes[ARGS_MAX]; /* in the file being written */
static char out0[IN_MAX + 2];         /* what the first directory got */
static size_t out0_len;
static int whole; /* it sees every line unstamped: out0 is the input */

int64_t svlog_now_ns(void) {
  return 0;
}

void svlog_dir_flush(struct svlog_dir *d) {
  unsigned i = (unsigned)(d - dirs);
  if (i == 0 && whole) {
    if (out0_len + d->olen > sizeof out0) abort();
    memcpy(out0 + out0_len, d->obuf, d->olen);
    out0_len += d->olen;
  }
  file_bytes[i] += d->olen;
  if (file_bytes[i] > d->size_max) abort();
  d->olen = d->owritten = 0;
}

void svlog_dir_rotate(struct svlog_dir *d) {
  svlog_dir_flush(d);
  file_bytes[d - dirs] = 0;
  d->cur_bytes = 0;
  d->started_ns = -1;
}

/* The 1 action's stand-in: the scripts's prefixes are within bounds. */
void svlog_out_piece(struct svlog *sv, char const *p, size_t len, int end) {
  (void)p;
  (void)len;
  (void)end;
  for (unsigned i = 0; i < sv->nactions; i++)
    if (sv->actions[i].kind == ACT_STDOUT &&
        (sv->actions[i].index > SVLOG_PREFIX_MAX ||
         strlen(sv->actions[i].arg) != sv->actions[i].index))
      abort();
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size) {
  static char args[IN_MAX + 1], inbuf[IN_MAX];
  char const *argv[ARGS_MAX];
  size_t pos = 0;
  if (!size || size > IN_MAX) return 0;
  int argc = data[pos++] % ARGS_MAX;
  memcpy(args, data, size);
  args[size] = 0;
  for (int i = 0; i < argc; i++) {
    argv[i] = args + pos;
    while (pos < size && data[pos])
      pos++;
    if (pos >= size) return 0;
    pos++;
  }
  if (size - pos < 2) return 0;
  size_t cap = 1 + data[pos++] * 16, chunk = 1 + data[pos++] * 4;
  char const *in = (char const *)data + pos;
  size_t n = size - pos;

  struct svlog sv = {
      .actions = actions, .dirs = dirs, .statuses = statuses, .errfd = -1};
  memset(actions, 0, sizeof actions);
  memset(dirs, 0, sizeof dirs);
  char const *bad;
  if (svlog_script_parse(&sv, argc, argv, &bad, 0)) return 0;
  for (unsigned i = 0; i < sv.ndirs; i++) {
    if (!obufs[i] && !(obufs[i] = malloc(SVLOG_OBUF))) abort();
    dirs[i].obuf = obufs[i];
    dirs[i].started_ns = -1;
    file_bytes[i] = 0;
  }
  out0_len = 0;
  /* the first directory sees every line unstamped: it must get them all */
  whole = sv.ndirs && sv.stamping == STAMP_NONE;
  for (unsigned i = 0; i < sv.nactions && actions[i].kind != ACT_DIR; i++)
    if (actions[i].kind == ACT_SELECT || actions[i].kind == ACT_DESELECT)
      whole = 0;

  size_t have = 0, fed = 0;
  while (fed < n) {
    size_t k = chunk;
    if (k > cap - have) k = cap - have;
    if (k > n - fed) k = n - fed;
    memcpy(inbuf + have, in + fed, k);
    have += k;
    fed += k;
    size_t done = svlog_process(&sv, inbuf, have, have == cap, fed == n);
    if (done > have) abort();
    for (unsigned i = 0; i < sv.ndirs; i++)
      svlog_dir_flush(&dirs[i]);
    memmove(inbuf, inbuf + done, have - done);
    have -= done;
  }
  svlog_process(&sv, inbuf, have, 0, 1);
  svlog_end_of_input(&sv);
  for (unsigned i = 0; i < sv.ndirs; i++)
    svlog_dir_flush(&dirs[i]);
  if (whole) {
    size_t want = n + (n && in[n - 1] != '\n');
    if (out0_len != want || memcmp(out0, in, n) ||
        (want > n && out0[n] != '\n'))
      abort();
  }
  return 0;
}
