/* Whether the extension of a status file can be shown as fact: each check
   is a property of every status tend's supervise writes (doc/status.md,
   "Reading an extension"), so a file failing one is corrupt or forged. */
#include <stdint.h>
#include <tend/status.h>

/* The highest signal number there is (Linux: SIGRTMAX). */
#define HIGHEST_SIGNAL 64
/* How far ahead a restart can be due: a 32-bit delay in milliseconds is at
   most 49.7 days, and supervise adds up to an eighth of jitter. */
#define RESTART_HORIZON (56 * 86400ULL)
#define TAI64_1970 (1ULL << 62)
#define TAI64_END (1ULL << 63) /* labels from here on are reserved */

/* A TAI64N stamp that is either "none" (all zero) or a time after 1970. */
static int stamp_ok(tend_stamp const *s) {
  if (!s->sec && !s->nsec) return 1;
  return s->sec >= TAI64_1970 && s->sec < TAI64_END && s->nsec < 1000000000;
}

/* A status waitpid() can give for a process that ended: an exit code, or
   a signal (with or without the core dump bit). */
static int wait_status_ok(uint32_t w) {
  if (w == TEND_WSTATUS_NONE) return 1;
  if (!(w & 0x7f)) return !(w & 0xffff00ffU);
  return !(w & 0xffffff00U) && (w & 0x7f) <= HIGHEST_SIGNAL;
}

char const *tend_status_check(tend_status const *st, tend_stamp const *now) {
  if (st->version != TEND_STATUS_VERSION) return 0;
  if (st->state > TEND_STATE_FINISH) return "state";
  if (!wait_status_ok(st->lastwait)) return "last exit";
  if (!stamp_ok(&st->started)) return "start time";
  if (!stamp_ok(&st->ready) ||
      ((st->flags & TEND_FLAG_READY) && !st->ready.sec))
    return "ready time";
  if (!stamp_ok(&st->restart) || (st->restart.sec > now->sec &&
                                  st->restart.sec - now->sec > RESTART_HORIZON))
    return "restart time";
  if (st->svpid > INT32_MAX) return "supervise pid";
  return 0;
}
