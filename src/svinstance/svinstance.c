/* svinstance add|remove|set|list DIR/NAME@ ...: one template, N copies.
   A template is a service directory whose name ends in @, kept in the scan
   directory; svscan never starts it. Its instances NAME@ID sit beside it,
   each a service of its own that runs the template's files with the ID as
   $1 and TEND_INSTANCE (doc/svinstance.8; doc/servicedir.md, "Templates
   and instances"). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/types.h>
#include <tend/getopt.h>
#include <tend/msg.h>
#include <tend/statuswait.h>
#include "svinstance.h"

#define USAGE                                                                  \
  "svinstance [ -T ms ] add|remove template id ... | set template n | list "   \
  "template"

static char outbuf[4096];
static buffer out = BUFFER_INIT(&buffer_write, 1, outbuf, sizeof outbuf);

char const *where(struct tmpl const *t, char const *a, char const *b) {
  static char buf[PATH_MAX + 2 * NAME_MAX];
  snprintf(buf, sizeof buf, "%s%s%s%s", t->dir,
           !t->dir[0] || !strcmp(t->dir, "/") ? "" : "/", a, b);
  return buf;
}

/* S for a message: bytes that are not printable ASCII shown as '?'. */
static char const *shown(char const *s) {
  static char buf[ID_MAX + 8];
  size_t n = 0;
  for (; *s && n < ID_MAX + 1; s++)
    buf[n++] = (unsigned char)*s < ' ' || (unsigned char)*s >= 127 ? '?' : *s;
  if (*s) {
    memcpy(buf + n, "...", 3);
    n += 3;
  }
  buf[n] = 0;
  return buf;
}

/* DIR/NAME@ as given: DIR opened as the scan directory, NAME@ checked,
   and the template opened and, unless only listing, locked: svinstance
   runs on one template take turns. */
