/* From a host to the addresses to connect to. A numeric address is read
   here, in a few microseconds. A name goes to the system's resolver
   (getaddrinfo: /etc/hosts, DNS, and whatever nsswitch.conf adds), which
   cannot be given a deadline; so it runs in a child process, and the
   answer comes back through a pipe that is waited on with the probe's
   deadline. A resolver that is still busy then is killed. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <tend/msg.h>
#include "svprobe.h"

/* What the resolving child sends back, in one write (under PIPE_BUF). */
typedef struct answer {
  int gai;   /* getaddrinfo's result */
  int error; /* errno, for EAI_SYSTEM */
  int n;
  probe_addr addr[PROBE_ADDR_MAX];
} answer;

static void set_port(probe_addr *a, unsigned port) {
  if (a->sa.ss_family == AF_INET)
    ((struct sockaddr_in *)&a->sa)->sin_port = htons((uint16_t)port);
  else
    ((struct sockaddr_in6 *)&a->sa)->sin6_port = htons((uint16_t)port);
}

/* 1 and *A if HOST is a numeric address; 0 if not; -1 if it holds a ':'
   and is no IPv6 address. *WHY for an unknown zone. */
static int numeric(char const *host, probe_addr *a, char const **why) {
  memset(a, 0, sizeof *a);
  struct sockaddr_in *in = (struct sockaddr_in *)&a->sa;
  if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    a->len = sizeof *in;
    return 1;
  }
  if (!strchr(host, ':')) return 0;
  char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
  size_t len = strlen(host);
  if (len >= sizeof buf) return -1;
  memcpy(buf, host, len + 1);
  char *zone = strchr(buf, '%');
  if (zone) *zone++ = 0;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->sa;
  if (inet_pton(AF_INET6, buf, &in6->sin6_addr) != 1) return -1;
  in6->sin6_family = AF_INET6;
  a->len = sizeof *in6;
  if (!zone) return 1;
  if (!*zone) return -1;
  unsigned long id = 0;
  char const *z = zone;
  while (*z >= '0' && *z <= '9' && id < 0xffffffffUL)
    id = id * 10 + (unsigned long)(*z++ - '0');
  if (*z) id = if_nametoindex(zone);
  if (!id || id > 0xffffffffUL) {
    *why = "unknown network interface";
    return 0;
  }
  in6->sin6_scope_id = (uint32_t)id;
  return 1;
}

static void resolve_in_child(char const *host, int fd) {
  answer r;
  memset(&r, 0, sizeof r);
  struct addrinfo hints, *list;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  r.gai = getaddrinfo(host, 0, &hints, &list);
  if (r.gai == EAI_SYSTEM) r.error = errno;
  if (!r.gai) {
    for (struct addrinfo *ai = list; ai && r.n < PROBE_ADDR_MAX;
         ai = ai->ai_next) {
      if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
          ai->ai_addrlen > sizeof r.addr[0].sa)
        continue;
      memcpy(&r.addr[r.n].sa, ai->ai_addr, ai->ai_addrlen);
      r.addr[r.n++].len = ai->ai_addrlen;
    }
    freeaddrinfo(list);
  }
  _exit(write(fd, &r, sizeof r) == (ssize_t)sizeof r ? 0 : 111);
}

/* getaddrinfo's failures in the house's words: which are the target's
   (exit 1) and which are ours (111). */
static char const *gai_why(answer const *r, char const *host) {
  switch (r->gai) {
  case EAI_NONAME: return "host not found";
  case EAI_AGAIN: return "temporary failure in name resolution";
  case EAI_FAIL: return "name server failure";
  case EAI_MEMORY: errno = ENOMEM; break;
  case EAI_SYSTEM: errno = r->error; break;
  default: return gai_strerror(r->gai); /* e.g. glibc's EAI_NODATA */
  }
  tend_diesys(111, "unable to resolve ", host);
}

int probe_resolve(char const *host, unsigned port, int64_t deadline,
                  probe_addr *out, char const **why) {
  int r = numeric(host, out, why);
  if (r == 1) set_port(out, port);
  if (r) return r;
  if (*why) return 0;

  int p[2];
  if (pipe(p) < 0) tend_diesys(111, "unable to create a pipe");
  pid_t pid = fork();
  if (pid < 0) tend_diesys(111, "unable to fork");
  if (!pid) {
    close(p[0]);
    resolve_in_child(host, p[1]);
  }
  close(p[1]);
  answer a;
  size_t got = 0;
  while (got < sizeof a) {
    if (!probe_wait(p[0], POLLIN, deadline)) {
      kill(pid, SIGKILL); /* not reaped yet: the pid is still ours */
      break;
    }
    ssize_t n = read(p[0], (char *)&a + got, sizeof a - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(p[0]);
  while (waitpid(pid, 0, 0) < 0 && errno == EINTR)
    ;
  if (got < sizeof a) {
    if (probe_now_ms() >= deadline) {
      *why = "timed out resolving the name";
      return 0;
    }
    tend_die(111, "unable to resolve ", host, ": the resolving process died");
  }
  if (a.gai) {
    *why = gai_why(&a, host);
    return 0;
  }
  if (!a.n) {
    *why = "host has no IPv4 or IPv6 address";
    return 0;
  }
  for (int i = 0; i < a.n; i++) {
    out[i] = a.addr[i];
    set_port(&out[i], port);
  }
  return a.n;
}
