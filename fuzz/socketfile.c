/* The parser of a service's socket file (src/supervise/socketfile.c): any
   bytes, as a whole file. Whatever it accepts must be a socket supervise
   can make as it is: a known family and type, an address of the family's
   length with a port (or a path that ends within sun_path), a MODE only
   for a unix socket, and a name LISTEN_FDNAMES can carry. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../src/supervise/socketfile.h"

static void check(struct socketfile_entry const *e) {
  if (!e->line) abort();
  if (e->family == AF_INET) {
    if (e->type != SOCK_STREAM && e->type != SOCK_DGRAM) abort();
    if (e->addrlen != sizeof e->addr.in || !e->addr.in.sin_port) abort();
  } else if (e->family == AF_INET6) {
    if (e->type != SOCK_STREAM && e->type != SOCK_DGRAM) abort();
    if (e->addrlen != sizeof e->addr.in6 || !e->addr.in6.sin6_port) abort();
  } else if (e->family == AF_UNIX) {
    size_t n = strnlen(e->addr.un.sun_path, sizeof e->addr.un.sun_path);
    if (e->type != SOCK_STREAM || !n || n == sizeof e->addr.un.sun_path ||
        e->addr.un.sun_path[0] == '@' ||
        e->addrlen != offsetof(struct sockaddr_un, sun_path) + n + 1)
      abort();
  } else
    abort();
  if (e->family != AF_UNIX && (e->mode != -1 || e->owner[0])) abort();
  if (e->mode < -1 || e->mode > 0777) abort();
  if (e->owner[0] && e->mode < 0) abort(); /* OWNER comes after MODE */
  size_t n = strnlen(e->name, sizeof e->name);
  if (!n || n == sizeof e->name) abort();
  for (size_t i = 0; i < n; i++)
    if (e->name[i] < 0x21 || e->name[i] > 0x7e || e->name[i] == ':') abort();
  if (strnlen(e->owner, sizeof e->owner) == sizeof e->owner) abort();
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size) {
  static struct socketfile_entry e[SOCKETFILE_MAX];
  unsigned bad = 12345;
  char const *why = 0;
  int n =
      socketfile_parse((char const *)data, size, e, SOCKETFILE_MAX, &bad, &why);
  if (n < 0) {
    if (!why || bad == 12345) abort();
    return 0;
  }
  if (n > SOCKETFILE_MAX) abort();
  for (int i = 0; i < n; i++) {
    check(&e[i]);
    if (i && e[i].line <= e[i - 1].line) abort();
  }
  return 0;
}
