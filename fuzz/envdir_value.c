/* envdir's reader on any file content: the first line, up to the cap, and
   the value made from it, checked against a plain reading of the bytes.
   The bytes are put in a memfd (a regular file that lives in memory). */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../src/chainload/envdir_value.h"

static char line[ENVDIR_LINE_MAX + 1];

static void check(int ok) {
  if (!ok) __builtin_trap();
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size) {
  int fd = memfd_create("envdir_value", MFD_CLOEXEC);
  if (fd < 0) return 0;
  size_t done = 0;
  while (done < size) {
    ssize_t w = write(fd, data + done, size - done);
    if (w <= 0) {
      close(fd);
      return 0;
    }
    done += (size_t)w;
  }
  if (lseek(fd, 0, SEEK_SET) != 0) {
    close(fd);
    return 0;
  }
  ssize_t r = envdir_read_line(fd, line);
  close(fd);

  uint8_t const *newline = memchr(data, '\n', size);
  size_t want = newline ? (size_t)(newline - data) : size;
  if (!size) {
    check(r == ENVDIR_EMPTY);
    return 0;
  }
  if (want > ENVDIR_LINE_MAX) {
    check(r == ENVDIR_TOO_LONG);
    return 0;
  }
  check(r >= 0 && (size_t)r == want && !memcmp(line, data, want));
  size_t len = envdir_value(line, want);
  check(len <= want);
  check(!memchr(line, 0, len));
  check(!len || (line[len - 1] != ' ' && line[len - 1] != '\t'));
  for (size_t i = len; i < want; i++)
    check(data[i] == ' ' || data[i] == '\t');
  for (size_t i = 0; i < len; i++)
    check(line[i] == (data[i] ? (char)data[i] : '\n'));
  return 0;
}
