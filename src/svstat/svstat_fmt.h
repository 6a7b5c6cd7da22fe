/* svstat's line for one status, as a pure function (fuzz/svstat_fmt.c). */
#ifndef TEND_SVSTAT_FMT_H
#define TEND_SVSTAT_FMT_H

#include <stddef.h>
#include <tend/status.h>

/* Bytes a line takes besides the name, at most. */
#define SVSTAT_FMT_MAX 512

/* Writes "NAME: up (pid P) N seconds..." (no newline) for ST as seen at
   NOW into OUT, whose size is SIZE (enough: strlen(NAME) +
   SVSTAT_FMT_MAX); a longer line is cut. NORMALLYUP: DIR/down does not
   exist. LONGFORM: -l, the extension's fields after the line. Returns the
   length written. */
extern size_t svstat_fmt(char *out, size_t size, char const *name,
                         tend_status const *st, int normallyup, int longform,
                         tend_stamp const *now);

#endif
