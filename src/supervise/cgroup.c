/* A cgroup v2 per service (supervise(8), "CGROUPS"): ./run starts in a
   cgroup of its own, named from the service directory, so that the
   service's process tree is exactly the processes of that cgroup however
   they forked, and a supervise started after a crash finds it again.
   Where no cgroup2 can be written, or DIR has a no-cgroup file, none of
   this is used: tree.c follows the process group and the orphans. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <tend/msg.h>
#include <tend/safeopen.h>
#include <tend/servicedir.h>
#include "supervise.h"

#define PREFIX "tend-"
#define NAME_MAX_BASE 200 /* of a name's 255 bytes, for DIR's own name */

int cgroup_on;
static int dir_fd = -1;   /* the service's cgroup */
static int procs_fd = -1; /* its cgroup.procs, which ./run's child writes */
static int watch_fd = -1; /* an inotify watch on its cgroup.events */
static char path[PATH_MAX];
static unsigned limits_set, limits_warned; /* a bit per limit file */

/* mountinfo's octal escapes (\040 for a space), in place. */
static void unescape(char *s) {
  char *out = s;
  for (; *s; s++)
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
        s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
      *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
      s += 3;
    } else
      *out++ = *s;
  *out = 0;
}

/* A line of /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT
   OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS". For the first
   cgroup2, path gets "MOUNTPOINT", a NUL, "ROOT" and a NUL. */
static int mount_line(char *line, void *unused) {
  (void)unused;
  char *field[5];
  char *s = line;
  for (int i = 0; i < 5; i++) {
    field[i] = s;
    s = strchr(s, ' ');
    if (!s) return 0;
    *s++ = 0;
  }
  char *fstype = strstr(s, " - ");
  if (!fstype || strncmp(fstype + 3, "cgroup2 ", 8)) return 0;
  unescape(field[3]);
  unescape(field[4]);
  size_t m = strlen(field[4]), root = strlen(field[3]);
  if (m + root + 2 > sizeof path / 2) return 0;
  memcpy(path, field[4], m + 1);
  memcpy(path + m + 1, field[3], root + 1);
  return 1;
}

/* The "0::PATH" line of /proc/self/cgroup, copied to ARG (in path). */
static int cgroup_line(char *line, void *arg) {
  char *to = arg;
  if (strncmp(line, "0::", 3) ||
      strlen(line + 3) >= (size_t)(path + sizeof path - to))
    return 0;
  strcpy(to, line + 3);
  return 1;
}

/* The name of DIR's cgroup: PREFIX, DIR's own name (bytes other than
   letters, digits and ._@+- made _), and the FNV-1a hash of its physical
   path, so that two services named alike never share one. */
static size_t service_name(char *out, char const *cwd) {
  uint64_t h = 14695981039346656037ULL;
  for (char const *c = cwd; *c; c++)
    h = (h ^ (unsigned char)*c) * 1099511628211ULL;
  char const *base = strrchr(cwd, '/');
  base = base && base[1] ? base + 1 : "root";
  size_t n = sizeof PREFIX - 1;
  memcpy(out, PREFIX, n);
  for (; *base && n < sizeof PREFIX - 1 + NAME_MAX_BASE; base++) {
    char c = *base;
    int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || strchr("._@+-", c);
    out[n++] = plain ? c : '_';
  }
  out[n++] = '-';
  n += uint640_xfmt(out + n, h, 16);
  out[n] = 0;
  return n;
}

/* Sets path to DIR's cgroup; 0, or the reason there is none. path is
   the only large buffer: DIR's physical path first, then the mount point,
   the root of the mount and supervise's cgroup, then the result. */
static char const *locate(void) {
  char buf[512], name[sizeof PREFIX + NAME_MAX_BASE + 20];
  if (!getcwd(path, sizeof path)) return "its path cannot be known";
  size_t n = service_name(name, path);
  if (each_line(AT_FDCWD, "/proc/self/mountinfo", buf, sizeof buf, mount_line,
                0) <= 0)
    return "no cgroup2 is mounted";
  size_t m = strlen(path);
  char *root = path + m + 1, *self = root + strlen(root) + 1;
  if (each_line(AT_FDCWD, "/proc/self/cgroup", buf, sizeof buf, cgroup_line,
                self) <= 0)
    return "supervise is in no cgroup2";
  size_t rootlen = strcmp(root, "/") ? strlen(root) : 0;
  /* a cgroup2 mounted from below the root: ours must be under it */
  if (strncmp(self, root, rootlen) || (self[rootlen] && self[rootlen] != '/'))
    return "supervise's cgroup is outside the mounted cgroup2";
  char *own = self + rootlen;
  /* the leaf that holds the supervisors is not their services' parent */
  char *last = strrchr(own, '/');
  if (last && !strcmp(last, "/supervise")) *last = 0;
  if (own[0] == '/' && !own[1]) own++; /* the root cgroup */
  size_t o = strlen(own);
  if (m + o + n + 2 > sizeof path) return "its path would be too long";
  memmove(path + m, own, o);
  path[m + o] = '/';
  memcpy(path + m + o + 1, name, n + 1);
  return 0;
}

