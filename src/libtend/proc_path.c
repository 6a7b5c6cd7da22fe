/* The one place a /proc path is put together. */
#include <string.h>
#include <skalibs/types.h>
#include <tend/proc.h>

char *tend_proc_path(char *buf, pid_t pid, char const *file, long num,
                     char const *tail) {
  size_t n = 6;
  memcpy(buf, "/proc/", 6);
  if (pid > 0)
    n += pid_fmt(buf + n, pid);
  else
    memcpy(buf + n, "self", 4), n += 4;
  buf[n++] = '/';
  size_t len = strlen(file);
  memcpy(buf + n, file, len);
  n += len;
  if (num >= 0) {
    n += ulong_fmt(buf + n, (unsigned long)num);
    len = strlen(tail);
    memcpy(buf + n, tail, len);
    n += len;
  }
  buf[n] = 0;
  return buf;
}
