/* Making an instance: NAME@ID is built aside as .NAME@ID.tmp, a name
   svscan skips, and renamed into place complete, so svscan never sees half
   of one. It holds a generated run (and log/run) that execs the template's
   with the ID, an empty down if the template has one, relative symlinks to
   the template's other files, and a log/ of its own. Adding an existing
   instance brings its links up to date (doc/svinstance.8). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <tend/msg.h>
#include "svinstance.h"

enum { TOP = 0, LOG = 1 }; /* the instance itself, or its log/ */

static int fail(char const *what, char const *path) {
  tend_warnsys("unable to ", what, " ", path);
  return -1;
}

/* The template's entries an instance does not link to: its own run
   (generated), down (copied: svc users create and remove it per service),
   supervise/ and log/ (each instance has its own), dot names. In log/,
   directories are not linked either: they are where loggers write. */
static int linked(int srcfd, char const *name, int level) {
  struct stat st;
  if (name[0] == '.' || !strcmp(name, "run") || !strcmp(name, "down") ||
      !strcmp(name, "supervise"))
    return 0;
  if (level == TOP) return strcmp(name, "log") != 0;
  return fstatat(srcfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
         !S_ISDIR(st.st_mode);
}

/* "../worker@/NAME" in the instance, "../../worker@/log/NAME" in its log/:
   relative, so that the scan directory can be moved or mounted elsewhere. */
static void link_target(char *buf, size_t size, struct tmpl const *t,
                        char const *name, int level) {
  snprintf(buf, size, "%s%s/%s%s", level == LOG ? "../../" : "../", t->name,
           level == LOG ? "log/" : "", name);
}

/* Single quotes for sh; a quote inside becomes '\''. */
static size_t sh_quote(char *out, char const *s) {
  size_t n = 0;
  out[n++] = '\'';
  for (; *s; s++) {
    if (*s == '\'') {
      memcpy(out + n, "'\\''", 4);
      n += 4;
    } else
      out[n++] = *s;
  }
  out[n++] = '\'';
  return n;
}

/* The run of an instance: the ID as $1 and in the environment, then the
   template's run, with the instance directory as the current directory. */
static int write_run(int dfd, struct tmpl const *t, char const *id, int level,
                     char const *path) {
  char buf[8192], target[PATH_MAX], service[TEMPLATE_MAX + ID_MAX + 1];
  size_t n = 0;
  link_target(target, sizeof target, t, "run", level);
  snprintf(service, sizeof service, "%s%s", t->name, id);
#define PUT(s) (memcpy(buf + n, s, strlen(s)), n += strlen(s))
  PUT("#!/bin/sh\n# made by svinstance: instance ");
  n += sh_quote(buf + n, id);
  PUT(" of the template ");
  n += sh_quote(buf + n, t->name);
  PUT(" (doc/svinstance.8)\nTEND_INSTANCE=");
  n += sh_quote(buf + n, id);
  PUT(" TEND_SERVICE=");
  n += sh_quote(buf + n, service);
  PUT("\nexport TEND_INSTANCE TEND_SERVICE\nexec ");
  n += sh_quote(buf + n, target);
  PUT(" ");
  n += sh_quote(buf + n, id);
  PUT("\n");
#undef PUT
  int fd = openat(dfd, "run",
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0700);
  if (fd < 0) return fail("create", path);
  if (allwrite(fd, buf, n) < n || fchmod(fd, 0755) < 0 || fsync(fd) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return fail("write", path);
  }
  close(fd);
  return 0;
}

/* down is read when supervise starts: a template's down makes its
   instances start down. A copy, not a link, so that removing an
   instance's down does not touch the template. */
static int copy_down(int srcfd, int dfd, char const *path) {
  struct stat st;
  if (fstatat(srcfd, "down", &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : fail("read", path);
  int fd = openat(dfd, "down",
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return fail("create", path);
  close(fd);
  return 0;
}

static DIR *open_listing(int fd) {
  int d = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d < 0) return 0;
  DIR *dir = fdopendir(d);
  if (!dir) close(d);
  return dir;
}

/* A link in DFD for each entry of SRCFD that instances link to, where DFD
   has nothing of that name (an instance's own file stays). */
static int link_missing(struct tmpl const *t, int srcfd, int dfd, int level,
                        char const *path) {
  DIR *dir = open_listing(srcfd);
  if (!dir) return fail("read", where(t, t->name, level == LOG ? "/log" : ""));
  int r = 0;
  for (;;) {
    char target[PATH_MAX];
    struct stat st;
    errno = 0;
    struct dirent *e = readdir(dir);
    if (!e) {
      if (errno) r = fail("read", where(t, t->name, ""));
      break;
    }
    if (!linked(srcfd, e->d_name, level)) continue;
    if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) continue;
    link_target(target, sizeof target, t, e->d_name, level);
    if (errno != ENOENT || symlinkat(target, dfd, e->d_name) < 0) {
      r = fail("create a link in", path);
      break;
    }
  }
  closedir(dir);
  return r;
}

/* Removes from DFD the links this program made to entries the template no
   longer has (a link someone else made, or an own file, stays). */
static int unlink_stale(struct tmpl const *t, int srcfd, int dfd, int level,
                        char const *path) {
  DIR *dir = open_listing(dfd);
  if (!dir) return fail("read", path);
  int r = 0;
  for (;;) {
    char target[PATH_MAX], got[PATH_MAX];
    errno = 0;
    struct dirent *e = readdir(dir);
    if (!e) {
      if (errno) r = fail("read", path);
      break;
    }
    if (e->d_name[0] == '.') continue;
    ssize_t n = readlinkat(dfd, e->d_name, got, sizeof got - 1);
    if (n < 0) continue; /* not a link */
    got[n] = 0;
    link_target(target, sizeof target, t, e->d_name, level);
    if (strcmp(got, target)) continue;
    struct stat st;
    int has = fstatat(srcfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (has && linked(srcfd, e->d_name, level)) continue;
    if (!has && errno != ENOENT) continue; /* unknown: keep it */
    if (unlinkat(dfd, e->d_name, 0) < 0 && errno != ENOENT) {
      r = fail("remove a link in", path);
      break;
    }
  }
  closedir(dir);
  return r;
}

/* The template's log/, opened, or -1: ENOENT if there is none. */
static int open_template_log(struct tmpl const *t, struct stat *st) {
  if (fstatat(t->fd, "log", st, AT_SYMLINK_NOFOLLOW) < 0) return -1;
  if (!S_ISDIR(st->st_mode)) {
    tend_warn("unable to use ", where(t, t->name, "/log"),
              ": not a directory (a symlink is not followed)");
    errno = EINVAL;
    return -1;
  }
  int fd =
      openat(t->fd, "log", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) fail("open", where(t, t->name, "/log"));
  if (fd < 0 && errno == ENOENT) errno = EIO; /* gone meanwhile: not "none" */
  return fd;
}

/* One level (the instance or its log/) of a new instance in DFD. */
static int fill(struct tmpl const *t, int srcfd, int dfd, char const *id,
                int level, char const *tmp) {
  char const *sub = level == LOG ? "/log" : "";
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", where(t, tmp, sub));
  struct stat st;
  if (fstatat(srcfd, "run", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      write_run(dfd, t, id, level,
                where(t, tmp, level == LOG ? "/log/run" : "/run")) < 0)
    return -1;
  if (copy_down(srcfd, dfd,
                where(t, tmp, level == LOG ? "/log/down" : "/down")) < 0)
    return -1;
  return link_missing(t, srcfd, dfd, level, path);
}

static int build(struct tmpl const *t, char const *id, char const *name) {
  char tmp[NAME_MAX + 1];
  struct stat tst, lst;
  int dfd = -1, ldfd = -1, lsrc = -1, r = -1;
  snprintf(tmp, sizeof tmp, ".%s.tmp", name);
  /* a leftover of an interrupted add: the lock says nobody builds it now */
  if (remove_tree(t->scanfd, tmp) < 0) return fail("remove", where(t, tmp, ""));
  if (fstat(t->fd, &tst) < 0) return fail("read", where(t, t->name, ""));
  if (mkdirat(t->scanfd, tmp, 0700) < 0)
    return fail("create", where(t, tmp, ""));
  dfd = openat(t->scanfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0) {
    fail("open", where(t, tmp, ""));
    goto out;
  }
  if (fill(t, t->fd, dfd, id, TOP, tmp) < 0) goto out;
  lsrc = open_template_log(t, &lst);
  if (lsrc < 0 && errno != ENOENT) goto out;
  if (lsrc >= 0) {
    if (mkdirat(dfd, "log", 0700) < 0) {
      fail("create", where(t, tmp, "/log"));
      goto out;
    }
    ldfd = openat(dfd, "log", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (ldfd < 0) {
      fail("open", where(t, tmp, "/log"));
      goto out;
    }
    if (fill(t, lsrc, ldfd, id, LOG, tmp) < 0) goto out;
    if (fchmod(ldfd, lst.st_mode & 07777) < 0 || fsync(ldfd) < 0) {
      fail("set up", where(t, tmp, "/log"));
      goto out;
    }
  }
  /* the template's permissions; the owner is whoever runs svinstance */
  if (fchmod(dfd, tst.st_mode & 07777) < 0 || fsync(dfd) < 0) {
    fail("set up", where(t, tmp, ""));
    goto out;
  }
  if (rename_noreplace(t->scanfd, tmp, name) < 0) {
    tend_warnsys("unable to rename ", where(t, tmp, ""), " to ", name);
    goto out;
  }
  if (fsync(t->scanfd) < 0) tend_warnsys("unable to sync ", t->dir);
  r = 0;
out:
  if (lsrc >= 0) close(lsrc);
  if (ldfd >= 0) close(ldfd);
  if (dfd >= 0) close(dfd);
  if (r < 0 && remove_tree(t->scanfd, tmp) < 0)
    fail("remove", where(t, tmp, ""));
  return r;
}

/* An instance directory svinstance may change: a real directory, owned by
   the caller and writable by nobody else (links are made in it). */
static int open_own(struct tmpl const *t, int dfd, char const *name,
                    char const *path) {
  struct stat st;
  int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return fail("open", path);
  if (fstat(fd, &st) < 0) {
    close(fd);
    return fail("read", path);
  }
  if (st.st_uid != geteuid() || (st.st_mode & 022)) {
    close(fd);
    tend_warn("unable to update ", path,
              ": owned by another user or writable by others");
    return -1;
  }
  return fd;
}

static int refresh(struct tmpl const *t, char const *name) {
  char path[PATH_MAX], logpath[PATH_MAX];
  struct stat lst;
  snprintf(path, sizeof path, "%s", where(t, name, ""));
  snprintf(logpath, sizeof logpath, "%s", where(t, name, "/log"));
  int dfd = open_own(t, t->scanfd, name, path);
  if (dfd < 0) return -1;
  int r = link_missing(t, t->fd, dfd, TOP, path);
  if (r == 0) r = unlink_stale(t, t->fd, dfd, TOP, path);
  int lsrc = r == 0 ? open_template_log(t, &lst) : -1;
  if (lsrc < 0 && r == 0 && errno != ENOENT) r = -1;
  if (lsrc >= 0) {
    if (fstatat(dfd, "log", &lst, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
      /* svscan gives a service its log pipe only when its supervise
         starts: a log/ reaches an instance when it is made again */
      tend_warn("the template's log/ reaches ", path,
                " only when it is removed and added again");
    else {
      int ldfd = open_own(t, dfd, "log", logpath);
      r = ldfd < 0 ? -1 : link_missing(t, lsrc, ldfd, LOG, logpath);
      if (r == 0) r = unlink_stale(t, lsrc, ldfd, LOG, logpath);
      if (ldfd >= 0) close(ldfd);
    }
    close(lsrc);
  }
  close(dfd);
  return r;
}

int instance_add(struct tmpl const *t, char const *id) {
  char name[TEMPLATE_MAX + ID_MAX + 1];
  struct stat st;
  snprintf(name, sizeof name, "%s%s", t->name, id);
  if (fstatat(t->scanfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return build(t, id, name);
    return fail("read", where(t, name, ""));
  }
  if (!S_ISDIR(st.st_mode)) {
    tend_warn("unable to add ", where(t, name, ""),
              ": it exists and is not a directory");
    return -1;
  }
  return refresh(t, name);
}
