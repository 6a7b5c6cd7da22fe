/* Reading the small setting files of a service directory (doc/interface.md §1).
 */
#ifndef TEND_SERVICEDIR_H
#define TEND_SERVICEDIR_H

#include <stdint.h>

/* Every number in a setting file goes through tend_sd_scan_uint: S is
   the first line, blanks around the number allowed. Returns 1 and sets
   *value if S is a decimal number up to MAX; 2 and sets *value to MAX if
   it is a larger one (it never wraps, however many digits); 0 if S is not
   a number. A pure function: fuzz/setting.c feeds it anything. */
extern int tend_sd_scan_uint(char const *s, uint64_t max, uint64_t *value);

/* Reads the first line of FILE (relative to the current directory) with
   tend_sd_scan_uint. Returns its 1 or 2 (value set), 0 if FILE does not
   exist, -1 on error (errno; EINVAL if the content is not a number,
   TEND_EFTYPE if FILE is a symlink or not a regular file). */
extern int tend_sd_read_uint(char const *file, uint64_t max, uint64_t *value);

/* Reads FILE as a signal name (TERM, SIGTERM) or number. Returns 1 and sets
 *sig, 0 if FILE does not exist, -1 on error (EINVAL: unknown signal). */
extern int tend_sd_read_signal(char const *file, int *sig);

/* Reads the first line of FILE into buf (at most len-1 bytes, NUL ended,
   trailing whitespace removed), never through a symlink, never blocking,
   and only from a regular file. Returns 1, 0 if absent, -1 on error
   (errno; EINVAL if the first line does not fit in buf). */
extern int tend_sd_read_line(char const *file, char *buf, unsigned len);

/* Signal names as in "kill -l", without SIG (skalibs' table): 0 if
   unknown. tend_sig_number takes any case, with or without SIG, or 1-64. */
extern int tend_sig_number(char const *name);
extern char const *tend_sig_name(int sig);

#endif
