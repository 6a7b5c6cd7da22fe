/* The text of svstat's line: daemontools' line byte for byte (interface
   §4), then with -l tend's extension, shown only if it passed the checks
   of doc/status.md. Depends on nothing but its arguments. */
#include <string.h>
#include <sys/wait.h>
#include <skalibs/types.h>
#include <tend/servicedir.h>
#include <tend/status.h>
#include "svstat_fmt.h"

typedef struct line {
  char *s;
  size_t len, size;
} line;

static void put(line *l, char const *s) {
  size_t n = strlen(s);
  if (n > l->size - l->len) n = l->size - l->len;
  memcpy(l->s + l->len, s, n);
  l->len += n;
}

static void put_u64(line *l, uint64_t n) {
  char fmt[UINT64_FMT + 1];
  fmt[uint64_fmt(fmt, n)] = 0;
  put(l, fmt);
}

/* Whole seconds from THEN to NOW; 0 if THEN is later (as daemontools). */
static uint64_t seconds_since(tend_stamp const *then, tend_stamp const *now) {
  return then->sec < now->sec ? now->sec - then->sec : 0;
}

/* "; ready 3 seconds; starts 4; last exit 0" and so on. */
static void put_extension(line *l, tend_status const *st,
                          tend_stamp const *now) {
  if (!st->version_read) {
    put(l, "; no extended status");
    return;
  }
  if (st->version != TEND_STATUS_VERSION) {
    put(l, "; unknown extended status version ");
    put_u64(l, st->version_read);
    return;
  }
  char const *bad = tend_status_check(st, now);
  if (bad) {
    put(l, "; bad extended status: ");
    put(l, bad);
    return;
  }
  if (st->pid && st->state == TEND_STATE_RUN) {
    if (st->flags & TEND_FLAG_READY) {
      put(l, "; ready ");
      put_u64(l, seconds_since(&st->ready, now));
      put(l, " seconds");
    } else
      put(l, "; not ready");
  }
  if (st->state == TEND_STATE_FINISH) put(l, "; finishing");
  put(l, "; starts ");
  put_u64(l, st->starts);
  if (st->lastwait != TEND_WSTATUS_NONE) {
    int ws = (int)st->lastwait;
    if (WIFSIGNALED(ws)) {
      char const *name = tend_sig_name(WTERMSIG(ws));
      put(l, "; last exit signal ");
      if (name)
        put(l, name);
      else
        put_u64(l, (uint64_t)WTERMSIG(ws));
    } else {
      put(l, "; last exit ");
      put_u64(l, (uint64_t)WEXITSTATUS(ws));
    }
  }
  if (st->restart.sec) {
    put(l, "; restart in ");
    put_u64(l, st->restart.sec > now->sec ? st->restart.sec - now->sec : 0);
    put(l, " seconds");
  }
  if (st->flags & TEND_FLAG_NOSTART) put(l, "; finish asked not to restart");
}

size_t svstat_fmt(char *out, size_t size, char const *name,
                  tend_status const *st, int normallyup, int longform,
                  tend_stamp const *now) {
  line l = {out, 0, size};
  put(&l, name);
  put(&l, ": ");
  if (st->pid) {
    put(&l, "up (pid ");
    put_u64(&l, st->pid);
    put(&l, ") ");
  } else
    put(&l, "down ");
  uint64_t age = seconds_since(&st->when, now);
  /* daemontools' svstat turns the age into a double: beyond 2^53 seconds
     (a corrupt label) its digits are those of the nearest double */
  if (age < 1ULL << 63) age = (uint64_t)(double)age;
  put_u64(&l, age);
  put(&l, " seconds");
  if (st->pid && !normallyup) put(&l, ", normally down");
  if (!st->pid && normallyup) put(&l, ", normally up");
  if (st->pid && st->paused) put(&l, ", paused");
  if (!st->pid && st->want == 'u') put(&l, ", want up");
  if (st->pid && st->want == 'd') put(&l, ", want down");
  if (longform) put_extension(&l, st, now);
  return l.len;
}
