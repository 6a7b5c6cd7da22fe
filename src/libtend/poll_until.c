/* One wait over every fd with one absolute deadline: the only place the
   daemons sleep. */
#include <poll.h>
#include <tend/loop.h>

#define MAX_WAIT_MS 86400000 /* a day: poll's int never overflows */

int tend_poll_until(struct pollfd *fds, nfds_t n, int64_t deadline) {
  int timeout = -1;
  if (deadline != TEND_NEVER) {
    int64_t left = deadline - tend_clock_ms();
    timeout = left <= 0 ? 0 : left > MAX_WAIT_MS ? MAX_WAIT_MS : (int)left;
  }
  return poll(fds, n, timeout); /* negative fds are skipped */
}
