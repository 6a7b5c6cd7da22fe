/* Putting the service directories in place, all or nothing: every
   conflict is found before anything is written; the new directories are
   built and synced in DESTDIR/.svimport.XXXXXX (svscan skips dot names),
   then each is renamed in whole. With -f an existing directory is updated
   in place instead: svimport's own files are renamed over the old ones (or
   removed), and everything else in it (supervise/, log/main, files added
   by hand) stays. -s links SCANDIR/NAME to each directory last. With -n
   the same checks run and the files are printed instead. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <tend/msg.h>
#include "svimport.h"

enum action { CREATE, UPDATE };
enum link_action { LINK_NONE, LINK_NEW, LINK_REPLACE };

struct target {
  enum action action;
  int old_log; /* UPDATE: the old directory has log/ */
  enum link_action link;
  int done; /* CREATE: renamed in (undone if a later step fails) */
};

static char const *dest, *scan;
static int dest_fd = -1, scan_fd = -1, stage_fd = -1;
static char *stage_name; /* .svimport.XXXXXX in DESTDIR */
static char *dest_abs;
static struct target *targets;
static struct svi_service const *services;
static size_t nservices;

static char *path2(char const *a, char const *b) {
  struct sbuf s = {0};
  sb_adds(&s, a);
  if (s.len > 1 && s.s[s.len - 1] == '/') s.s[--s.len] = 0;
  sb_addf(&s, "/%s", b);
  return sb_take(&s);
}

static char *path3(char const *a, char const *b, char const *c) {
  char *ab = path2(a, b), *abc = path2(ab, c);
  xfree(ab);
  return abc;
}

static void rm_tree(int dfd, char const *name);
static void undo(void);

/* die after putting back what was renamed in, and removing the stage */
static void die_undo(char const *what, char const *where) {
  int e = errno;
  undo();
  errno = e;
  tend_diesys(111, what, where);
}

static void rm_entries(int fd) {
  int dup_fd = dup(fd);
  if (dup_fd < 0) return;
  DIR *d = fdopendir(dup_fd);
  if (!d) {
    close(dup_fd);
    return;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    rm_tree(fd, e->d_name);
  }
  closedir(d);
}

/* NAME in DFD, and all below it; symlinks are removed, never followed */
static void rm_tree(int dfd, char const *name) {
  if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT) return;
  int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  rm_entries(fd);
  close(fd);
  unlinkat(dfd, name, AT_REMOVEDIR);
}

static void undo(void) {
  for (size_t i = 0; i < nservices; i++)
    if (targets[i].done)
      renameat(dest_fd, services[i].name, stage_fd, services[i].name);
  if (stage_name) rm_tree(dest_fd, stage_name);
}

