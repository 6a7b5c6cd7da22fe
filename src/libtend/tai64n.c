/* TAI64N labels in daemontools' convention (unix + 10, no leap table). */
#include <time.h>
#include <skalibs/uint32.h>
#include <skalibs/uint64.h>
#include <tend/tai64n.h>

void tend_stamp_from_timespec(tend_stamp *s, struct timespec const *ts) {
  s->sec = TEND_TAI64_UNIX + (uint64_t)ts->tv_sec;
  s->nsec = (uint32_t)ts->tv_nsec;
}

void tend_stamp_now(tend_stamp *s) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  tend_stamp_from_timespec(s, &ts);
}

void tend_tai64n_pack(char *out, tend_stamp const *s) {
  uint64_pack_big(out, s->sec);
  uint32_pack_big(out + 8, s->nsec);
}

void tend_tai64n_unpack(char const *in, tend_stamp *s) {
  uint64_unpack_big(in, &s->sec);
  uint32_unpack_big(in + 8, &s->nsec);
}
