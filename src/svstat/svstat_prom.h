/* svstat -P: the Prometheus text exposition format (svstat.8,
   "PROMETHEUS OUTPUT"), as pure functions. */
#ifndef TEND_SVSTAT_PROM_H
#define TEND_SVSTAT_PROM_H

#include <stddef.h>
#include <skalibs/stralloc.h>
#include <tend/status.h>
#include "svstat_read.h"

typedef struct svstat_entry {
  char const *label; /* the value of the service label */
  int skip;          /* an earlier entry has the same label */
  svstat_record r;
} svstat_entry;

#define SVSTAT_PROM_FAMILIES 13

/* Appends the samples of metric family F (0 to SVSTAT_PROM_FAMILIES - 1)
   for the N entries at E, those that have one, the family's # HELP and
   # TYPE lines before the first unless *HEADED; sets *HEADED once they are
   written. A family is written by calls over consecutive slices of the
   entries, *HEADED 0 before the first. Returns 0 if out of memory. */
extern int svstat_prom_family(stralloc *sa, unsigned f, svstat_entry const *e,
                              size_t n, tend_stamp const *now, int *headed);

/* Sets skip on each entry whose label, as written, an earlier one has (a
   series must be unique). Returns 0 if out of memory. */
extern int svstat_prom_dedupe(svstat_entry *e, size_t n);

/* Appends the N bytes at S as a label value, without quotes: backslash,
   double quote and newline escaped, valid UTF-8 as it is, and each byte
   that is not part of valid UTF-8 as the UTF-8 of the character of the
   same number (U+0080 to U+00FF), as svstat -j does. Returns 0 if out of
   memory. */
extern int svstat_prom_label(stralloc *sa, char const *s, size_t n);

#endif
