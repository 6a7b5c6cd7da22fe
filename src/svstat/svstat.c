/* svstat DIR...: one line per DIR saying whether its service is up, for
   how long, and how that differs from what is wanted. The line is byte for
   byte daemontools' (interface §4); -l adds tend's extension after it.
   -j prints a JSON object per DIR instead, -P the Prometheus text format.
   The facts come from svstat_read.c, the text from svstat_fmt.c,
   svstat_json.c and svstat_prom.c; this file walks the directories. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <tend/getopt.h>
#include <tend/msg.h>
#include <tend/status.h>
#include "svstat_cgroup.h"
#include "svstat_fmt.h"
#include "svstat_json.h"
#include "svstat_prom.h"
#include "svstat_read.h"

#define USAGE "svstat [ -l | -j | -P ] dir ..."
/* -j and -P write their output in pieces of about this size */
#define CHUNK 65536
/* -P formats this many services between two looks at the output size */
#define SLICE 256

static char buf[CHUNK];
static buffer out = BUFFER_INIT(&buffer_write, 1, buf, sizeof buf);
static stralloc text = STRALLOC_ZERO; /* -j, -P: what is not written yet */
static int here = -1;                 /* the directory svstat started in */

static void put(char const *s) {
  buffer_puts(&out, s);
}

static void back(void) {
  if (fchdir(here) < 0)
    tend_diesys(111, "unable to go back to current directory");
}

static void nomem(void) {
  tend_die(111, "out of memory");
}

/* Writes TEXT if it holds at least AT LEAST bytes. */
static void flush_text(size_t atleast) {
  if (text.len < atleast || !text.len) return;
  if (allwrite(1, text.s, text.len) < text.len)
    tend_diesys(111, "unable to write to stdout");
  text.len = 0;
}

/* Reads DIR into R and, if LOG, its log directory into LOGR, whose
   haslog says if it has one. The files are opened by their path (see
   svstat_read.c); a name too long to hold them is entered instead. */
static void read_dir(char const *dir, svstat_record *r, svstat_record *logr,
                     int log) {
  static char path[PATH_MAX + 8 + SVSTAT_READ_TAIL];
  size_t n = strlen(dir), prefixlen = 0;
  int entered = 0;
  if (!n) { /* chdir("") says ENOENT, and so does daemontools' svstat */
    svstat_read_unentered(r, ENOENT);
    return;
  }
  /* the longest path opened, "DIR/log/supervise/status", must fit in
     PATH_MAX wherever "DIR" alone does (daemontools' svstat enters DIR) */
  if (n + sizeof "/log/" + SVSTAT_READ_TAIL < PATH_MAX) {
    memcpy(path, dir, n);
    prefixlen = n;
    if (dir[n - 1] != '/') path[prefixlen++] = '/';
  } else if (chdir(dir) < 0) {
    svstat_read_unentered(r, errno);
    return;
  } else
    entered = 1;
  if (svstat_read(r, path, prefixlen, log, here) < 0) back();
  if (r->haslog) {
    memcpy(path + prefixlen, "log/", 4);
    if (svstat_read(logr, path, prefixlen + 4, 0, here) < 0) back();
  }
  if (entered) back();
}

/* -l's last field: the cgroup of the service, if it has one. */
static void put_cgroup(char const *dir) {
  static char path[PATH_MAX];
  unsigned long procs;
  int r = svstat_cgroup(dir, path, sizeof path, &procs);
  if (!r) return;
  put("; cgroup ");
  put(path);
  if (r == 2) {
    put(" (processes unknown)");
    return;
  }
  char n[ULONG_FMT];
  n[ulong_fmt(n, procs)] = 0;
  put(" (");
  put(n);
  put(procs == 1 ? " process)" : " processes)");
}