/* rename that refuses to replace NEW */
static int rename_new(int ofd, char const *old, int nfd, char const *new) {
#ifdef SYS_renameat2
  if (syscall(SYS_renameat2, ofd, old, nfd, new, 1 /* RENAME_NOREPLACE */) == 0)
    return 0;
  if (errno != ENOSYS && errno != EINVAL) return -1;
#endif
  struct stat st;
  if (fstatat(nfd, new, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    errno = EEXIST;
    return -1;
  }
  return renameat(ofd, old, nfd, new);
}

static int has_file(struct svi_service const *s, char const *path) {
  for (size_t i = 0; i < s->nf; i++)
    if (!strcmp(s->f[i].path, path)) return 1;
  return 0;
}

static void plan(struct svi_opts const *o) {
  for (size_t i = 0; i < nservices; i++) {
    struct svi_service const *s = &services[i];
    struct target *t = &targets[i];
    char *shown = path2(dest, s->name);
    struct stat st;
    if (fstatat(dest_fd, s->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno != ENOENT) tend_diesys(111, "unable to stat ", shown);
      t->action = CREATE;
    } else if (!o->force) {
      tend_die(100, shown, " exists (-f updates svimport's files in it)");
    } else if (!S_ISDIR(st.st_mode)) {
      tend_die(100, shown, " exists and is not a directory");
    } else {
      t->action = UPDATE;
      for (char const *const *f = svi_owned; *f; f++) {
        char *p = path2(s->name, *f);
        if (fstatat(dest_fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISDIR(st.st_mode))
          tend_die(100, shown, "/", *f, " is a directory");
        xfree(p);
      }
      char *log = path2(s->name, "log");
      if (fstatat(dest_fd, log, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (!S_ISDIR(st.st_mode))
          tend_die(100, shown, "/log exists and is not a directory");
        t->old_log = 1;
        if (!s->has_log)
          svi_warn(0, 0,
                   "%s/log is left in place (it holds the logs); remove it "
                   "for the output to go where the configuration says",
                   shown);
      } else if (errno != ENOENT) {
        tend_diesys(111, "unable to stat ", shown, "/log");
      }
      xfree(log);
    }
    xfree(shown);
    if (scan_fd < 0) continue;
    shown = path2(scan, s->name);
    char *want = path2(dest_abs, s->name);
    if (fstatat(scan_fd, s->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno != ENOENT) tend_diesys(111, "unable to stat ", shown);
      t->link = LINK_NEW;
    } else if (!S_ISLNK(st.st_mode)) {
      tend_die(100, shown, " exists and is not a symbolic link");
    } else {
      char got[4096];
      ssize_t n = readlinkat(scan_fd, s->name, got, sizeof got - 1);
      if (n < 0) tend_diesys(111, "unable to read the link ", shown);
      got[n] = 0;
      if (strcmp(got, want)) {
        if (!o->force)
          tend_die(100, shown, " points to ", got, " (-f replaces it)");
        t->link = LINK_REPLACE;
      }
    }
    xfree(want);
    xfree(shown);
  }
}

static void print_header(int *first, char const *text, char const *extra) {
  printf("%s==> %s%s <==\n", *first ? "" : "\n", text, extra);
  *first = 0;
}

static void dry_run(void) {
  int first = 1;
  for (size_t i = 0; i < nservices; i++) {
    struct svi_service const *s = &services[i];
    struct target const *t = &targets[i];
    for (size_t k = 0; k < s->nf; k++) {
      char *p = path3(dest, s->name, s->f[k].path);
      char mode[16];
      snprintf(mode, sizeof mode, " (%04o)", s->f[k].mode);
      print_header(&first, p, mode);
      fwrite(s->f[k].data, 1, s->f[k].len, stdout);
      xfree(p);
    }
    if (t->action == UPDATE)
      for (char const *const *f = svi_owned; *f; f++) {
        if (has_file(s, *f)) continue;
        char *p = path3(dest, s->name, *f);
        if (!strcmp(*f, "log/run") && t->old_log)
          print_header(&first, p, ": left in place");
        else
          print_header(&first, p, ": removed if present");
        xfree(p);
      }
    if (t->link != LINK_NONE) {
      char *p = path2(scan, s->name), *want = path2(dest_abs, s->name);
      struct sbuf b = {0};
      sb_addf(&b, ": symbolic link to %s", want);
      print_header(&first, p, b.s);
      xfree(b.s);
      xfree(p);
      xfree(want);
    }
  }
  if (fflush(stdout) != 0 || ferror(stdout))
    tend_diesys(111, "unable to write to stdout");
}

static void write_file(char const *rel, struct svi_file const *f) {
  int fd = openat(stage_fd, rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) die_undo("unable to create ", rel);
  if (allwrite(fd, f->data, f->len) < f->len) die_undo("unable to write ", rel);
  if (fchmod(fd, f->mode) < 0) die_undo("unable to chmod ", rel);
  if (fsync(fd) < 0) die_undo("unable to sync ", rel);
  close(fd);
}

static void sync_dir(int dfd, char const *rel) {
  int fd = openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || fsync(fd) < 0) die_undo("unable to sync ", rel);
  close(fd);
}

static void make_dir(char const *rel) {
  if (mkdirat(stage_fd, rel, 0700) < 0) die_undo("unable to create ", rel);
  if (fchmodat(stage_fd, rel, 0755, 0) < 0) die_undo("unable to chmod ", rel);
}

static void build(void) {
  char *tmpl = path2(dest, ".svimport.XXXXXX");
  if (!mkdtemp(tmpl)) tend_diesys(111, "unable to create ", tmpl);
  stage_name = xstrdup(strrchr(tmpl, '/') + 1);
  xfree(tmpl);
  stage_fd = openat(dest_fd, stage_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (stage_fd < 0) die_undo("unable to open ", stage_name);
  for (size_t i = 0; i < nservices; i++) {
    struct svi_service const *s = &services[i];
    make_dir(s->name);
    char *log = path2(s->name, "log");
    if (s->has_log) make_dir(log);
    for (size_t k = 0; k < s->nf; k++) {
      char *rel = path2(s->name, s->f[k].path);
      write_file(rel, &s->f[k]);
      xfree(rel);
    }
    if (s->has_log) sync_dir(stage_fd, log);
    sync_dir(stage_fd, s->name);
    xfree(log);
  }
}

/* the order of an update: settings first, ./run last */
static char const *const update_order[] = {"down-signal",
                                           "timeout-kill",
                                           "restart-stable",
                                           "finish",
                                           "down",
                                           "log/run",
                                           "run",
                                           0};

static void update(struct svi_service const *s, struct target const *t) {
  for (char const *const *f = update_order; *f; f++) {
    char *rel = path2(s->name, *f);
    char *shown = path2(dest, rel);
    if (!strcmp(*f, "log/run") && s->has_log && !t->old_log) {
      char *log = path2(s->name, "log");
      if (rename_new(stage_fd, log, dest_fd, log) < 0)
        die_undo("unable to rename in ", shown);
      xfree(log);
    } else if (has_file(s, *f)) {
      if (renameat(stage_fd, rel, dest_fd, rel) < 0)
        die_undo("unable to replace ", shown);
    } else if (!strcmp(*f, "log/run") && t->old_log) {
      /* said in plan() */
    } else if (unlinkat(dest_fd, rel, 0) < 0 && errno != ENOENT) {
      die_undo("unable to remove ", shown);
    }
    xfree(rel);
    xfree(shown);
  }
  char *log = path2(s->name, "log");
  if (s->has_log && t->old_log) sync_dir(dest_fd, log);
  sync_dir(dest_fd, s->name);
  xfree(log);
}

static void link_in(struct svi_service const *s, struct target const *t) {
  if (t->link == LINK_NONE) return;
  char *want = path2(dest_abs, s->name), *shown = path2(scan, s->name);
  if (t->link == LINK_NEW) {
    if (symlinkat(want, scan_fd, s->name) < 0)
      tend_diesys(111, "unable to create ", shown);
  } else if (t->link == LINK_REPLACE) {
    struct sbuf tmp = {0};
    sb_addf(&tmp, ".%s.svimport", s->name);
    unlinkat(scan_fd, tmp.s, 0);
    if (symlinkat(want, scan_fd, tmp.s) < 0 ||
        renameat(scan_fd, tmp.s, scan_fd, s->name) < 0)
      tend_diesys(111, "unable to replace ", shown);
    xfree(tmp.s);
  }
  xfree(want);
  xfree(shown);
}

static int open_dir(char const *path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) tend_diesys(111, "unable to open ", path);
  return fd;
}

void svi_write(struct svi_service const *svc, size_t n,
               struct svi_opts const *o) {
  services = svc;
  nservices = n;
  targets = xmalloc((n ? n : 1) * sizeof *targets);
  memset(targets, 0, (n ? n : 1) * sizeof *targets);
  dest = o->destdir;
  scan = o->scandir;
  dest_fd = open_dir(dest);
  dest_abs = realpath(dest, 0);
  if (!dest_abs) tend_diesys(111, "unable to resolve ", dest);
  if (scan) {
    scan_fd = open_dir(scan);
    struct stat a, b;
    if (fstat(dest_fd, &a) < 0 || fstat(scan_fd, &b) < 0)
      tend_diesys(111, "unable to stat ", dest);
    if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
      tend_die(100, "-s ", scan, " is DESTDIR itself: nothing to link");
  }
  plan(o);
  if (o->dry_run) {
    dry_run();
    return;
  }
  build();
  for (size_t i = 0; i < n; i++) {
    if (targets[i].action != CREATE) continue;
    if (rename_new(stage_fd, svc[i].name, dest_fd, svc[i].name) < 0)
      die_undo("unable to rename in ", svc[i].name);
    targets[i].done = 1;
  }
  for (size_t i = 0; i < n; i++)
    if (targets[i].action == UPDATE) {
      for (size_t k = 0; k < n; k++)
        targets[k].done = 0; /* updates cannot be undone: keep the new */
      update(&svc[i], &targets[i]);
    }
  if (fsync(dest_fd) < 0) die_undo("unable to sync ", dest);
  for (size_t i = 0; i < n; i++)
    targets[i].done = 0;
  rm_tree(dest_fd, stage_name);
  for (size_t i = 0; i < n; i++)
    link_in(&svc[i], &targets[i]);
  if (scan_fd >= 0 && fsync(scan_fd) < 0)
    tend_diesys(111, "unable to sync ", scan);
}
