/* The socket file: `KIND ADDRESS [MODE [OWNER]] [name=NAME]` a line, KIND
   tcp, udp or unix. Addresses are numeric (supervise never waits for a
   name server): 127.0.0.1:8080, [::1]:8080; a unix socket is a path of at
   most 107 bytes. Blank lines and lines starting with # are skipped. */
#include <arpa/inet.h>
#include <string.h>
#include "socketfile.h"

static int blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

/* The next blank-separated word of *S, NUL-ended in place; 0 at the end. */
static char *word(char **s) {
  char *p = *s;
  while (blank(*p))
    p++;
  if (!*p) return 0;
  char *w = p;
  while (*p && !blank(*p))
    p++;
  if (*p) *p++ = 0;
  *s = p;
  return w;
}

static int port_of(char const *s, in_port_t *port) {
  unsigned long v = 0;
  if (!*s) return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
    v = v * 10 + (unsigned long)(*s - '0');
    if (v > 65535) return 0;
  }
  if (!v) return 0;
  *port = htons((in_port_t)v);
  return 1;
}

static int inet_address(char *a, struct socketfile_entry *e, char const **why) {
  char *colon;
  in_port_t port;
  if (*a == '[') {
    char *close = strchr(a, ']');
    if (!close || close[1] != ':') {
      *why = "an IPv6 address is written [ADDRESS]:PORT";
      return -1;
    }
    *close = 0;
    colon = close + 1;
    e->family = AF_INET6;
    e->addr.in6.sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, a + 1, &e->addr.in6.sin6_addr) != 1) {
      *why = "not a numeric IPv6 address (no zone, no name)";
      return -1;
    }
    if (!port_of(colon + 1, &port)) goto bad_port;
    e->addr.in6.sin6_port = port;
    e->addrlen = sizeof e->addr.in6;
    return 1;
  }
  colon = strrchr(a, ':');
  if (!colon) {
    *why = "missing :PORT";
    return -1;
  }
  *colon = 0;
  if (strchr(a, ':')) {
    *why = "an IPv6 address is written [ADDRESS]:PORT";
    return -1;
  }
  e->family = AF_INET;
  e->addr.in.sin_family = AF_INET;
  if (inet_pton(AF_INET, a, &e->addr.in.sin_addr) != 1) {
    *why = "not a numeric IPv4 address (names are not resolved)";
    return -1;
  }
  if (!port_of(colon + 1, &port)) goto bad_port;
  e->addr.in.sin_port = port;
  e->addrlen = sizeof e->addr.in;
  return 1;
bad_port:
  *why = "the port is not a number from 1 to 65535";
  return -1;
}

static int unix_address(char const *path, struct socketfile_entry *e,
                        char const **why) {
  size_t n = strlen(path);
  if (*path == '@') {
    *why = "abstract unix sockets (@NAME) are not supported";
    return -1;
  }
  if (n >= sizeof e->addr.un.sun_path) {
    *why = "the unix socket path is longer than 107 bytes";
    return -1;
  }
  e->family = AF_UNIX;
  e->addr.un.sun_family = AF_UNIX;
  memcpy(e->addr.un.sun_path, path, n + 1);
  e->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
  return 1;
}

static int mode_of(char const *s, int *mode) {
  int v = 0;
  if (!*s || strlen(s) > 4) return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '7') return 0;
    v = v * 8 + (*s - '0');
  }
  if (v > 0777) return 0;
  *mode = v;
  return 1;
}

/* A name for LISTEN_FDNAMES: printable ASCII, no colon (sd_listen_fds). */
static int name_ok(char const *s) {
  size_t n = strlen(s);
  if (!n || n >= SOCKETFILE_NAME) return 0;
  for (; *s; s++)
    if (*s < 0x21 || *s > 0x7e || *s == ':') return 0;
  return 1;
}

int socketfile_line(char const *line, struct socketfile_entry *e,
                    char const **why) {
  char buf[SOCKETFILE_LINE];
  size_t len = strlen(line);
  if (len >= sizeof buf) {
    *why = "line longer than 511 bytes";
    return -1;
  }
  memcpy(buf, line, len + 1);
  char *s = buf;
  char *kind = word(&s);
  if (!kind || *kind == '#') return 0;
  memset(e, 0, sizeof *e);
  e->mode = -1;
  char *address = word(&s);
  if (!address) {
    *why = "missing address";
    return -1;
  }
  int r;
  if (!strcmp(kind, "tcp") || !strcmp(kind, "udp")) {
    e->type = kind[0] == 't' ? SOCK_STREAM : SOCK_DGRAM;
    r = inet_address(address, e, why);
  } else if (!strcmp(kind, "unix")) {
    e->type = SOCK_STREAM;
    r = unix_address(address, e, why);
  } else {
    *why = "unknown kind (tcp, udp or unix)";
    return -1;
  }
  if (r < 0) return -1;
  unsigned positional = 0;
  for (char *w; (w = word(&s));) {
    if (!strncmp(w, "name=", 5)) {
      if (e->name[0]) {
        *why = "two name= on one line";
        return -1;
      }
      if (!name_ok(w + 5)) {
        *why = "a name is 1 to 63 printable characters, no colon";
        return -1;
      }
      strcpy(e->name, w + 5);
    } else if (e->family != AF_UNIX) {
      *why = "only a unix socket has a MODE and an OWNER";
      return -1;
    } else if (positional == 0) {
      if (!mode_of(w, &e->mode)) {
        *why = "MODE is an octal number from 0 to 777";
        return -1;
      }
      positional++;
    } else if (positional == 1) {
      char *colon = strchr(w, ':');
      if (strlen(w) >= SOCKETFILE_OWNER || *w == ':' ||
          (colon && (!colon[1] || strchr(colon + 1, ':')))) {
        *why = "OWNER is USER or USER:GROUP, at most 63 bytes";
        return -1;
      }
      strcpy(e->owner, w);
      positional++;
    } else {
      *why = "too many fields";
      return -1;
    }
  }
  if (!e->name[0]) strcpy(e->name, "unknown");
  return 1;
}

int socketfile_parse(char const *buf, size_t len, struct socketfile_entry *e,
                     unsigned max, unsigned *badline, char const **why) {
  unsigned n = 0, line = 0;
  if (len >= SOCKETFILE_SIZE) {
    *badline = 0;
    *why = "longer than 4095 bytes";
    return -1;
  }
  if (memchr(buf, 0, len)) {
    *badline = 0;
    *why = "a NUL byte: not a text file";
    return -1;
  }
  size_t at = 0;
  while (at < len) {
    char *nl = memchr(buf + at, '\n', len - at);
    size_t end = nl ? (size_t)(nl - buf) : len;
    char line_buf[SOCKETFILE_LINE];
    line++;
    struct socketfile_entry tmp;
    int r = -1;
    *why = "line longer than 511 bytes";
    if (end - at < sizeof line_buf) {
      memcpy(line_buf, buf + at, end - at);
      line_buf[end - at] = 0;
      r = socketfile_line(line_buf, &tmp, why);
    }
    at = end + 1;
    if (r < 0) {
      *badline = line;
      return -1;
    }
    if (!r) continue;
    if (n == max) {
      *badline = line;
      *why = "more sockets than a service may have (32)";
      return -1;
    }
    tmp.line = line;
    e[n++] = tmp;
  }
  return (int)n;
}
