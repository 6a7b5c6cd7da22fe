/* svprobe's parts: finding addresses (address.c), the waits and messages
   of svprobe.c, and judging an HTTP response (http_response.h). */
#ifndef SVPROBE_H
#define SVPROBE_H

#include <stdint.h>
#include <sys/socket.h>

#define PROBE_ADDR_MAX 16 /* addresses of a name that are tried */

typedef struct probe_addr {
  socklen_t len;
  struct sockaddr_storage sa;
} probe_addr;

/* CLOCK_MONOTONIC in milliseconds. */
extern int64_t probe_now_ms(void);

/* Waits until FD is ready for EVENTS (POLLIN, POLLOUT), or DEADLINE
   passes. Returns 1 ready, 0 timed out; exits 111 if poll fails. */
extern int probe_wait(int fd, short events, int64_t deadline);

/* The addresses of HOST (a numeric IPv4 or IPv6 address, the latter with
   an optional %zone, or a name for the system's resolver), with PORT.
   Returns how many (1..PROBE_ADDR_MAX) are in OUT; 0 if there are none,
   with the reason in *WHY, which must be 0 before (not found, timed out); -1 if
   HOST holds a ':' but is no IPv6 address. Exits 111 on a system error. */
extern int probe_resolve(char const *host, unsigned port, int64_t deadline,
                         probe_addr *out, char const **why);

#endif
