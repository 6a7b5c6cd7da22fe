/* Reading the small setting files of a service directory (SPEC §1). */
#ifndef TEND_SERVICEDIR_H
#define TEND_SERVICEDIR_H

/* Reads the first line of FILE (relative to the current directory) as an
   unsigned decimal number. Returns 1 and sets *value, 0 if FILE does not
   exist, -1 on error (errno; EINVAL if the content is not a number). */
extern int tend_sd_read_uint(char const *file, unsigned long *value);

/* Reads FILE as a signal name (TERM, SIGTERM) or number. Returns 1 and sets
 *sig, 0 if FILE does not exist, -1 on error (EINVAL: unknown signal). */
extern int tend_sd_read_signal(char const *file, int *sig);

/* Reads the first line of FILE into buf (at most len-1 bytes, NUL ended,
   trailing whitespace removed). Returns 1, 0 if absent, -1 on error. */
extern int tend_sd_read_line(char const *file, char *buf, unsigned len);

/* Signal names as in "kill -l", without SIG: 0 if unknown. */
extern int tend_sig_number(char const *name);
extern char const *tend_sig_name(int sig);

#endif
