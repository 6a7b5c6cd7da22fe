/* svstat -j: one JSON object per service (svstat.8, "JSON OUTPUT"), as
   pure functions (fuzz/svstat_json.c). */
#ifndef TEND_SVSTAT_JSON_H
#define TEND_SVSTAT_JSON_H

#include <stddef.h>
#include <skalibs/stralloc.h>
#include <tend/status.h>
#include "svstat_read.h"

/* Appends one line: the object for the service NAME (the argument as
   given), whose absolute path is PATH (0 if unknown); R holds its facts
   and LOG those of NAME/log, or is 0 if it has no log directory. Returns 0
   if out of memory. */
extern int svstat_json(stralloc *sa, char const *name, char const *path,
                       svstat_record const *r, svstat_record const *log,
                       tend_stamp const *now);

/* Appends the N bytes at S as a JSON string, quotes included: control
   characters, quote and backslash escaped, valid UTF-8 as it is, each byte
   that is not part of valid UTF-8 as \u00XX (the character of the same
   number). Returns 0 if out of memory. */
extern int svstat_json_string(stralloc *sa, char const *s, size_t n);

/* Appends the absolute path of ARG seen from CWD, and a NUL: ARG itself
   if it starts with /, else CWD, /, ARG; without empty and "."
   components or a trailing /. ".." and symlinks are kept as they are.
   Returns 0 if out of memory. */
extern int svstat_path(stralloc *sa, char const *cwd, char const *arg);

#endif
