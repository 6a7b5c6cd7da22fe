/* Listening sockets held by supervise (doc/supervise.8, SOCKETS): the
   sockets of DIR/socket are made once, at the first start of ./run, and
   kept open (close-on-exec) for supervise's whole life; every ./run gets
   them as fds 3, 4, ... with LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES,
   systemd's protocol (sd_listen_fds(3)). Between two runs a client's
   connection waits in the backlog instead of being refused. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <tend/msg.h>
#include <tend/safeopen.h>
#include "socketfile.h"
#include "supervise.h"

/* Allocated only for a service that has a socket file: 10 KB that every
   other supervise would otherwise carry (memory per supervise is
   multiplied by the number of services, doc/supervise.md). */
static struct table {
  struct socketfile_entry want[SOCKETFILE_MAX];
  int held[SOCKETFILE_MAX]; /* -1 until made */
  char listen_fds[sizeof "LISTEN_FDS=" + UINT_FMT];
  char listen_pid[sizeof "LISTEN_PID=" + PID_FMT]; /* the child's */
  char
      listen_names[sizeof "LISTEN_FDNAMES=" + SOCKETFILE_MAX * SOCKETFILE_NAME];
} * t;
static unsigned count; /* 0 without a socket file */
static int loaded;     /* the file was read (or is absent) */

static void say(struct socketfile_entry const *e, char const *why) {
  char n[UINT_FMT];
  n[uint_fmt(n, e->line)] = 0;
  if (why)
    tend_warn("unable to bind ", dir, "/socket line ", n, ": ", why);
  else
    tend_warnsys("unable to bind ", dir, "/socket line ", n);
}

static int load(void) {
  int fd = tend_open_typed_follow(AT_FDCWD, "socket", O_RDONLY, S_IFREG);
  if (fd < 0) {
    if (errno == ENOENT) return loaded = 1;
    tend_warnsys("unable to start ", dir, "/run: unable to read ", dir,
                 "/socket");
    return 0;
  }
  char buf[SOCKETFILE_SIZE];
  size_t len = 0;
  for (;;) {
    ssize_t r = read(fd, buf + len, sizeof buf - len);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      tend_warnsys("unable to start ", dir, "/run: unable to read ", dir,
                   "/socket");
      close(fd);
      return 0;
    }
    if (!r || (len += (size_t)r) == sizeof buf) break;
  }
  close(fd);
  if (!t && !(t = malloc(sizeof *t))) {
    tend_warnsys("unable to start ", dir,
                 "/run: unable to hold the sockets of ", dir, "/socket");
    return 0;
  }
  unsigned bad;
  char const *why;
  int n = socketfile_parse(buf, len, t->want, SOCKETFILE_MAX, &bad, &why);
  if (n < 0) {
    char line[UINT_FMT + 6] = "";
    if (bad) memcpy(line, " line ", 6), line[6 + uint_fmt(line + 6, bad)] = 0;
    tend_warn("unable to start ", dir, "/run: ", dir, "/socket", line, ": ",
              why);
    return 0;
  }
  count = (unsigned)n;
  size_t at = sizeof "LISTEN_FDNAMES=" - 1;
  memcpy(t->listen_names, "LISTEN_FDNAMES=", at);
  for (unsigned i = 0; i < count; i++) {
    t->held[i] = -1;
    size_t k = strlen(t->want[i].name);
    memcpy(t->listen_names + at, t->want[i].name, k);
    at += k;
    t->listen_names[at++] = i + 1 < count ? ':' : 0;
  }
  memcpy(t->listen_fds, "LISTEN_FDS=", 11);
  t->listen_fds[11 + uint_fmt(t->listen_fds + 11, count)] = 0;
  memcpy(t->listen_pid, "LISTEN_PID=", 11);
  return loaded = 1;
}

/* An all-digit S below 2^32 - 1 into *ID: 1, else 0. */
static int number(char const *s, unsigned long *id) {
  unsigned long v = 0;
  if (!*s) return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || v > 429496729) return 0;
    v = v * 10 + (unsigned long)(*s - '0');
  }
  if (v >= 4294967295UL) return 0;
  *id = v;
  return 1;
}

