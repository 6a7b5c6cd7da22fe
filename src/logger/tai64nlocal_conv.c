/* The start of each line, up to a whole TAI64N label ("@" + 24 hex
   digits), is held back until it is known to be a label or not: a label
   is put out as local time, YYYY-MM-DD HH:MM:SS.NNNNNNNNN; anything else
   passes unchanged. */
#include <limits.h>
#include <string.h>
#include <time.h>
#include <skalibs/djbtime.h>
#include "tai64nlocal.h"

/* The start of a line, up to TAI64NLOCAL_LABEL_LEN bytes: a stamp or not. */
static void put_label(struct tai64nlocal *t, char const *label, size_t n) {
  tend_stamp s;
  if (n == TAI64NLOCAL_LABEL_LEN && label[0] == '@' &&
      tend_tai64n_scanhex(label + 1, &s) && s.sec >= TEND_TAI64_UNIX &&
      s.nsec < 1000000000) {
    time_t tt = (time_t)(s.sec - TEND_TAI64_UNIX);
    localtmn l = {.nano = s.nsec};
    /* up to a 10-digit year: 35 bytes, more than LOCALTMN_FMT */
    char text[48];
    /* a label too far from 1970 for time_t, or for a year in an int,
       passes unchanged */
    if ((uint64_t)tt == s.sec - TEND_TAI64_UNIX && localtime_r(&tt, &l.tm) &&
        l.tm.tm_year <= INT_MAX - 1900) {
      t->put(text, localtmn_fmt(text, &l));
      return;
    }
  }
  t->put(label, n);
}

void tai64nlocal_start(struct tai64nlocal *t,
                       void (*put)(char const *, size_t)) {
  t->put = put;
  t->labellen = 0;
  t->in_label = 1;
}

void tai64nlocal_feed(struct tai64nlocal *t, char const *in, size_t n) {
  size_t pos = 0;
  while (pos < n) {
    if (t->in_label) {
      char c = in[pos];
      if (c == '\n' || (t->labellen == 0 && c != '@')) {
        put_label(t, t->label, t->labellen);
        t->labellen = 0;
        t->in_label = 0;
        continue; /* the byte is handled as line text below */
      }
      t->label[t->labellen++] = c;
      pos++;
      if (t->labellen == TAI64NLOCAL_LABEL_LEN) {
        put_label(t, t->label, t->labellen);
        t->labellen = 0;
        t->in_label = 0;
      }
      continue;
    }
    char const *nl = memchr(in + pos, '\n', n - pos);
    size_t end = nl ? (size_t)(nl - in) + 1 : n;
    t->put(in + pos, end - pos);
    pos = end;
    if (nl) t->in_label = 1;
  }
}

void tai64nlocal_end(struct tai64nlocal *t) {
  if (t->in_label && t->labellen) put_label(t, t->label, t->labellen);
  t->labellen = 0;
}
