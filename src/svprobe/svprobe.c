/* svprobe [-T ms] tcp HOST:PORT | unix PATH | http://HOST[:PORT]/PATH
   [-s STATUS] [-c TEXT]: tests a service from outside, the way its
   clients reach it: a TCP or unix-socket connection, or an HTTP/1.1 GET
   whose status (and body) is checked. Exit 0 healthy, 1 unhealthy with
   the reason on one line, 100 usage, 111 system error. One absolute
   deadline covers everything, from name resolution to the last byte;
   sockets are non-blocking and every wait is a poll until it. */
#ifdef __linux__
#define _GNU_SOURCE /* SOCK_NONBLOCK, SOCK_CLOEXEC */
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <tend/getopt.h>
#include <tend/msg.h>
#include <tend/statuswait.h>
#include "http_response.h"
#include "svprobe.h"

#define USAGE                                                                  \
  "svprobe [ -T ms ] tcp host:port | unix path | http://host[:port]/path "     \
  "[ -s status ] [ -c text ]"
#define DEFAULT_TIMEOUT_MS 5000
#define HOST_MAX 255

/* The target as the messages name it: "tcp 127.0.0.1:8080". */
static char const *kind = "", *target = "";

/* "svprobe: TARGET: WHY", and exit 1. */
static void __attribute__((noreturn))
unhealthy(char const *why, char const *more) {
  char buf[1024];
  size_t len = 0;
  char const *parts[] = {"svprobe: ", kind, *kind ? " " : "", target, ": ",
                         why,         more};
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    size_t n = strlen(parts[i]);
    if (n > sizeof buf - 1 - len) n = sizeof buf - 1 - len;
    memcpy(buf + len, parts[i], n);
    len += n;
  }
  buf[len++] = '\n';
  while (write(2, buf, len) < 0 && errno == EINTR)
    ;
  _exit(1);
}

int64_t probe_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int probe_wait(int fd, short events, int64_t deadline) {
  struct pollfd p = {.fd = fd, .events = events};
  for (;;) {
    /* past the deadline, one last look without waiting: a process that
       was not scheduled for a while must not call a ready fd late */
    int64_t left = deadline - probe_now_ms();
    if (left < 0) left = 0;
    int r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
    if (r > 0) return 1;
    if (!r && !left) return 0;
    if (r < 0 && errno != EINTR) tend_diesys(111, "unable to poll");
  }
}

static int new_socket(int family) {
#ifdef SOCK_NONBLOCK
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
#else
  int fd = socket(family, SOCK_STREAM, 0);
  if (fd >= 0 && (fcntl(fd, F_SETFL, O_NONBLOCK) < 0 ||
                  fcntl(fd, F_SETFD, FD_CLOEXEC) < 0))
    tend_diesys(111, "unable to set up a socket");
#endif
  return fd;
}

/* A connected socket, or -1 with *WHY: the target's failure. */
static int connect_to(struct sockaddr const *sa, socklen_t len,
                      int64_t deadline, char const **why) {
  int fd = new_socket(sa->sa_family);
  if (fd < 0) {
    if (errno == EAFNOSUPPORT) {
      *why = tend_errstr(errno); /* e.g. IPv6 on a kernel without it */
      return -1;
    }
    tend_diesys(111, "unable to create a socket");
  }
  int e = connect(fd, sa, len) < 0 ? errno : 0;
  if (e == EINPROGRESS) {
    if (!probe_wait(fd, POLLOUT, deadline)) {
      close(fd);
      *why = "timed out connecting";
      return -1;
    }
    socklen_t elen = sizeof e;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0) e = errno;
  }
  if (!e) return fd;
  close(fd);
  /* a unix socket whose listen queue is full does not wait */
  *why = e == EAGAIN && sa->sa_family == AF_UNIX ? "listen queue full"
                                                 : tend_errstr(e);
  return -1;
}

/* HOST[:PORT] or [IPV6]:PORT, LEN bytes of S, into HOST (NUL-terminated)
   and *PORT (DEFPORT if none and none is needed: DEFPORT not 0). */
