/* Setting files: a line of text, read when it is needed. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <tend/servicedir.h>

int tend_sd_read_line(char const *file, char *buf, unsigned len) {
  int fd = open(file, O_RDONLY | O_CLOEXEC);
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
  if (nl) *nl = 0;
  size_t n = strlen(buf);
  while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r'))
    buf[--n] = 0;
  return 1;
}

int tend_sd_read_uint(char const *file, unsigned long *value) {
  char buf[32];
  int r = tend_sd_read_line(file, buf, sizeof buf);
  if (r <= 0) return r;
  char *s = buf;
  while (*s == ' ' || *s == '\t')
    s++;
  if (*s < '0' || *s > '9') {
    errno = EINVAL;
    return -1;
  }
  unsigned long v = 0;
  for (; *s >= '0' && *s <= '9'; s++) {
    if (v > (~0UL - 9) / 10) {
      errno = ERANGE;
      return -1;
    }
    v = v * 10 + (unsigned long)(*s - '0');
  }
  if (*s) {
    errno = EINVAL;
    return -1;
  }
  *value = v;
  return 1;
}

int tend_sd_read_signal(char const *file, int *sig) {
  char buf[32];
  int r = tend_sd_read_line(file, buf, sizeof buf);
  if (r <= 0) return r;
  int s = tend_sig_number(buf);
  if (!s) {
    errno = EINVAL;
    return -1;
  }
  *sig = s;
  return 1;
}
