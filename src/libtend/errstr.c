/* errno in daemontools' words: scripts and test suites match on them
   (skalibs' strerr would print libc's strerror wording instead). */
#include <errno.h>
#include <tend/msg.h>
#include <tend/safeopen.h>

static struct {
  int e;
  char const *text;
} const table[] = {
    {EINTR, "interrupted system call"},
    {ENOMEM, "out of memory"},
    {ENOENT, "file does not exist"},
    {ETXTBSY, "text busy"},
    {EIO, "input/output error"},
    {EEXIST, "file already exists"},
    {ETIMEDOUT, "timed out"},
    {EINPROGRESS, "operation in progress"},
    {EAGAIN, "temporary failure"},
    {EPIPE, "broken pipe"},
    {EPERM, "permission denied"},
    {EACCES, "access denied"},
    {ENXIO, "device not configured"},
    {EPROTO, "protocol error"},
    {EISDIR, "is a directory"},
    {ECONNREFUSED, "connection refused"},
    {ESRCH, "no such process"},
    {E2BIG, "argument list too long"},
    {ENOEXEC, "exec format error"},
    {EBADF, "file descriptor not open"},
    {ECHILD, "no child processes"},
    {EDEADLK, "operation would cause deadlock"},
    {EFAULT, "bad address"},
    {ENOTBLK, "not a block device"},
    {EBUSY, "device busy"},
    {EXDEV, "cross-device link"},
    {ENODEV, "device does not support operation"},
    {ENOTDIR, "not a directory"},
    {EINVAL, "invalid argument"},
    {ENFILE, "system cannot open more files"},
    {EMFILE, "process cannot open more files"},
    {ENOTTY, "not a tty"},
    {EFBIG, "file too big"},
    {ENOSPC, "out of disk space"},
    {ESPIPE, "unseekable descriptor"},
    {EROFS, "read-only file system"},
    {EMLINK, "too many links"},
    {EDOM, "input out of range"},
    {ERANGE, "output out of range"},
    {EALREADY, "operation already in progress"},
    {ENOTSOCK, "not a socket"},
    {EDESTADDRREQ, "destination address required"},
    {EMSGSIZE, "message too long"},
    {EPROTOTYPE, "incorrect protocol type"},
    {ENOPROTOOPT, "protocol not available"},
    {EPROTONOSUPPORT, "protocol not supported"},
    {EOPNOTSUPP, "operation not supported"},
    {EAFNOSUPPORT, "address family not supported"},
    {EADDRINUSE, "address already used"},
    {EADDRNOTAVAIL, "address not available"},
    {ENETDOWN, "network down"},
    {ENETUNREACH, "network unreachable"},
    {ENETRESET, "network reset"},
    {ECONNABORTED, "connection aborted"},
    {ECONNRESET, "connection reset"},
    {ENOBUFS, "out of buffer space"},
    {EISCONN, "already connected"},
    {ENOTCONN, "not connected"},
    {ELOOP, "symbolic link loop"},
    {ENAMETOOLONG, "file name too long"},
    {EHOSTUNREACH, "host unreachable"},
    {ENOTEMPTY, "directory not empty"},
    {EDQUOT, "disk quota exceeded"},
    {ESTALE, "stale NFS file handle"},
    {ENOLCK, "no locks available"},
    {ENOSYS, "system call not available"},
    {ENOMSG, "no message of desired type"},
    {EBADMSG, "bad message type"},
    {EIDRM, "identifier removed"},
    {TEND_EFTYPE, "file of the wrong type"}, /* tend's own: safeopen.h */
};

char const *tend_errstr(int e) {
  for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++)
    if (table[i].e == e) return table[i].text;
  return "unknown error";
}
