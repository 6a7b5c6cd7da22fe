/* Setting files: a line of text, read when it is needed. A setting file
   is read only from a regular file and never with a blocking open (a FIFO
   there would hang supervise). A symlink to a regular file is followed:
   the service directory is its administrator's, and instances
   (svinstance) link their settings to the template's. Every number goes
   through one parser with a ceiling: a larger value becomes the ceiling,
   it never wraps. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tend/safeopen.h>
#include <tend/servicedir.h>

static int blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

int tend_sd_read_line(char const *file, char *buf, unsigned len) {
  int fd = tend_open_typed_follow(AT_FDCWD, file, O_RDONLY, S_IFREG);
  if (fd < 0) return errno == ENOENT ? 0 : -1;
  ssize_t r;
  do
    r = read(fd, buf, len - 1);
  while (r < 0 && errno == EINTR);
  int e = errno;
  close(fd);
  if (r < 0) {
    errno = e;
    return -1;
  }
  buf[r] = 0;
  char *nl = memchr(buf, '\n', (size_t)r);
  if (nl)
    *nl = 0;
  else if ((size_t)r == len - 1) {
    errno = EINVAL; /* a first line longer than any valid value */
    return -1;
  }
  size_t n = strlen(buf);
  while (n && blank(buf[n - 1]))
    buf[--n] = 0;
  return 1;
}

int tend_sd_scan_uint(char const *s, uint64_t max, uint64_t *value) {
  while (blank(*s))
    s++;
  if (*s < '0' || *s > '9') return 0;
  uint64_t v = 0;
  int over = 0;
  for (; *s >= '0' && *s <= '9'; s++) {
    uint64_t d = (uint64_t)(*s - '0');
    if (over || v > max / 10 || d > max - v * 10)
      over = 1; /* keep scanning: the rest must still be digits */
    else
      v = v * 10 + d;
  }
  while (blank(*s))
    s++;
  if (*s) return 0;
  *value = over ? max : v;
  return over ? 2 : 1;
}

int tend_sd_read_uint(char const *file, uint64_t max, uint64_t *value) {
  char buf[64];
  int r = tend_sd_read_line(file, buf, sizeof buf);
  if (r <= 0) return r;
  r = tend_sd_scan_uint(buf, max, value);
  if (!r) errno = EINVAL;
  return r ? r : -1;
}

int tend_sd_read_signal(char const *file, int *sig) {
  char buf[32];
  int r = tend_sd_read_line(file, buf, sizeof buf);
  if (r <= 0) return r;
  char const *s = buf;
  while (blank(*s))
    s++;
  int n = tend_sig_number(s);
  if (!n) {
    errno = EINVAL;
    return -1;
  }
  *sig = n;
  return 1;
}