/* LINE of /etc/passwd or /etc/group: if its first field is NAME and its
   third a number, that number in *ID and, with ID2, the fourth in *ID2
   (-1 if none), and 1; else 0. */
static int etc_match(char *line, char const *name, unsigned long *id,
                     unsigned long *id2) {
  char *f[4] = {line, 0, 0, 0};
  for (int i = 1; i < 4 && (f[i] = strchr(f[i - 1], ':')); i++)
    *f[i]++ = 0;
  if (!f[2] || strcmp(f[0], name) || !number(f[2], id)) return 0;
  if (!id2) return 1;
  if (f[3] && strchr(f[3], ':')) *strchr(f[3], ':') = 0;
  if (!f[3] || !number(f[3], id2)) *id2 = (unsigned long)-1;
  return 1;
}

struct etc_want {
  char const *name;
  unsigned long *id, *id2;
};
static int etc_line(char *line, void *arg) {
  struct etc_want const *w = arg;
  return etc_match(line, w->name, w->id, w->id2);
}

/* NAME's line of FILE (/etc/passwd, /etc/group): 1 if found (etc_match
   set the ids), 0 with errno ENOENT if not, -1 if FILE cannot be read.
   supervise is static and does not use NSS: the files alone count. */
static int etc_lookup(char const *file, char const *name, unsigned long *id,
                      unsigned long *id2) {
  char buf[2048];
  struct etc_want w = {name, id, id2};
  int r = each_line(AT_FDCWD, file, buf, sizeof buf, etc_line, &w);
  if (!r) errno = ENOENT;
  return r;
}

/* OWNER (USER or USER:GROUP, numbers or names) into *UID and *GID; a USER
   name alone brings its login group, a number alone leaves the group. */
static int owner_of(char const *owner, uid_t *uid, gid_t *gid) {
  char user[SOCKETFILE_OWNER];
  strcpy(user, owner);
  char *group = strchr(user, ':');
  if (group) *group++ = 0;
  unsigned long u, g = (unsigned long)-1;
  if (!number(user, &u) && etc_lookup("/etc/passwd", user, &u, &g) != 1)
    return -1;
  if (group && !number(group, &g) &&
      etc_lookup("/etc/group", group, &g, 0) != 1)
    return -1;
  *uid = (uid_t)u;
  *gid = (gid_t)g;
  return 0;
}

/* A unix socket's path: what a dead process left there (a socket nobody
   listens on: connect is refused) is removed; anything else, a symlink
   above all, is left alone and the bind fails. Then the socket is bound
   under a umask that gives it MODE from the start, and chowned without
   following a symlink. Returns 0, or -1 after saying why. */
static int unix_bind(int fd, struct socketfile_entry const *e) {
  char const *path = e->addr.un.sun_path;
  uid_t uid = (uid_t)-1;
  gid_t gid = (gid_t)-1;
  if (e->owner[0] && owner_of(e->owner, &uid, &gid) < 0) {
    char n[UINT_FMT];
    n[uint_fmt(n, e->line)] = 0;
    tend_warnsys("unable to bind ", dir, "/socket line ", n,
                 ": unable to find the owner ", e->owner);
    return -1;
  }
  struct stat s, again;
  if (lstat(path, &s) == 0) {
    if (!S_ISSOCK(s.st_mode))
      return say(e, "the path exists and is no socket: left alone"), -1;
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (probe < 0) return say(e, 0), -1;
    int r = connect(probe, &e->addr.sa, e->addrlen);
    int err = errno;
    close(probe);
    if (r == 0 || err == EAGAIN)
      return say(e, "another process listens on the path: left alone"), -1;
    if (err != ECONNREFUSED) return errno = err, say(e, 0), -1;
    /* the same inode still: not a symlink put there since */
    if (lstat(path, &again) < 0 || again.st_ino != s.st_ino ||
        again.st_dev != s.st_dev || unlink(path) < 0)
      return say(e, "the stale socket cannot be removed"), -1;
  } else if (errno != ENOENT)
    return say(e, 0), -1;
  mode_t old = e->mode >= 0 ? umask((mode_t)(0777 & ~e->mode)) : 0;
  int r = bind(fd, &e->addr.sa, e->addrlen);
  int err = errno;
  if (e->mode >= 0) umask(old);
  if (r < 0) return errno = err, say(e, 0), -1;
  if ((uid != (uid_t)-1 || gid != (gid_t)-1) && lchown(path, uid, gid) < 0) {
    say(e, 0);
    unlink(path);
    return -1;
  }
  return 0;
}

