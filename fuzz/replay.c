/* Runs a libFuzzer harness over files, without libFuzzer: each argument is
   a file or a directory of files, given to LLVMFuzzerTestOneInput once.
   make check builds every harness with this main (gcc, and gcc with ASan),
   so a past crash kept in fuzz/corpus/ stays a test. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size);
extern int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static unsigned long count;

static void run_file(char const *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "replay: fatal: unable to open %s: %s\n", path,
            strerror(errno));
    exit(111);
  }
  struct stat s;
  if (fstat(fd, &s) < 0 || !S_ISREG(s.st_mode)) {
    fprintf(stderr, "replay: fatal: %s is not a regular file\n", path);
    exit(111);
  }
  size_t size = (size_t)s.st_size;
  uint8_t *data = malloc(size ? size : 1);
  if (!data) exit(111);
  size_t got = 0;
  while (got < size) {
    ssize_t r = read(fd, data + got, size - got);
    if (r <= 0) {
      fprintf(stderr, "replay: fatal: unable to read %s\n", path);
      exit(111);
    }
    got += (size_t)r;
  }
  close(fd);
  LLVMFuzzerTestOneInput(data, size);
  free(data);
  count++;
}

static int by_name(void const *a, void const *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(char const *path) {
  struct stat s;
  if (stat(path, &s) < 0) {
    fprintf(stderr, "replay: fatal: unable to stat %s: %s\n", path,
            strerror(errno));
    exit(111);
  }
  if (!S_ISDIR(s.st_mode)) {
    run_file(path);
    return;
  }
  DIR *d = opendir(path);
  if (!d) exit(111);
  char **names = 0;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    names = realloc(names, (n + 1) * sizeof *names);
    if (!names) exit(111);
    size_t len = strlen(path) + strlen(e->d_name) + 2;
    names[n] = malloc(len);
    if (!names[n]) exit(111);
    snprintf(names[n], len, "%s/%s", path, e->d_name);
    n++;
  }
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    run_file(names[i]);
    free(names[i]);
  }
  free(names);
}

int main(int argc, char **argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  for (int i = 1; i < argc; i++)
    run_path(argv[i]);
  printf("%lu inputs\n", count);
  return 0;
}