static void template_open(struct tmpl *t, char const *arg, int lock) {
  static char path[PATH_MAX];
  size_t len = strlen(arg);
  if (len >= sizeof path) tend_die(100, "template path too long: ", shown(arg));
  memcpy(path, arg, len + 1);
  while (len > 1 && path[len - 1] == '/')
    path[--len] = 0;
  char *slash = strrchr(path, '/');
  char const *name = path;
  t->dir = "";
  if (slash == path) {
    t->dir = "/";
    name = path + 1;
  } else if (slash) {
    *slash = 0;
    t->dir = path;
    name = slash + 1;
  }
  char const *why = template_problem(name);
  if (why) tend_die(100, "bad template name \"", shown(name), "\": ", why);
  strcpy(t->name, name);
  t->scanfd =
      open(t->dir[0] ? t->dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (t->scanfd < 0)
    tend_diesys(111, "unable to open ", t->dir[0] ? t->dir : ".");
  t->fd = openat(t->scanfd, t->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (t->fd < 0) tend_diesys(111, "unable to open ", where(t, t->name, ""));
  if (!lock) return;
  int r;
  do
    r = flock(t->fd, LOCK_EX);
  while (r < 0 && errno == EINTR);
  if (r < 0) tend_diesys(111, "unable to lock ", where(t, t->name, ""));
}

static void need_run(struct tmpl const *t) {
  if (faccessat(t->fd, "run", X_OK, 0) < 0)
    tend_diesys(111, "unable to add instances of ", where(t, t->name, ""),
                ": no executable run");
}

/* Numbers first, by value; then the other IDs, bytewise. */
static int by_id(void const *a, void const *b) {
  char const *x = *(char *const *)a, *y = *(char *const *)b;
  int nx = id_is_number(x), ny = id_is_number(y);
  if (nx != ny) return ny - nx;
  size_t lx = strlen(x), ly = strlen(y);
  if (nx && lx != ly) return lx < ly ? -1 : 1;
  return strcmp(x, y);
}

/* The IDs of the template's instances, sorted: directories beside it named
   NAME@ID with a valid ID. */
static size_t instances(struct tmpl const *t, char ***ids) {
  size_t n = 0, cap = 0, len = strlen(t->name);
  char **v = 0;
  int fd = openat(t->scanfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir = fd < 0 ? 0 : fdopendir(fd);
  if (!dir) tend_diesys(111, "unable to read ", t->dir[0] ? t->dir : ".");
  for (;;) {
    struct stat st;
    errno = 0;
    struct dirent *e = readdir(dir);
    if (!e) break;
    char const *id = e->d_name + len;
    if (strncmp(e->d_name, t->name, len) || id_problem(id)) continue;
    if (fstatat(t->scanfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
        !S_ISDIR(st.st_mode))
      continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 16;
      v = realloc(v, cap * sizeof *v);
      if (!v) tend_diesys(111, "unable to allocate memory");
    }
    if (!(v[n++] = strdup(id))) tend_diesys(111, "unable to allocate memory");
  }
  if (errno) tend_diesys(111, "unable to read ", t->dir[0] ? t->dir : ".");
  closedir(dir);
  if (n) qsort(v, n, sizeof *v, by_id);
  *ids = v;
  return n;
}

static int list(struct tmpl const *t) {
  char **ids;
  size_t n = instances(t, &ids);
  for (size_t i = 0; i < n; i++) {
    char name[TEMPLATE_MAX + ID_MAX + 1];
    snprintf(name, sizeof name, "%s%s", t->name, ids[i]);
    buffer_puts(&out, where(t, name, ""));
    buffer_put(&out, "\n", 1);
  }
  if (!buffer_flush(&out)) tend_diesys(111, "unable to write to stdout");
  return 0;
}

/* Instances 1..N, and no other numbered one; others are left alone. */
static int set(struct tmpl const *t, unsigned long want, int64_t deadline) {
  int failed = 0;
  for (unsigned long i = 1; i <= want; i++) {
    char id[ULONG_FMT];
    id[ulong_fmt(id, i)] = 0;
    if (instance_add(t, id) < 0) failed = 1;
  }
  char **ids;
  size_t n = instances(t, &ids), k = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned long v = 0;
    if (!id_is_number(ids[i])) continue;
    /* longer than 9 digits: well past SET_MAX */
    if (strlen(ids[i]) > 9 || !ulong_scan(ids[i], &v) || v == 0 || v > want)
      ids[k++] = ids[i];
  }
  if (instances_remove(t, (char const *const *)ids, k, deadline) < 0)
    failed = 1;
  return failed;
}

int main(int argc, char const *const *argv) {
  enum { ADD, REMOVE, SET, LIST } what;
  int64_t timeout = -1, deadline = -1;
  tend_prog = "svinstance";
  subgetopt l = SUBGETOPT_ZERO;
  while (tend_getopt_plain(argc, argv, "T:", USAGE, &l) != -1)
    if (!tend_scan_ms(l.arg, &timeout))
      tend_die(100, "bad -T ", shown(l.arg), ": not a number of milliseconds");
  argc -= l.ind;
  argv += l.ind;
  if (argc < 2) tend_dieusage(USAGE);
  if (!strcmp(argv[0], "add"))
    what = ADD;
  else if (!strcmp(argv[0], "remove"))
    what = REMOVE;
  else if (!strcmp(argv[0], "set"))
    what = SET;
  else if (!strcmp(argv[0], "list"))
    what = LIST;
  else
    tend_dieusage(USAGE);
  if ((what == LIST && argc != 2) || (what == SET && argc != 3) ||
      ((what == ADD || what == REMOVE) && argc < 3))
    tend_dieusage(USAGE);
  if (timeout >= 0 && what != REMOVE && what != SET)
    tend_die(100, "-T is for remove and set only");
  char const *const *ids = argv + 2;
  size_t nids = what == ADD || what == REMOVE ? (size_t)(argc - 2) : 0;
  for (size_t i = 0; i < nids; i++) {
    char const *why = id_problem(ids[i]);
    if (why) tend_die(100, "bad instance ID \"", shown(ids[i]), "\": ", why);
  }
  unsigned long want = 0;
  if (what == SET) {
    size_t n = ulong_scan(argv[2], &want);
    if (!n || argv[2][n] || n > 9 || want > SET_MAX)
      tend_die(100, "bad number of instances \"", shown(argv[2]),
               "\": not a number from 0 to 10000");
  }

  struct tmpl t;
  template_open(&t, argv[1], what != LIST);
  if (timeout >= 0) deadline = tend_clock_ms() + timeout;
  int failed = 0;
  switch (what) {
  case ADD:
    need_run(&t);
    for (size_t i = 0; i < nids; i++)
      if (instance_add(&t, ids[i]) < 0) failed = 1;
    break;
  case REMOVE: failed = instances_remove(&t, ids, nids, deadline) < 0; break;
  case SET:
    need_run(&t);
    failed = set(&t, want, deadline);
    break;
  case LIST: failed = list(&t); break;
  }
  return failed ? 111 : 0;
}
