/* svlog's 1 action: a copy of each selected line on standard output, with
   a prefix, for container logs. The log directories are the record: the
   copy never holds them up. Standard output is often shared (svscan's, read
   by the container runtime) by every logger of the box: each line goes out
   whole in one write of at most PIPE_BUF bytes, so lines never mix. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <tend/msg.h>
#include "svlog.h"

#define OUT_WAIT_MS 1000 /* stdout takes nothing this long: it is stuck */

static void stop_copies(struct svlog_out *o, char const *why) {
  tend_warn("no more copies to standard output: ", why);
  o->fd = -1;
  o->len = 0;
}

void svlog_out_open(struct svlog *sv) {
  struct svlog_out *o = &sv->out;
  struct stat st;
  o->fd = -1;
  if (!sv->has_stdout) return;
  void *p = mmap(0, SVLOG_OUT_BUF, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) tend_diesys(111, "unable to allocate a buffer");
  o->buf = p;
  if (fstat(1, &st) < 0) tend_diesys(111, "unable to look at standard output");
  o->fd = 1;
  if (S_ISREG(st.st_mode)) return; /* a file: a write never waits long */
  /* A description of our own, non-blocking: O_NONBLOCK on fd 1 itself
     would reach every other writer of the shared pipe (svscan, the other
     loggers, the services without one). Where that cannot be had (a
     socket, no /proc), a poll before each write stands in. */
  int fd =
      open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd >= 0) {
    o->fd = fd;
    o->nonblocking = 1;
  }
}

void svlog_out_flush(struct svlog *sv) {
  struct svlog_out *o = &sv->out;
  size_t done = 0;
  while (o->fd >= 0 && done < o->len) {
    if (!o->nonblocking) {
      struct pollfd p = {.fd = o->fd, .events = POLLOUT};
      if (poll(&p, 1, 0) != 1) break;
      if (p.revents & (POLLERR | POLLHUP)) {
        stop_copies(o, "it is closed");
        return;
      }
    }
    /* whole lines, as many as fit in PIPE_BUF: one atomic write */
    size_t n = o->len - done;
    if (n > PIPE_BUF) {
      char const *nl = memrchr(o->buf + done, '\n', PIPE_BUF);
      n = nl ? (size_t)(nl - (o->buf + done)) + 1 : PIPE_BUF;
    }
    ssize_t w = write(o->fd, o->buf + done, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) break;
    if (w <= 0) {
      stop_copies(o, tend_errstr(w < 0 ? errno : EIO));
      return;
    }
    done += (size_t)w;
  }
  if (done) {
    memmove(o->buf, o->buf + done, o->len - done);
    o->len -= done;
  }
  if (!o->len && o->dropped && o->fd >= 0) {
    char num[21], *e = num + sizeof num;
    *--e = 0;
    do
      *--e = (char)('0' + o->dropped % 10);
    while (o->dropped /= 10);
    tend_warn("standard output takes lines again; copies not made while it "
              "was full (the log directories have those lines): ",
              e);
  }
}

/* One record: PREFIX, N bytes of the line and a newline; dropped when
   stdout takes nothing (see OUT_WAIT_MS). */
static void put_record(struct svlog *sv, struct svlog_action const *a,
                       char const *p, size_t n) {
  struct svlog_out *o = &sv->out;
  size_t rec = a->index + n + 1;
  /* a reader that takes lines, however slowly, holds svlog back (it
     loses nothing); one that takes nothing for OUT_WAIT_MS does not */
  while (o->fd >= 0 && !o->dropped && o->len + rec > SVLOG_OUT_BUF) {
    struct pollfd pfd = {.fd = o->fd, .events = POLLOUT};
    size_t before = o->len;
    svlog_out_flush(sv);
    if (o->len < before) continue;
    if (poll(&pfd, 1, OUT_WAIT_MS) == 0) break;
  }
  if (o->fd < 0) return;
  if (o->len + rec > SVLOG_OUT_BUF) {
    if (!o->dropped++)
      tend_warn("standard output is full: not copying lines there until "
                "it takes them again");
    return;
  }
  memcpy(o->buf + o->len, a->arg, a->index);
  memcpy(o->buf + o->len + a->index, p, n);
  o->buf[o->len + rec - 1] = '\n';
  o->len += rec;
}

/* What the line holds so far goes out to every 1 action that selected
   it, in records of at most PIPE_BUF bytes with the prefix. */
static void put_carry(struct svlog *sv) {
  struct svlog_out *o = &sv->out;
  for (unsigned i = 0; i < sv->nactions; i++) {
    struct svlog_action const *a = &sv->actions[i];
    if (a->kind != ACT_STDOUT || !a->selected) continue;
    size_t room = PIPE_BUF - 1 - a->index, done = 0;
    do {
      size_t k = o->carry_len - done < room ? o->carry_len - done : room;
      put_record(sv, a, o->carry + done, k);
      done += k;
    } while (done < o->carry_len);
  }
  o->carry_len = 0;
  o->carried_out = 1;
}

void svlog_out_piece(struct svlog *sv, char const *p, size_t len, int end) {
  struct svlog_out *o = &sv->out;
  if (o->fd < 0) return;
  /* a line read in pieces is put together first: it goes out whole if
     it fits in PIPE_BUF */
  while (len) {
    size_t k = sizeof o->carry - o->carry_len;
    if (k > len) k = len;
    memcpy(o->carry + o->carry_len, p, k);
    o->carry_len += k;
    p += k;
    len -= k;
    if (o->carry_len == sizeof o->carry && (len || !end)) put_carry(sv);
  }
  if (!end) return;
  if (o->carry_len || !o->carried_out) put_carry(sv);
  o->carried_out = 0;
}

void svlog_out_drain(struct svlog *sv, int ms) {
  struct svlog_out *o = &sv->out;
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    svlog_out_flush(sv);
    if (o->fd < 0 || !o->len) return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long spent = (now.tv_sec - start.tv_sec) * 1000 +
                 (now.tv_nsec - start.tv_nsec) / 1000000;
    if (spent >= ms) break;
    struct pollfd p = {.fd = o->fd, .events = POLLOUT};
    poll(&p, 1, (int)(ms - spent));
  }
  tend_warn("standard output did not take the last copies; the log "
            "directories have those lines");
}
