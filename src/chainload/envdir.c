/* envdir dir child...: runs child with its environment changed by the files
   in dir (daemontools-compatible). A file NAME sets $NAME to its first line,
   trailing spaces and tabs removed and NULs turned into newlines; an empty
   file removes $NAME; names starting with a dot are ignored. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tend/msg.h>
#include "chain.h"

extern char **environ;

#define USAGE "envdir dir child"

static char const *dir;

static void die_read(char const *name) {
  tend_diesys(111, "unable to read ", dir, "/", name);
}

/* Reads up to the first newline of name; returns a malloc'd "NAME=value",
   or 0 when the file is empty. */
static char *read_setting(char const *name) {
  size_t namelen = strlen(name);
  size_t cap = namelen + 128, len = namelen + 1;
  char *entry = malloc(cap);
  if (!entry) tend_die(111, "out of memory");
  memcpy(entry, name, namelen);
  entry[namelen] = '=';

  int fd = open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd == -1) die_read(name);
  size_t total = 0;
  for (;;) {
    if (cap - len < 64) {
      cap *= 2;
      entry = realloc(entry, cap);
      if (!entry) tend_die(111, "out of memory");
    }
    ssize_t r = read(fd, entry + len, cap - len - 1);
    if (r == -1) {
      if (errno == EINTR) continue;
      die_read(name);
    }
    if (r == 0) break;
    char *newline = memchr(entry + len, '\n', r);
    total += r;
    if (newline) {
      len = newline - entry;
      break;
    }
    len += r;
  }
  close(fd);
  if (!total) {
    free(entry);
    return 0;
  }
  while (len > namelen + 1 && (entry[len - 1] == ' ' || entry[len - 1] == '\t'))
    len--;
  for (size_t i = namelen + 1; i < len; i++)
    if (!entry[i]) entry[i] = '\n';
  entry[len] = 0;
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
