/* notify_send MESSAGE [PROG...]: sends MESSAGE to the datagram socket
   named in NOTIFY_SOCKET, as systemd's sd_notify does (a leading '@' names
   an abstract socket), then execs PROG if given, so that the sender stays
   alive as a daemon's main process would. Exit 0 if sent. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) return 100;
  char const *msg = argv[1];
  char const *path = getenv("NOTIFY_SOCKET");
  if (!path || !*path) return 100;
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  size_t n = strlen(path);
  if (n >= sizeof sa.sun_path) return 100;
  memcpy(sa.sun_path, path, n);
  if (path[0] == '@') sa.sun_path[0] = 0;
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0) return 111;
  if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sa,
             (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0)
    return 111;
  if (argc > 2) {
    execvp(argv[2], argv + 2);
    return 111;
  }
  return 0;
}
