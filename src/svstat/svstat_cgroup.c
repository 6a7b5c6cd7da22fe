/* svstat -l's "; cgroup PATH (N processes)": supervise names the cgroup
   of the service in supervise/cgroup; the kernel lists its processes, one
   pid a line, in cgroup.procs. */
#include "svstat_cgroup.h"
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <tend/safeopen.h>

int svstat_cgroup(char const *dir, char *path, size_t len,
                  unsigned long *procs) {
  static char const file[] = "/supervise/cgroup";
  static char const list[] = "/cgroup.procs";
  char name[PATH_MAX];
  size_t n = strlen(dir);
  if (n + sizeof file > sizeof name || len < sizeof list + 1) return 0;
  memcpy(name, dir, n);
  memcpy(name + n, file, sizeof file);
  int fd = tend_open_typed(AT_FDCWD, name, O_RDONLY, S_IFREG);
  if (fd < 0) return 0;
  ssize_t r = allread(fd, path, len - sizeof list);
  close(fd);
  if (r < 2 || path[0] != '/' || path[r - 1] != '\n') return 0;
  path[--r] = 0;
  if (memchr(path, '\n', (size_t)r) || memchr(path, 0, (size_t)r)) return 0;
  memcpy(path + r, list, sizeof list);
  fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  path[r] = 0;
  if (fd < 0) return 2;
  char buf[4096];
  *procs = 0;
  for (;;) {
    ssize_t got = read(fd, buf, sizeof buf);
    if (got <= 0) {
      close(fd);
      return got < 0 ? 2 : 1;
    }
    for (ssize_t i = 0; i < got; i++)
      *procs += buf[i] == '\n';
  }
}
