/* svstat -P: the Prometheus text exposition format (version 0.0.4), for
   node_exporter's textfile collector: each family once, its # HELP and
   # TYPE first and all its samples together, one series per service label,
   no timestamps (the collector refuses them). The metric names are an
   interface (interface §4). The extension's families have samples only
   for a sane extension (tend_status_check). */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <skalibs/stralloc.h>
#include <tend/status.h>
#include "svstat_prom.h"
#include "svstat_read.h"
#include "svstat_text.h"

enum family {
  STATUS_OK,
  UP,
  WANT_UP,
  NORMALLY_UP,
  PAUSED,
  STATE_SECONDS,
  STATE_CHANGE,
  READY,
  STARTS,
  LAST_EXIT_CODE,
  LAST_EXIT_SIGNAL,
  RESTART_PENDING,
  DEATHS
};

/* The metric names are tend_service_NAME; every family is a gauge but
   the starts, a counter. */
static struct {
  char const *name, *help;
} const families[SVSTAT_PROM_FAMILIES] = {
    [STATUS_OK] = {"status_ok",
                   "1 if svstat read the service's status, 0 if it could "
                   "not (no supervise running, unreadable status)."},
    [UP] = {"up", "1 if ./run runs (state up), else 0."},
    [WANT_UP] = {"want_up",
                 "1 if the service is wanted up, 0 if down or once."},
    [NORMALLY_UP] = {"normally_up",
                     "1 if the service directory has no down file."},
    [PAUSED] = {"paused", "1 if the service is paused (svc -p)."},
    [STATE_SECONDS] = {"state_seconds",
                       "Seconds since the service's pid last changed."},
    [STATE_CHANGE] = {"state_change_timestamp_seconds",
                      "Unix time of the last change of the service's pid."},
    [READY] = {"ready", "1 if ./run is up and reported readiness, else 0."},
    [STARTS] = {"starts_total", "Starts of ./run in this service directory."},
    [LAST_EXIT_CODE] = {"last_exit_code",
                        "Exit code of the last ./run, if it exited."},
    [LAST_EXIT_SIGNAL] = {"last_exit_signal",
                          "Number of the signal that killed the last ./run."},
    [RESTART_PENDING] = {"restart_pending_seconds",
                         "Seconds until a pending restart is due."},
    [DEATHS] = {"deaths",
                "Deaths in a row of a ./run that did not stay up (backoff)."},
};

int svstat_prom_label(stralloc *sa, char const *s, size_t n) {
  if (!stralloc_readyplus(sa, 2 * n)) return 0;
  unsigned char const *u = (unsigned char const *)s;
  char *out = sa->s + sa->len;
  for (size_t i = 0; i < n;) {
    unsigned char c = u[i];
    size_t len = c < 0x80 ? 1 : svstat_utf8_len(u + i, n - i);
    if (c == '\\' || c == '"' || c == '\n') {
      *out++ = '\\';
      *out++ = c == '\n' ? 'n' : (char)c;
    } else if (len) {
      memcpy(out, u + i, len);
      out += len;
      i += len;
      continue;
    } else { /* U+0080 to U+00FF */
      *out++ = (char)(0xc0 | c >> 6);
      *out++ = (char)(0x80 | (c & 0x3f));
    }
    i++;
  }
  sa->len = (size_t)(out - sa->s);
  return 1;
}

static int put_bit(stralloc *sa, int b) {
  return stralloc_catb(sa, b ? "1" : "0", 1);
}

static int extension_ok(tend_status const *st, tend_stamp const *now) {
  char buf[32];
  char const *problem;
  return !strcmp(svstat_extension(st, now, buf, &problem), "ok");
}

/* Whether R has a sample of family F. */
static int has(enum family f, svstat_record const *r, tend_stamp const *now) {
  if (f == STATUS_OK) return 1;
  if (r->what) return 0;
  tend_status const *st = &r->st;
  int ws = (int)st->lastwait;
  int waited = st->lastwait != TEND_WSTATUS_NONE;
  switch (f) {
  case STATE_CHANGE: return svstat_unix_ok(&st->when);
  case READY:
  case STARTS:
  case DEATHS: return extension_ok(st, now);
  case LAST_EXIT_CODE: return waited && WIFEXITED(ws) && extension_ok(st, now);
  case LAST_EXIT_SIGNAL:
    return waited && WIFSIGNALED(ws) && extension_ok(st, now);
  case RESTART_PENDING: return st->restart.sec && extension_ok(st, now);
  default: return 1;
  }
}

