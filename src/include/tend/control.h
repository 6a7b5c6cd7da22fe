/* Talking to a running supervise through its FIFOs. */
#ifndef TEND_CONTROL_H
#define TEND_CONTROL_H

#include <stddef.h>

/* Writes CMD to DIR/supervise/control in one write (DIR may be 0).
   Returns 0, or -1 with errno set; ENXIO means no supervise runs,
   TEND_EFTYPE that control is not a FIFO (a symlink is never followed). */
extern int tend_control_send(char const *dir, char const *cmd, size_t len);
/* The same to FD, a control FIFO the caller opened (never blocking), then
   closes it; FD -1 returns -1 with errno as the failed open left it.
   EAGAIN: the FIFO is full. */
extern int tend_control_write(int fd, char const *cmd, size_t len);

/* 1 if a supervise holds DIR/supervise/ok, 0 if none does (ENOENT or
   ENXIO), -1 on another error with errno set (TEND_EFTYPE: ok is not a
   FIFO). */
extern int tend_supervise_alive(char const *dir);

#endif
