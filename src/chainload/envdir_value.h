/* Reading one file of an envdir (envdir_value.c; fuzz/envdir_value.c). */
#ifndef TEND_ENVDIR_VALUE_H
#define TEND_ENVDIR_VALUE_H

#include <stddef.h>
#include <sys/types.h>

/* The longest first line read: Linux's limit for one string of the
   environment (MAX_ARG_STRLEN), so no value that could reach the program
   is refused, and no file costs more memory than this. */
#define ENVDIR_LINE_MAX 131072

#define ENVDIR_EMPTY (-2)    /* the file is empty: the variable is removed */
#define ENVDIR_TOO_LONG (-3) /* no newline in the first ENVDIR_LINE_MAX */

/* Opens NAME (in the current directory) for reading if it is a regular
   file or a symlink to one; anything else is refused before it is opened
   (a FIFO could block, a device never end). Returns the fd, or -1 with
   errno set: EISDIR for a directory, TEND_EFTYPE for another type. */
extern int envdir_open(char const *name);

/* Reads FD up to its first newline into BUF, which holds ENVDIR_LINE_MAX
   + 1 bytes, and no further. Returns the length of the line (without the
   newline), ENVDIR_EMPTY, ENVDIR_TOO_LONG, or -1 with errno set. */
extern ssize_t envdir_read_line(int fd, char *buf);

/* Turns a first line into the value, in place: trailing spaces and tabs
   removed, NULs turned into newlines. Returns the value's length. */
extern size_t envdir_value(char *line, size_t len);

#endif
