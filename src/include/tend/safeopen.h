/* Opening a file in a directory that someone else may be able to write:
   never through a symlink, never blocking on a FIFO, and only if the file
   is of the type the caller expects. */
#ifndef TEND_SAFEOPEN_H
#define TEND_SAFEOPEN_H

#include <errno.h>
#include <sys/types.h>

/* errno for "a symlink, or not the type of file expected": tend_errstr
   says "file of the wrong type". Linux's EMEDIUMTYPE is otherwise only
   returned for removable media, never by the calls tend makes. */
#define TEND_EFTYPE EMEDIUMTYPE

/* openat(DFD, NAME, FLAGS | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), then a
   check that the file is of TYPE (S_IFREG, S_IFIFO or S_IFDIR). Returns
   the fd, or -1 with errno set (TEND_EFTYPE: a symlink or another type).
   O_NONBLOCK stays set on the fd: clear it with tend_fd_block if needed. */
extern int tend_open_typed(int dfd, char const *name, int flags, mode_t type);

/* The same, but a symlink is followed (its target's type is checked):
   for files in a directory only its owner can write, where a symlink is
   the owner's choice (the setting files of a service directory). */
extern int tend_open_typed_follow(int dfd, char const *name, int flags,
                                  mode_t type);

/* The same for a regular file that may not exist yet: openat(DFD, NAME,
   FLAGS | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, PERM), then a
   check that it is a regular file (a FIFO or a device is refused after the
   open, which O_NONBLOCK keeps from blocking). With O_EXCL in FLAGS, an
   existing entry of any kind is refused (EEXIST). */
extern int tend_open_create(int dfd, char const *name, int flags, mode_t perm);

/* Clears O_NONBLOCK. Returns 0, or -1 with errno set. */
extern int tend_fd_block(int fd);

#endif
