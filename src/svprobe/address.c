/* From a host to the addresses to connect to. A numeric address is read
   here, in a few microseconds. A name goes to the system's resolver
   (getaddrinfo: /etc/hosts, DNS, and whatever nsswitch.conf adds) through
   `getent ahosts NAME`, the resolver's own command-line client: svprobe
   is linked statically (cheap to start), and a static glibc cannot load
   the NSS modules of the system's glibc (build.mk). getent runs in a child
   process whose answer is read through a pipe with the probe's deadline,
   so that -T covers the resolution; a getent still busy then is killed. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <skalibs/djbunix.h>
#include <tend/msg.h>
#include "svprobe.h"

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

static void __attribute__((noreturn)) getent(char const *host, int out) {
  char const *argv[] = {"getent", "ahosts", host, 0};
  if (fd_move(1, out) < 0) _exit(111);
  execvp(argv[0], (char *const *)argv);
  if (errno == ENOENT) execv("/usr/bin/getent", (char *const *)argv);
  _exit(errno == ENOENT ? 127 : 126);
}

/* getent ahosts prints each address once per socket type:
   "ADDRESS STREAM [NAME]", "ADDRESS DGRAM", "ADDRESS RAW". */
static int parse_getent(char *text, unsigned port, probe_addr *out) {
  int n = 0;
  char const *why = 0;
  for (char *line = text, *next; *line && n < PROBE_ADDR_MAX; line = next) {
    next = line + strcspn(line, "\n");
    if (*next) *next++ = 0;
    char *addr = line + strspn(line, " \t");
    char *type = addr + strcspn(addr, " \t");
    if (!*type) continue;
    *type++ = 0;
    type += strspn(type, " \t");
    if (strncmp(type, "STREAM", 6) || (type[6] && type[6] != ' ')) continue;
    if (numeric(addr, &out[n], &why) == 1) set_port(&out[n++], port);
  }
  return n;
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
    getent(host, p[1]);
  }
  close(p[1]);
  /* a few lines per address; more than this many bytes is not read */
  char text[8192];
  size_t got = 0;
  int timed_out = 0;
  while (got < sizeof text - 1) {
    if (!probe_wait(p[0], POLLIN, deadline)) {
      kill(pid, SIGKILL); /* not reaped yet: the pid is still ours */
      timed_out = 1;
      break;
    }
    ssize_t n = read(p[0], text + got, sizeof text - 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  text[got] = 0;
  close(p[0]); /* a getent with more to say gets SIGPIPE */
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) tend_diesys(111, "unable to wait for getent");
  if (timed_out) {
    *why = "timed out resolving the name";
    return 0;
  }
  int n = parse_getent(text, port, out);
  if (n) return n;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    tend_die(111, "unable to resolve ", host, ": getent not found");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
    /* getent says 2 for an unknown name and for a resolver that failed */
    *why = "name not resolved";
    return 0;
  }
  if (WIFEXITED(status) && !WEXITSTATUS(status)) {
    *why = "host has no IPv4 or IPv6 address";
    return 0;
  }
  tend_die(111, "unable to resolve ", host, ": getent ahosts failed");
}