/* Makes the socket of E: its fd, or -1 after saying why. */
static int make(struct socketfile_entry const *e) {
  int fd = socket(e->family, e->type | SOCK_CLOEXEC, 0);
  if (fd < 0) return say(e, 0), -1;
  int one = 1;
  /* [::] is IPv6 alone, whatever net.ipv6.bindv6only says: list
     0.0.0.0 too for IPv4 */
  if (e->family == AF_INET6 &&
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0)
    goto fail;
  if (e->family != AF_UNIX && e->type == SOCK_STREAM &&
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
    goto fail;
  if (e->family == AF_UNIX) {
    if (unix_bind(fd, e) < 0) return close(fd), -1;
  } else if (bind(fd, &e->addr.sa, e->addrlen) < 0)
    goto fail;
  if (e->type == SOCK_STREAM &&
      listen(fd, (int)setting("socket-backlog", 65535, SOMAXCONN)) < 0)
    goto fail;
  return fd;
fail:
  say(e, 0);
  close(fd);
  return -1;
}

int sockets_open(int notify_at) {
  if (!loaded && !load()) return 0;
  if (notify_at >= 3 && (unsigned)notify_at < 3 + count) {
    char n[UINT_FMT];
    n[uint_fmt(n, 2 + count)] = 0;
    tend_warn("unable to start ", dir, "/run: ", dir,
              "/notification-fd is one of the socket fds, 3 to ", n);
    return 0;
  }
  for (unsigned i = 0; i < count; i++)
    if (t->held[i] < 0 && (t->held[i] = make(&t->want[i])) < 0) return 0;
  return 1;
}

int sockets_var(char const *var) {
  return !strncmp(var, "LISTEN_FDS=", 11) || !strncmp(var, "LISTEN_PID=", 11) ||
         !strncmp(var, "LISTEN_FDNAMES=", 15);
}

size_t sockets_env(char **envp, size_t k) {
  if (!count) return k;
  envp[k++] = t->listen_fds;
  envp[k++] = t->listen_pid;
  envp[k++] = t->listen_names;
  return k;
}

/* In the vfork child, if ENVP is the one sockets_env filled. Its one
   write to memory it shares with supervise is LISTEN_PID's digits, which
   supervise writes anew before every start and never reads. The sockets
   go first above 3 + count, then to 3, 4, ...; so does NOTIFY_W if it is
   in the way (its new fd is returned). */
int sockets_child(char *const envp[], int notify_w) {
  if (!t) return notify_w;
  size_t i = 0;
  while (envp[i] && envp[i] != t->listen_pid)
    i++;
  if (!envp[i]) return notify_w;
  t->listen_pid[11 + pid_fmt(t->listen_pid + 11, getpid())] = 0;
  int floor = 3 + (int)count, moved[SOCKETFILE_MAX], failed = 0;
  if (notify_w >= 0 && notify_w < floor)
    failed = (notify_w = fcntl(notify_w, F_DUPFD_CLOEXEC, floor)) < 0;
  for (unsigned s = 0; s < count; s++) {
    moved[s] = t->held[s] >= floor ? t->held[s]
                                   : fcntl(t->held[s], F_DUPFD_CLOEXEC, floor);
    failed |= moved[s] < 0;
  }
  for (unsigned s = 0; s < count; s++)
    if (failed || dup2(moved[s], 3 + (int)s) < 0)
      tend_diesys(111, "unable to pass the sockets to ", dir, "/run");
  return notify_w;
}
