/* TAI64N labels as daemontools writes them: 2^62 + 10 + unix seconds. */
#ifndef TEND_TAI64N_H
#define TEND_TAI64N_H

#include <stdint.h>
#include <time.h>

#define TEND_TAI64_UNIX 4611686018427387914ULL /* 2^62 + 10 */
#define TEND_TAI64N_LEN 12
#define TEND_TAI64N_HEXLEN 24

/* Ours, not skalibs' tain: tain counts leap seconds (TAI proper), and
   daemontools' labels, which ours must match, do not. */
typedef struct tend_stamp {
  uint64_t sec; /* TAI64 label; 0 means "never" */
  uint32_t nsec;
} tend_stamp;

extern void tend_stamp_now(tend_stamp *);
extern void tend_stamp_from_timespec(tend_stamp *, struct timespec const *);
extern void tend_tai64n_pack(char *out, tend_stamp const *);
extern void tend_tai64n_unpack(char const *in, tend_stamp *);
extern void tend_tai64n_hex(char *out, char const *in); /* 24 hex digits */
extern int tend_tai64n_scanhex(char const *in, tend_stamp *); /* 1 if valid */

#endif