/* Appends the value of family F for R, which has a sample of it. Returns
   0 if out of memory. */
static int value(stralloc *sa, enum family f, svstat_record const *r,
                 tend_stamp const *now) {
  tend_status const *st = &r->st;
  int ws = (int)st->lastwait;
  switch (f) {
  case STATUS_OK: return put_bit(sa, !r->what);
  case UP: return put_bit(sa, svstat_is_up(st));
  case WANT_UP: return put_bit(sa, st->want == 'u');
  case NORMALLY_UP: return put_bit(sa, r->normallyup);
  case PAUSED: return put_bit(sa, st->pid && st->paused);
  case STATE_SECONDS: return svstat_put_duration(sa, &st->when, now);
  case STATE_CHANGE: return svstat_put_unix(sa, &st->when) > 0;
  case READY:
    return put_bit(sa, svstat_is_up(st) && (st->flags & TEND_FLAG_READY));
  case STARTS: return svstat_put_u64(sa, st->starts);
  case LAST_EXIT_CODE: return svstat_put_u64(sa, WEXITSTATUS(ws));
  case LAST_EXIT_SIGNAL: return svstat_put_u64(sa, WTERMSIG(ws));
  case RESTART_PENDING: return svstat_put_duration(sa, now, &st->restart);
  case DEATHS: return svstat_put_u64(sa, st->deaths);
  }
  return 1;
}

static int name(stralloc *sa, enum family f) {
  return stralloc_cats(sa, "tend_service_") &&
         stralloc_cats(sa, families[f].name);
}

static int header(stralloc *sa, enum family f) {
  return stralloc_cats(sa, "# HELP ") && name(sa, f) &&
         stralloc_catb(sa, " ", 1) && stralloc_cats(sa, families[f].help) &&
         stralloc_cats(sa, "\n# TYPE ") && name(sa, f) &&
         stralloc_cats(sa, f == STARTS ? " counter\n" : " gauge\n");
}

int svstat_prom_family(stralloc *sa, unsigned f, svstat_entry const *e,
                       size_t n, tend_stamp const *now, int *headed) {
  if (f >= SVSTAT_PROM_FAMILIES) return 1;
  for (size_t i = 0; i < n; i++) {
    if (e[i].skip || !has((enum family)f, &e[i].r, now)) continue;
    if (!*headed && !header(sa, (enum family)f)) return 0;
    *headed = 1;
    if (!name(sa, (enum family)f) || !stralloc_catb(sa, "{service=\"", 10) ||
        !svstat_prom_label(sa, e[i].label, strlen(e[i].label)) ||
        !stralloc_catb(sa, "\"} ", 3) ||
        !value(sa, (enum family)f, &e[i].r, now) || !stralloc_catb(sa, "\n", 1))
      return 0;
  }
  return 1;
}

/* The labels as written, NUL-terminated, one after the other. */
static char const *escaped;
static size_t const *offset;

static int by_label(void const *a, void const *b) {
  size_t i = *(size_t const *)a, j = *(size_t const *)b;
  int c = strcmp(escaped + offset[i], escaped + offset[j]);
  return c ? c : (i > j) - (i < j);
}

int svstat_prom_dedupe(svstat_entry *e, size_t n) {
  if (n < 2) return 1;
  /* compare the labels as written: a byte of no UTF-8 and the character
     of the same number are written alike */
  stralloc labels = STRALLOC_ZERO;
  size_t *order = malloc(2 * n * sizeof *order);
  if (!order) return 0;
  size_t *at = order + n;
  int ok = 1;
  for (size_t i = 0; i < n && ok; i++) {
    order[i] = i;
    at[i] = labels.len;
    ok = svstat_prom_label(&labels, e[i].label, strlen(e[i].label)) &&
         stralloc_0(&labels);
  }
  if (ok) {
    escaped = labels.s;
    offset = at;
    qsort(order, n, sizeof *order, &by_label);
    for (size_t i = 1; i < n; i++)
      if (!strcmp(labels.s + at[order[i]], labels.s + at[order[i - 1]]))
        e[order[i]].skip = 1;
  }
  free(order);
  stralloc_free(&labels);
  return ok;
}
