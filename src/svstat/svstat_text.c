/* What svstat's JSON and Prometheus writers share: see svstat_text.h.
   Pure functions of their arguments (fuzz/svstat_json.c). */
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <tend/status.h>
#include "svstat_text.h"

#define TAI64_END (1ULL << 63)
#define BILLION 1000000000U

size_t svstat_utf8_len(unsigned char const *s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xbf; /* the range of the second byte */
  if (c >= 0xc2 && c <= 0xdf)
    len = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c == 0xe0) lo = 0xa0; /* else overlong */
    if (c == 0xed) hi = 0x9f; /* else a surrogate */
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c == 0xf0) lo = 0x90; /* else overlong */
    if (c == 0xf4) hi = 0x8f; /* else above U+10FFFF */
  } else
    return 0;
  if (n < len || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xbf) return 0;
  return len;
}

int svstat_put_u64(stralloc *sa, uint64_t n) {
  char fmt[UINT64_FMT];
  return stralloc_catb(sa, fmt, uint64_fmt(fmt, n));
}

/* "." and DIGITS decimals of FRACTION, itself a count of 10^-DIGITS. */
static int put_fraction(stralloc *sa, uint32_t fraction, unsigned digits) {
  char fmt[16];
  fmt[0] = '.';
  for (unsigned i = digits; i; i--) {
    fmt[i] = (char)('0' + fraction % 10);
    fraction /= 10;
  }
  return stralloc_catb(sa, fmt, digits + 1);
}

int svstat_unix_ok(tend_stamp const *s) {
  return s->sec >= TEND_TAI64_UNIX && s->sec < TAI64_END && s->nsec < BILLION;
}

int svstat_put_unix(stralloc *sa, tend_stamp const *s) {
  if (!svstat_unix_ok(s)) return -1;
  return svstat_put_u64(sa, s->sec - TEND_TAI64_UNIX) &&
         put_fraction(sa, s->nsec, 9);
}

int svstat_put_duration(stralloc *sa, tend_stamp const *from,
                        tend_stamp const *to) {
  /* the daemontools part of a status is never checked: nanoseconds past
     10^9 are taken as the last nanosecond of the second */
  uint32_t fromns = from->nsec < BILLION ? from->nsec : BILLION - 1;
  uint32_t tons = to->nsec < BILLION ? to->nsec : BILLION - 1;
  uint64_t sec = 0;
  uint32_t ns = 0;
  if (from->sec < to->sec || (from->sec == to->sec && fromns < tons)) {
    sec = to->sec - from->sec;
    if (tons >= fromns)
      ns = tons - fromns;
    else {
      sec--;
      ns = BILLION - fromns + tons;
    }
  }
  return svstat_put_u64(sa, sec) && put_fraction(sa, ns / 1000000, 3);
}

int svstat_is_up(tend_status const *st) {
  return st->pid && st->state == TEND_STATE_RUN;
}

char const *svstat_state_name(tend_status const *st) {
  if (svstat_is_up(st)) return "up";
  return st->state == TEND_STATE_FINISH ? "finish" : "down";
}

char const *svstat_extension(tend_status const *st, tend_stamp const *now,
                             char *buf, char const **problem) {
  *problem = 0;
  if (!st->version_read) return "none";
  if (st->version != TEND_STATUS_VERSION) {
    memcpy(buf, "version ", 8);
    buf[8 + uint64_fmt(buf + 8, st->version_read)] = 0;
    *problem = buf;
    return "unknown";
  }
  char const *bad = tend_status_check(st, now);
  if (!bad) return "ok";
  *problem = bad;
  return "bad";
}