/* supervise/cgroup: the path, for svstat -l and for people. */
static void record(void) {
  /* never through a symlink, never blocking on a FIFO planted there */
  int fd = tend_open_create(AT_FDCWD, "supervise/cgroup.new",
                            O_WRONLY | O_TRUNC, 0644);
  size_t n = strlen(path);
  path[n] = '\n';
  int ok = fd >= 0 && write(fd, path, n + 1) == (ssize_t)(n + 1);
  path[n] = 0;
  if (fd >= 0 && close(fd) < 0) ok = 0;
  if (ok && rename("supervise/cgroup.new", "supervise/cgroup") == 0) return;
  tend_warnsys("unable to write ", dir, "/supervise/cgroup");
  unlink("supervise/cgroup.new");
}

/* Makes the cgroup (or finds it) and opens what supervise keeps of it. */
static int make(void) {
  if (mkdir(path, 0755) < 0 && errno != EEXIST) return -1;
  int d = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (d < 0) return -1;
  int p = openat(d, "cgroup.procs", O_WRONLY | O_CLOEXEC);
  if (p < 0) return close(d), -1;
  if (watch_fd < 0) watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  size_t n = strlen(path);
  memcpy(path + n, "/cgroup.events", sizeof "/cgroup.events");
  int w = watch_fd < 0 ? -1 : inotify_add_watch(watch_fd, path, IN_MODIFY);
  path[n] = 0;
  if (w < 0) return close(p), close(d), -1;
  if (dir_fd >= 0) close(dir_fd), close(procs_fd);
  dir_fd = d;
  procs_fd = p;
  return 0;
}

void cgroup_init(void) {
  if (access("no-cgroup", F_OK) == 0) {
    unlink("supervise/cgroup");
    return;
  }
  char const *why = locate();
  if (why) {
    tend_warn(dir, ": tracking its process group, not a cgroup: ", why);
    unlink("supervise/cgroup");
    return;
  }
  if (make() < 0) {
    tend_warnsys(dir, ": tracking its process group, not a cgroup: ",
                 "unable to create ", path);
    unlink("supervise/cgroup");
    return;
  }
  cgroup_on = 1;
  record();
}

int cgroup_watch_fd(void) {
  return watch_fd;
}

void cgroup_drain(void) {
  char buf[sizeof(struct inotify_event) + NAME_MAX + 1];
  while (read(watch_fd, buf, sizeof buf) > 0) {
  }
}

void cgroup_join(void) {
  if (procs_fd < 0 || write(procs_fd, "0", 1) == 1) return;
  tend_warnsys("unable to start ", dir, "/run: unable to join ", path);
  _exit(111);
}