static int scan_hostport(char const *s, size_t len, char *host, unsigned *port,
                         unsigned defport) {
  char const *end = s + len, *h = s, *hend, *colon;
  if (len && *s == '[') {
    h = s + 1;
    hend = memchr(h, ']', len - 1);
    if (!hend || !memchr(h, ':', (size_t)(hend - h))) return 0;
    colon = hend + 1 < end ? hend + 1 : 0;
    if (colon && *colon != ':') return 0;
  } else {
    colon = 0;
    for (char const *c = s; c < end; c++)
      if (*c == ':') {
        if (colon) return 0; /* an IPv6 address needs its brackets */
        colon = c;
      }
    hend = colon ? colon : end;
  }
  size_t hlen = (size_t)(hend - h);
  if (!hlen || hlen > HOST_MAX || *h == '-') return 0; /* not an option */
  for (char const *c = h; c < hend; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
          (*c >= '0' && *c <= '9') || strchr("-._:%", *c)))
      return 0;
  memcpy(host, h, hlen);
  host[hlen] = 0;
  if (!colon) {
    *port = defport;
    return defport != 0;
  }
  unsigned p = 0;
  char const *d = colon + 1;
  if (d == end || end - d > 5) return 0;
  for (; d < end; d++) {
    if (*d < '0' || *d > '9') return 0;
    p = p * 10 + (unsigned)(*d - '0');
  }
  if (!p || p > 65535) return 0;
  *port = p;
  return 1;
}

/* A connection to HOST:PORT, trying each of its addresses in the
   resolver's order; unhealthy if none connects. */
static int connect_host(char const *host, unsigned port, int64_t deadline) {
  probe_addr addr[PROBE_ADDR_MAX];
  char const *why = 0;
  int n = probe_resolve(host, port, deadline, addr, &why);
  if (n < 0) tend_dieusage(USAGE);
  if (!n) unhealthy(why, "");
  for (int i = 0; i < n; i++) {
    int fd =
        connect_to((struct sockaddr *)&addr[i].sa, addr[i].len, deadline, &why);
    if (fd >= 0) return fd;
    if (probe_now_ms() >= deadline) break;
  }
  unhealthy(why, "");
}

static void probe_tcp(char const *arg, int64_t deadline) {
  char host[HOST_MAX + 1];
  unsigned port;
  if (!scan_hostport(arg, strlen(arg), host, &port, 0)) tend_dieusage(USAGE);
  close(connect_host(host, port, deadline));
}

/* PATH, or @NAME for a Linux abstract socket. */
static void probe_unix(char const *path, int64_t deadline) {
  struct sockaddr_un sa;
  size_t len = strlen(path);
  memset(&sa, 0, sizeof sa);
  if (!len || len >= sizeof sa.sun_path) tend_dieusage(USAGE);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path, len);
  if (path[0] == '@') sa.sun_path[0] = 0;
  socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
                                (path[0] != '@'));
  char const *why = 0;
  int fd = connect_to((struct sockaddr *)&sa, salen, deadline, &why);
  if (fd < 0) unhealthy(why, "");
  close(fd);
}

static int has_prefix(char const *s, char const *prefix) {
  for (; *prefix; s++, prefix++) {
    char c = *s;
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != *prefix) return 0;
  }
  return 1;
}

static void send_all(int fd, char const *buf, size_t len, int64_t deadline) {
  while (len) {
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n >= 0) {
      buf += n;
      len -= (size_t)n;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!probe_wait(fd, POLLOUT, deadline))
        unhealthy("timed out sending the request", "");
    } else if (errno != EINTR)
      unhealthy(tend_errstr(errno), " (sending the request)");
  }
}

