/* probe_server [-6 | -u PATH | -d] [-r REQFILE] MODE [FILE]: a server for
   svprobe's tests. It listens on 127.0.0.1 (-6: ::1), on a port the
   kernel picks, and prints the port on stdout; -u listens on the unix
   socket PATH instead and prints PATH. Each connection gets MODE:
     reply FILE    read the request (up to the empty line), write it to
                   REQFILE if -r, send FILE (read afresh each time), close
     silent        accept, then never read nor write
     close         read the request, then close without an answer
     trickle FILE  read the request, send FILE, then an 'x' every 20 ms
     flood FILE    read the request, send FILE, then 'x's as fast as the
                   client takes them
     backlog       listen with a backlog of 0 and never accept
   -d: a DNS server that never answers: UDP 127.0.0.1:53, reads and drops
   (MODE ignored). Runs until killed; exit 2 if it cannot listen. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

static char const *reqfile;

static void die(char const *what) {
  fprintf(stderr, "probe_server: %s: %s\n", what, strerror(errno));
  exit(2);
}

/* Reads until the empty line that ends a request; 0 if the client left. */
static int read_request(int fd) {
  char buf[65536];
  size_t len = 0;
  while (len < sizeof buf) {
    ssize_t n = read(fd, buf + len, sizeof buf - len);
    if (n <= 0) return 0;
    len += (size_t)n;
    for (size_t i = 3; i < len; i++)
      if (!memcmp(buf + i - 3, "\r\n\r\n", 4)) goto done;
  }
done:
  if (reqfile) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.new", reqfile);
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || write(out, buf, len) != (ssize_t)len || close(out) < 0 ||
        rename(tmp, reqfile) < 0)
      die("unable to write the request");
  }
  return 1;
}

static void send_file(int fd, char const *file) {
  char buf[65536];
  int in = open(file, O_RDONLY);
  if (in < 0) die(file);
  for (ssize_t n; (n = read(in, buf, sizeof buf)) > 0;)
    if (write(fd, buf, (size_t)n) != n) break;
  close(in);
}

static void serve(int fd, char const *mode, char const *file) {
  if (!read_request(fd) || !strcmp(mode, "close")) return;
  send_file(fd, file);
  if (!strcmp(mode, "reply")) return;
  if (!strcmp(mode, "trickle")) {
    struct timespec tick = {0, 20 * 1000 * 1000};
    while (write(fd, "x", 1) == 1)
      nanosleep(&tick, 0);
    return;
  }
  static char flood[65536];
  memset(flood, 'x', sizeof flood);
  while (write(fd, flood, sizeof flood) > 0)
    ;
}

int main(int argc, char **argv) {
  int family = AF_INET, dns = 0;
  char const *path = 0;
  int opt;
  while ((opt = getopt(argc, argv, "6u:dr:")) != -1) {
    switch (opt) {
    case '6': family = AF_INET6; break;
    case 'u':
      family = AF_UNIX;
      path = optarg;
      break;
    case 'd': dns = 1; break;
    case 'r': reqfile = optarg; break;
    default: return 100;
    }
  }
  char const *mode = optind < argc ? argv[optind] : "";
  char const *file = optind + 1 < argc ? argv[optind + 1] : 0;
  int needs_file = !strcmp(mode, "reply") || !strcmp(mode, "trickle") ||
                   !strcmp(mode, "flood");
  if (!dns && (needs_file ? !file
                          : strcmp(mode, "silent") && strcmp(mode, "close") &&
                                strcmp(mode, "backlog"))) {
    fprintf(stderr, "probe_server: unknown mode\n");
    return 100;
  }
  signal(SIGPIPE, SIG_IGN);
  signal(SIGCHLD, SIG_IGN); /* the forked connections reap themselves */

  int s = socket(family, dns ? SOCK_DGRAM : SOCK_STREAM, 0);
  if (s < 0) die("unable to create a socket");
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  if (family == AF_UNIX) {
    struct sockaddr_un *un = (struct sockaddr_un *)&ss;
    un->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof un->sun_path) return 100;
    strcpy(un->sun_path, path);
    len = sizeof *un;
  } else if (family == AF_INET6) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    len = sizeof *in6;
  } else {
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (dns) in->sin_port = htons(53);
    len = sizeof *in;
  }
  if (bind(s, (struct sockaddr *)&ss, len) < 0) die("unable to bind");
  if (!dns && listen(s, strcmp(mode, "backlog") ? 64 : 0) < 0)
    die("unable to listen");
  if (family == AF_UNIX)
    printf("%s\n", path);
  else {
    len = sizeof ss;
    if (getsockname(s, (struct sockaddr *)&ss, &len) < 0)
      die("unable to read the port");
    printf("%u\n", family == AF_INET6
                       ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                       : ntohs(((struct sockaddr_in *)&ss)->sin_port));
  }
  fflush(stdout);

  if (dns) {
    char buf[512];
    for (;;)
      if (recv(s, buf, sizeof buf, 0) < 0 && errno != EINTR) die("recv");
  }
  if (!strcmp(mode, "backlog"))
    for (;;)
      pause();
  for (;;) {
    int c = accept(s, 0, 0);
    if (c < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      die("unable to accept");
    }
    if (!strcmp(mode, "silent")) continue; /* held open, never answered */
    if (!strcmp(mode, "trickle") || !strcmp(mode, "flood")) {
      pid_t pid = fork();
      if (pid < 0) die("unable to fork");
      if (!pid) {
        close(s);
        serve(c, mode, file);
        _exit(0);
      }
    } else
      serve(c, mode, file);
    close(c);
  }
}
