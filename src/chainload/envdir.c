/* envdir dir child...: runs child with its environment changed by the files
   in dir (daemontools-compatible). A file NAME sets $NAME to its first line,
   trailing spaces and tabs removed and NULs turned into newlines; an empty
   file removes $NAME; names starting with a dot are ignored. Only the first
   line is read, up to ENVDIR_LINE_MAX bytes, and only from a regular file
   (envdir_value.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tend/msg.h>
#include "chain.h"
#include "envdir_value.h"

extern char **environ;

#define USAGE "envdir dir child"
#define STR_(x) #x
#define STR(x) STR_(x)

static char const *dir;
static char line[ENVDIR_LINE_MAX + 1];

static void die_read(char const *name) {
  tend_diesys(111, "unable to read ", dir, "/", name);
}

/* The "NAME=value" for the file NAME, malloc'd, or 0 when it is empty. */
static char *read_setting(char const *name) {
  int fd = envdir_open(name);
  if (fd < 0) die_read(name);
  ssize_t r = envdir_read_line(fd, line);
  if (r == -1) die_read(name);
  close(fd);
  if (r == ENVDIR_EMPTY) return 0;
  if (r == ENVDIR_TOO_LONG)
    tend_die(111, "unable to read ", dir, "/", name,
             ": first line longer than " STR(ENVDIR_LINE_MAX) " bytes");
  size_t len = envdir_value(line, (size_t)r);
  size_t namelen = strlen(name);
  char *entry = malloc(namelen + len + 2);
  if (!entry) tend_die(111, "out of memory");
  memcpy(entry, name, namelen);
  entry[namelen] = '=';
  memcpy(entry + namelen + 1, line, len);
  entry[namelen + 1 + len] = 0;
  return entry;
}

int main(int argc, char **argv) {
  tend_prog = "envdir";
  if (argc < 3) {
    /* daemontools' envdir exits 111 here, not 100; scripts may rely on it */
    char const msg[] = "envdir: usage: " USAGE "\n";
    if (write(2, msg, sizeof msg - 1) < 0) _exit(111);
    _exit(111);
  }
  dir = argv[1];
  char *start_path = getenv("PATH");
  if (start_path && !(start_path = strdup(start_path)))
    tend_die(111, "out of memory");

  int origin = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (origin == -1) tend_diesys(111, "unable to switch to current directory");
  if (chdir(dir) == -1) tend_diesys(111, "unable to switch to directory ", dir);
  DIR *d = opendir(".");
  if (!d) tend_diesys(111, "unable to read directory ", dir);
  for (;;) {
    errno = 0;
    struct dirent *de = readdir(d);
    if (!de) {
      if (errno) tend_diesys(111, "unable to read directory ", dir);
      break;
    }
    if (de->d_name[0] == '.') continue;
    char *entry = read_setting(de->d_name);
    if (entry) {
      if (putenv(entry) != 0) tend_die(111, "out of memory");
    } else if (!strchr(de->d_name, '=')) {
      unsetenv(de->d_name);
    } else if (de->d_name[0] != '=') {
      /* as in daemontools, an empty "A=B" reads as the setting A=B */
      char *setting = strdup(de->d_name);
      if (!setting || putenv(setting) != 0) tend_die(111, "out of memory");
    }
  }
  closedir(d);
  if (fchdir(origin) == -1)
    tend_diesys(111, "unable to switch to starting directory");
  close(origin);
  /* as daemontools' envdir does, child is looked up in the PATH we were
     started with; a PATH read from dir only reaches child's environment */
  chain_exec_env(argv + 2, start_path, environ);
}
