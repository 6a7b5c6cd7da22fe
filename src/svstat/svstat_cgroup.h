/* The cgroup of a service (supervise(8), CGROUPS), for svstat -l. */
#ifndef TEND_SVSTAT_CGROUP_H
#define TEND_SVSTAT_CGROUP_H

#include <stddef.h>

/* Reads DIR/supervise/cgroup into PATH (LEN bytes) and counts the
   processes in that cgroup's cgroup.procs into *PROCS. Returns 1, or 2 if
   they cannot be counted; 0 if DIR has no cgroup (no file, or one that is
   not a single absolute path and a newline, as supervise writes it). */
extern int svstat_cgroup(char const *dir, char *path, size_t len,
                         unsigned long *procs);

#endif
