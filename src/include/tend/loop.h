/* The pieces every tend event loop is made of: a monotonic clock in
   milliseconds, one poll() until an absolute deadline, and signals turned
   into bytes on a self-pipe, so that a handler never does the work. */
#ifndef TEND_LOOP_H
#define TEND_LOOP_H

#include <poll.h>
#include <stdint.h>

/* A deadline that never comes. */
#define TEND_NEVER INT64_MAX

/* CLOCK_MONOTONIC in milliseconds. */
extern int64_t tend_clock_ms(void);

/* poll(FDS, N) until DEADLINE (tend_clock_ms time; TEND_NEVER: none),
   never more than a day at a time: the caller looks at its deadlines
   after every return anyway. Returns what poll returns (EINTR included). */
extern int tend_poll_until(struct pollfd *fds, nfds_t n, int64_t deadline);

/* Creates the self-pipe (close-on-exec, non-blocking at both ends) and
   catches the N signals of SIGS: each arrival writes the signal's number
   as one byte into the pipe (SIGCHLD only for children that exit). The
   handler runs with every signal blocked and restarts interrupted calls.
   Returns the read end, or -1 with errno set. */
extern int tend_selfpipe_init(int const *sigs, unsigned n);

#endif