int cgroup_populated(void) {
  char buf[256];
  int fd = openat(dir_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno != ENOENT && errno != ENODEV; /* gone: empty */
  ssize_t r = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (r <= 0) return 1; /* cannot tell: not empty */
  buf[r] = 0;
  return !strstr(buf, "populated 0");
}

/* A pid of cgroup.procs, for cgroup_each. */
struct each {
  void (*fn)(pid_t, int);
  int sig;
};
static int procs_line(char *line, void *arg) {
  struct each *e = arg;
  uint64_t pid;
  size_t n = uint64_scan(line, &pid);
  if (n && !line[n] && pid > 1 && pid <= 4194304) e->fn((pid_t)pid, e->sig);
  return 0;
}

void cgroup_each(void (*fn)(pid_t, int), int sig) {
  char buf[64];
  struct each e = {fn, sig};
  each_line(dir_fd, "cgroup.procs", buf, sizeof buf, procs_line, &e);
}

int cgroup_kill(void) {
  int fd = openat(dir_fd, "cgroup.kill", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1; /* before Linux 5.14 */
  int r = write(fd, "1", 1) == 1 ? 0 : -1;
  close(fd);
  return r;
}

void cgroup_remove(void) {
  if (!cgroup_on || cgroup_populated()) return;
  if (rmdir(path) == 0) unlink("supervise/cgroup");
}

/* The limit files, what they are written to, and what checks them:
   the forms the kernel takes, within bounds that make sense. */
static int number(char const *s, uint64_t min, uint64_t max, size_t *len) {
  uint64_t v;
  *len = uint64_scan(s, &v); /* stops short of a wrap */
  return *len && v >= min && v <= max;
}

static int valid_memory(char const *s) {
  static char const units[] = "KMGT";
  size_t n;
  if (!strcmp(s, "max")) return 1;
  uint64_t v;
  if (!(n = uint64_scan(s, &v)) || !v) return 0;
  char const *u = s[n] ? strchr(units, s[n] & ~0x20) : 0;
  if (s[n] && (!u || !*u || s[n + 1])) return 0;
  unsigned shift = u ? 10 * (unsigned)(u - units + 1) : 0;
  return v <= (1ULL << 62) >> shift;
}

static int valid_pids(char const *s) {
  size_t n;
  return !strcmp(s, "max") || (number(s, 1, 4194304, &n) && !s[n]);
}

static int valid_cpu(char const *s) {
  size_t n = 3, m;
  if (strncmp(s, "max", 3) && !number(s, 1000, 1000000000, &n)) return 0;
  if (!s[n]) return 1;
  return s[n] == ' ' && number(s + n + 1, 1000, 1000000, &m) && !s[n + 1 + m];
}

static struct {
  char const *file, *knob, *controller, *want;
  int (*valid)(char const *);
} const limit[] = {
    {"memory-max", "memory.max", "memory",
     "max, or bytes from 1 to 2^62 with K, M, G or T", valid_memory},
    {"pids-max", "pids.max", "pids", "max, or a number from 1 to 4194304",
     valid_pids},
    {"cpu-max", "cpu.max", "cpu",
     "QUOTA [PERIOD]: max or 1000 to 10^9 us, 1000 to 10^6 us", valid_cpu},
};

/* Writes VALUE to KNOB, enabling CONTROLLER in the parent if need be. */
static int write_knob(char const *knob, char const *controller,
                      char const *value) {
  int fd = openat(dir_fd, knob, O_WRONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    char plus[16] = "+";
    strcat(plus, controller);
    int c = openat(dir_fd, "../cgroup.subtree_control", O_WRONLY | O_CLOEXEC);
    if (c >= 0) {
      if (write(c, plus, strlen(plus)) < 0) {
      }
      close(c);
    }
    fd = openat(dir_fd, knob, O_WRONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) errno = EOPNOTSUPP; /* not enabled */
  }
  if (fd < 0) return -1;
  ssize_t w = write(fd, value, strlen(value));
  int e = errno;
  close(fd);
  errno = e;
  return w < 0 ? -1 : 0;
}

void cgroup_limits(void) {
  if (!cgroup_on) return;
  if (mkdir(path, 0755) == 0 && make() < 0) /* removed while down */
    tend_warnsys("unable to open ", path);
  for (unsigned i = 0; i < sizeof limit / sizeof *limit; i++) {
    char value[64];
    unsigned bit = 1U << i;
    int r = tend_sd_read_line(limit[i].file, value, sizeof value);
    if (r < 0 && errno != EINVAL) {
      tend_warnsys("ignoring ", dir, "/", limit[i].file);
      continue;
    }
    if (r == 0 && !(limits_set & bit)) continue;
    if (r == 0) strcpy(value, "max"); /* the file was removed */
    if (r < 0 || !limit[i].valid(value)) {
      tend_warn("ignoring ", dir, "/", limit[i].file, ": not ", limit[i].want);
      continue;
    }
    if (write_knob(limit[i].knob, limit[i].controller, value) == 0) {
      limits_set = r ? limits_set | bit : limits_set & ~bit;
      limits_warned &= ~bit;
      continue;
    }
    if (limits_warned & bit) continue; /* said once is enough */
    limits_warned |= bit;
    if (errno == EOPNOTSUPP)
      tend_warn("ignoring ", dir, "/", limit[i].file, ": the ",
                limit[i].controller, " controller is not enabled for ", path);
    else
      tend_warnsys("ignoring ", dir, "/", limit[i].file, ": unable to write ",
                   path, "/", limit[i].knob);
  }
}
