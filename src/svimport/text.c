/* svimport's strings: growable buffers, allocation that dies on failure,
   quoting for sh, and its two kinds of message (an error handed back to
   main, a warning printed at once). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tend/msg.h>
#include "svimport.h"

int svi_quiet;

/* the header of each block: aligned for anything */
union block {
  struct {
    union block *prev, *next;
  } link;
  long double ld;
  long long ll;
  void *p;
};
static union block *blocks;

static void *adopt(union block *b) {
  b->link.prev = 0;
  b->link.next = blocks;
  if (blocks) blocks->link.prev = b;
  blocks = b;
  return b + 1;
}

static union block *unlink_block(void *p) {
  union block *b = (union block *)p - 1;
  if (b->link.prev)
    b->link.prev->link.next = b->link.next;
  else
    blocks = b->link.next;
  if (b->link.next) b->link.next->link.prev = b->link.prev;
  return b;
}

void *xmalloc(size_t n) {
  union block *b = 0;
  if (n <= (size_t)-1 - sizeof *b) b = malloc(sizeof *b + n);
  if (!b) tend_diesys(111, "unable to allocate memory");
  return adopt(b);
}

void *xrealloc(void *p, size_t n) {
  if (!p) return xmalloc(n);
  union block *b = unlink_block(p), *nb = 0;
  if (n <= (size_t)-1 - sizeof *b) nb = realloc(b, sizeof *b + n);
  if (!nb) tend_diesys(111, "unable to allocate memory");
  return adopt(nb);
}

void xfree(void *p) {
  if (p) free(unlink_block(p));
}

/* p has room for *cap elements of SIZE; make room for NEED */
void *xgrow(void *p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return p;
  size_t c = *cap ? *cap : 8;
  while (c < need) {
    if (c > ((size_t)-1 / 4) / size) {
      errno = ENOMEM;
      tend_diesys(111, "unable to allocate memory");
    }
    c *= 2;
  }
  p = xrealloc(p, c * size);
  *cap = c;
  return p;
}

char *xstrndup(char const *s, size_t n) {
  char *d = xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

char *xstrdup(char const *s) {
  return xstrndup(s, strlen(s));
}

void sb_addn(struct sbuf *b, char const *s, size_t n) {
  b->s = xgrow(b->s, &b->cap, b->len + n + 1, 1);
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

void sb_adds(struct sbuf *b, char const *s) {
  sb_addn(b, s, strlen(s));
}

void sb_addc(struct sbuf *b, char c) {
  sb_addn(b, &c, 1);
}

void sb_addf(struct sbuf *b, char const *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(0, 0, fmt, ap);
  va_end(ap);
  if (n < 0) tend_diesys(111, "unable to format");
  b->s = xgrow(b->s, &b->cap, b->len + (size_t)n + 1, 1);
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

char *sb_take(struct sbuf *b) {
  char *s = b->s ? b->s : xstrdup("");
  b->s = 0;
  b->len = b->cap = 0;
  return s;
}

/* Safe as a word of sh without quotes: no expansion, globbing, splitting,
   redirection or comment. '=' is safe because the words svimport writes
   never start a command. */
static int sh_plain(char const *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789_@%+=:,./-",
                *s))
      return 0;
  return 1;
}

void sb_addq(struct sbuf *b, char const *s) {
  if (sh_plain(s)) {
    sb_adds(b, s);
    return;
  }
  sb_addc(b, '\'');
  for (; *s; s++)
    if (*s == '\'')
      sb_adds(b, "'\\''");
    else
      sb_addc(b, *s);
  sb_addc(b, '\'');
}

int svi_fail(struct svi_err *err, int code, char const *file, unsigned line,
             char const *fmt, ...) {
  int n = 0;
  err->code = code;
  if (file) n = snprintf(err->msg, sizeof err->msg, "%s:%u: ", file, line);
  if (n < 0 || (size_t)n >= sizeof err->msg) n = 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
  va_end(ap);
  return -1;
}

/* Each warning once: a numprocs=8 program would say everything 8 times. */
static char **said;
static size_t nsaid, saidcap;

void svi_warn(char const *file, unsigned line, char const *fmt, ...) {
  if (svi_quiet) return;
  struct sbuf b = {0};
  if (file) sb_addf(&b, "%s:%u: ", file, line);
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(0, 0, fmt, ap);
  va_end(ap);
  if (n < 0) tend_diesys(111, "unable to format");
  char *text = xmalloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(text, (size_t)n + 1, fmt, ap);
  va_end(ap);
  sb_adds(&b, text);
  xfree(text);
  for (size_t i = 0; i < nsaid; i++)
    if (!strcmp(said[i], b.s)) {
      xfree(b.s);
      return;
    }
  said = xgrow(said, &saidcap, nsaid + 1, sizeof *said);
  said[nsaid++] = xstrdup(b.s);
  tend_warn(b.s);
  xfree(b.s);
}

void svi_free_all(void) {
  while (blocks) {
    union block *b = blocks;
    blocks = b->link.next;
    free(b);
  }
  said = 0;
  nsaid = saidcap = 0;
}
