/* Pieces shared by svstat's machine formats (svstat_json.c,
   svstat_prom.c): UTF-8 checking, numbers, times, and the facts both
   formats derive the same way from a status. */
#ifndef TEND_SVSTAT_TEXT_H
#define TEND_SVSTAT_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>
#include <tend/status.h>

/* The length (1 to 4) of the valid UTF-8 sequence at S (N bytes left,
   N > 0), or 0 if the byte at S does not start one (RFC 3629: no
   overlong form, no surrogate, nothing above U+10FFFF). */
extern size_t svstat_utf8_len(unsigned char const *s, size_t n);

/* Appends N in decimal. Returns 0 if out of memory. */
extern int svstat_put_u64(stralloc *sa, uint64_t n);
/* Whether S is a time from 1970 on, as svstat_put_unix shows it. */
extern int svstat_unix_ok(tend_stamp const *s);
/* Appends the unix time of the TAI64N stamp S, in seconds with nine
   decimals ("1700000000.250000000"). Returns -1 if S is not a time from
   1970 on (a label below 2^62 + 10 or from 2^63, or nanoseconds past
   10^9), without appending anything; 0 if out of memory; 1 on success. */
extern int svstat_put_unix(stralloc *sa, tend_stamp const *s);
/* Appends the time from FROM to TO in seconds with three decimals
   ("12.345"); "0.000" if FROM is later. Returns 0 if out of memory. */
extern int svstat_put_duration(stralloc *sa, tend_stamp const *from,
                               tend_stamp const *to);

/* The state a machine format shows: "up" (a pid, state run), "finish"
   (state finish), else "down" (doc/status.md, "How clients read it"). */
extern char const *svstat_state_name(tend_status const *st);
extern int svstat_is_up(tend_status const *st);

/* How far the extension can be believed: "ok" (version 1, passed
   tend_status_check), "none" (no extension: daemontools, runit), "unknown"
   (another version) or "bad" (failed a check). *PROBLEM is then the
   version or the field, in BUF (at least 32 bytes), else 0. */
extern char const *svstat_extension(tend_status const *st,
                                    tend_stamp const *now, char *buf,
                                    char const **problem);

#endif
