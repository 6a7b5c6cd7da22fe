/* tai64nlocal's conversion, apart from its main so that a fuzzer can drive
   it: lines go in in pieces of any size, and come out through put with
   the TAI64N stamp that starts a line turned into local time. */
#ifndef TAI64NLOCAL_H
#define TAI64NLOCAL_H

#include <stddef.h>
#include <tend/tai64n.h>

#define TAI64NLOCAL_LABEL_LEN (1 + TEND_TAI64N_HEXLEN)

struct tai64nlocal {
  void (*put)(char const *s, size_t n);
  char label[TAI64NLOCAL_LABEL_LEN];
  size_t labellen;
  int in_label; /* still reading the first bytes of a line */
};

extern void tai64nlocal_start(struct tai64nlocal *,
                              void (*put)(char const *, size_t));
extern void tai64nlocal_feed(struct tai64nlocal *, char const *in, size_t n);
extern void tai64nlocal_end(struct tai64nlocal *);

#endif