static void probe_http(char const *url, int want, char const *text,
                       int64_t deadline) {
  char const *authority = url + 7; /* past http:// */
  size_t alen = strcspn(authority, "/?#");
  char const *path = authority + alen;
  size_t plen = strcspn(path, "#"); /* the fragment is never sent */
  char host[HOST_MAX + 1];
  unsigned port;
  if (!scan_hostport(authority, alen, host, &port, 80)) tend_dieusage(USAGE);
  for (size_t i = 0; i < plen; i++)
    if ((unsigned char)path[i] <= ' ' || path[i] == 0x7f)
      tend_dieusage(USAGE); /* spaces and controls must be %-encoded */

  /* GET PATH HTTP/1.1, Host: AUTHORITY */
  static char const mid[] = " HTTP/1.1\r\nHost: ";
  static char const tail[] = "\r\nUser-Agent: svprobe\r\nAccept: */*\r\n"
                             "Connection: close\r\n\r\n";
  size_t slash = !plen || *path != '/';
  size_t len = 4 + slash + plen + sizeof mid - 1 + alen + sizeof tail - 1;
  char req[len]; /* one argument is at most 128 KB (MAX_ARG_STRLEN) */
  char *w = req;
  memcpy(w, "GET /", 4 + slash);
  w += 4 + slash;
  memcpy(w, path, plen);
  w += plen;
  memcpy(w, mid, sizeof mid - 1);
  w += sizeof mid - 1;
  memcpy(w, authority, alen);
  w += alen;
  memcpy(w, tail, sizeof tail - 1);

  static http_response h;
  http_response_init(&h, want, text, text ? strlen(text) : 0);
  int fd = connect_host(host, port, deadline);
  send_all(fd, req, len, deadline);

  char buf[16384];
  int verdict = HTTP_MORE;
  while (verdict == HTTP_MORE) {
    if (!probe_wait(fd, POLLIN, deadline))
      unhealthy("timed out ", http_response_waiting(&h));
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      verdict = http_response_feed(&h, buf, (size_t)n);
      /* a server that never stops sending is cut off too */
      if (verdict == HTTP_MORE && probe_now_ms() >= deadline)
        unhealthy("timed out ", http_response_waiting(&h));
    } else if (!n)
      verdict = http_response_eof(&h);
    else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      unhealthy(tend_errstr(errno), " (reading the response)");
  }
  if (verdict != HTTP_HEALTHY) unhealthy(h.why, "");
  close(fd);
}

/* -s: NNN (100..599) or Nxx (a class, 1..5). */
static int scan_status(char const *s, int *want) {
  if (strlen(s) != 3 || s[0] < '1' || s[0] > '5') return 0;
  if ((s[1] == 'x' || s[1] == 'X') && (s[2] == 'x' || s[2] == 'X')) {
    *want = s[0] - '0';
    return 1;
  }
  if (s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9') return 0;
  *want = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
  return 1;
}

int main(int argc, char const *const *argv) {
  int64_t timeout = DEFAULT_TIMEOUT_MS;
  int want = 2, want_given = 0;
  char const *text = 0;
  char const *words[2];
  int nwords = 0;
  tend_prog = "svprobe";
  /* options may come before and after the target */
  for (int i = 1; i < argc;) {
    subgetopt l = SUBGETOPT_ZERO;
    int opt;
    while ((opt = tend_getopt_plain(argc - i + 1, argv + i - 1, "T:s:c:", USAGE,
                                    &l)) != -1) {
      switch (opt) {
      case 'T':
        if (!tend_scan_ms(l.arg, &timeout) || !timeout) tend_dieusage(USAGE);
        break;
      case 's':
        if (!scan_status(l.arg, &want)) tend_dieusage(USAGE);
        want_given = 1;
        break;
      case 'c':
        text = l.arg;
        if (!*text || strlen(text) > HTTP_TEXT_MAX) tend_dieusage(USAGE);
        break;
      }
    }
    i += l.ind - 1;
    if (i < argc) {
      if (nwords == 2) tend_dieusage(USAGE);
      words[nwords++] = argv[i++];
    }
  }
  int64_t deadline = probe_now_ms() + timeout;

  if (nwords == 2 && !strcmp(words[0], "tcp") && !want_given && !text) {
    kind = "tcp";
    target = words[1];
    probe_tcp(words[1], deadline);
  } else if (nwords == 2 && !strcmp(words[0], "unix") && !want_given && !text) {
    kind = "unix";
    target = words[1];
    probe_unix(words[1], deadline);
  } else if (nwords == 1 && has_prefix(words[0], "http://")) {
    target = words[0];
    probe_http(words[0], want, text, deadline);
  } else if (nwords == 1 && has_prefix(words[0], "https://"))
    tend_die(100, "https is out of scope: probe it with a TLS client, "
                  "e.g. curl -sf --max-time 2 URL (see svprobe(8))");
  else
    tend_dieusage(USAGE);
  return 0;
}
