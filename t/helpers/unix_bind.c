/* unix_bind NAME: binds an abstract datagram socket named NAME (given
   without the leading @), says "bound" on stdout and waits for ever: a
   squatter on a name that someone else meant to use. */
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 2) return 100;
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  size_t n = strlen(argv[1]);
  if (n + 1 > sizeof sa.sun_path) return 100;
  memcpy(sa.sun_path + 1, argv[1], n);
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0 ||
      bind(fd, (struct sockaddr *)&sa,
           (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0)
    return 111;
  if (write(1, "bound\n", 6) != 6) return 111;
  for (;;)
    pause();
}