/* The plain line for DIR, with -l's fields if LONGFORM. */
static void show(char const *dir, int longform) {
  svstat_record r;
  read_dir(dir, &r, 0, 0);
  if (r.what) {
    put(dir);
    put(": ");
    put(r.what);
    put(r.reason);
    return;
  }
  tend_stamp now;
  tend_stamp_now(&now);
  size_t size = strlen(dir) + SVSTAT_FMT_MAX;
  char *line = malloc(size);
  if (!line) nomem();
  buffer_put(&out, line,
             svstat_fmt(line, size, dir, &r.st, r.normallyup, longform, &now));
  free(line);
  if (longform) put_cgroup(dir);
}

/* The directory svstat started in, for "path"; 0 if it has none. */
static char *current_directory(void) {
  for (size_t size = 256; size <= 1 << 20; size *= 2) {
    char *cwd = malloc(size);
    if (!cwd) nomem();
    if (getcwd(cwd, size)) return cwd;
    free(cwd);
    if (errno != ERANGE) break;
  }
  return 0;
}

static void show_json(int argc, char const *const *argv) {
  char *cwd = current_directory();
  stralloc path = STRALLOC_ZERO;
  for (int i = 0; i < argc; i++) {
    svstat_record r, log;
    read_dir(argv[i], &r, &log, 1);
    path.len = 0;
    if ((cwd || argv[i][0] == '/') && !svstat_path(&path, cwd, argv[i]))
      nomem();
    tend_stamp now;
    tend_stamp_now(&now);
    if (!svstat_json(&text, argv[i], path.len ? path.s : 0, &r,
                     r.haslog ? &log : 0, &now))
      nomem();
    flush_text(CHUNK);
  }
  flush_text(0);
  stralloc_free(&path);
  free(cwd);
}

static void show_prom(int argc, char const *const *argv) {
  svstat_entry *e = calloc((size_t)argc * 2 + 1, sizeof *e);
  if (!e) nomem();
  size_t n = 0;
  for (int i = 0; i < argc; i++) {
    char const *dir = argv[i];
    svstat_entry *svc = &e[n++];
    svc->label = dir;
    read_dir(dir, &svc->r, &e[n].r, 1);
    if (!svc->r.haslog) continue;
    size_t len = strlen(dir);
    char *label = malloc(len + 5);
    if (!label) nomem();
    memcpy(label, dir, len);
    strcpy(label + len, len && dir[len - 1] == '/' ? "log" : "/log");
    e[n++].label = label;
  }
  for (size_t i = 0; i < n; i++)
    if (e[i].r.what) tend_warn(e[i].label, ": ", e[i].r.what, e[i].r.reason);
  if (!svstat_prom_dedupe(e, n)) nomem();
  tend_stamp now;
  tend_stamp_now(&now);
  for (unsigned f = 0; f < SVSTAT_PROM_FAMILIES; f++) {
    int headed = 0;
    for (size_t i = 0; i < n; i += SLICE) {
      if (!svstat_prom_family(&text, f, e + i, n - i < SLICE ? n - i : SLICE,
                              &now, &headed))
        nomem();
      flush_text(CHUNK);
    }
  }
  flush_text(0);
}

int main(int argc, char const *const *argv) {
  int format = 0; /* 'j', 'P', or 0 for the plain line */
  int longform = 0;
  tend_prog = "svstat";
  subgetopt l = SUBGETOPT_ZERO;
  for (int opt; (opt = tend_getopt(argc, argv, "ljP", USAGE, &l)) != -1;) {
    if (opt == 'l')
      longform = 1;
    else if (opt == 'j' || opt == 'P') {
      if (format && format != opt)
        tend_usage_error(USAGE, "-j and -P cannot be used together");
      format = opt;
    }
  }
  if (format && !stralloc_ready(&text, 2 * CHUNK)) nomem();
  here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (here < 0) tend_diesys(111, "unable to open current directory");
  argc -= l.ind;
  argv += l.ind;
  if (format == 'j')
    show_json(argc, argv);
  else if (format == 'P')
    show_prom(argc, argv);
  else {
    for (int i = 0; i < argc; i++) {
      show(argv[i], longform);
      put("\n");
    }
    if (!buffer_flush(&out)) tend_diesys(111, "unable to write to stdout");
  }
  return 0;
}
