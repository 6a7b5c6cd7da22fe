/* svstat -j: one JSON object per line (RFC 8259) for each service. Every
   member is always there, in the order of svstat.8, null where it does
   not apply; the extension's members are null unless the extension is
   sane (tend_status_check). A directory svstat cannot read gives an
   object with "error" instead. The member names are an interface
   (interface §4): add members, never rename or remove one. */
#include <string.h>
#include <sys/wait.h>
#include <skalibs/stralloc.h>
#include <tend/servicedir.h>
#include <tend/status.h>
#include "svstat_json.h"
#include "svstat_read.h"
#include "svstat_text.h"

static char const hex[] = "0123456789abcdef";

/* The bytes of S escaped, without quotes; S may hold any bytes. */
static int put_escaped(stralloc *sa, char const *s, size_t n) {
  if (!stralloc_readyplus(sa, 6 * n)) return 0;
  unsigned char const *u = (unsigned char const *)s;
  char *out = sa->s + sa->len;
  for (size_t i = 0; i < n;) {
    unsigned char c = u[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      *out++ = (char)c;
      i++;
      continue;
    }
    size_t len = c < 0x80 ? 0 : svstat_utf8_len(u + i, n - i);
    if (len) {
      memcpy(out, u + i, len);
      out += len;
      i += len;
      continue;
    }
    *out++ = '\\';
    switch (c) {
    case '"': *out++ = '"'; break;
    case '\\': *out++ = '\\'; break;
    case '\b': *out++ = 'b'; break;
    case '\f': *out++ = 'f'; break;
    case '\n': *out++ = 'n'; break;
    case '\r': *out++ = 'r'; break;
    case '\t': *out++ = 't'; break;
    default: /* another control character, DEL, or a byte of no UTF-8 */
      memcpy(out, "u00", 3);
      out[3] = hex[c >> 4];
      out[4] = hex[c & 15];
      out += 5;
    }
    i++;
  }
  sa->len = (size_t)(out - sa->s);
  return 1;
}

int svstat_json_string(stralloc *sa, char const *s, size_t n) {
  return stralloc_catb(sa, "\"", 1) && put_escaped(sa, s, n) &&
         stralloc_catb(sa, "\"", 1);
}

int svstat_path(stralloc *sa, char const *cwd, char const *arg) {
  size_t start = sa->len;
  if (*arg != '/') {
    size_t n = strlen(cwd);
    while (n && cwd[n - 1] == '/')
      n--;
    if (!stralloc_catb(sa, cwd, n)) return 0;
  }
  while (*arg) {
    while (*arg == '/')
      arg++;
    size_t n = strcspn(arg, "/");
    if (n && !(n == 1 && *arg == '.'))
      if (!stralloc_catb(sa, "/", 1) || !stralloc_catb(sa, arg, n)) return 0;
    arg += n;
  }
  if (sa->len == start && !stralloc_catb(sa, "/", 1)) return 0;
  return stralloc_catb(sa, "", 1);
}

/* "," "\"KEY\":" */
static int key(stralloc *sa, char const *k) {
  return stralloc_catb(sa, ",\"", 2) && stralloc_cats(sa, k) &&
         stralloc_catb(sa, "\":", 2);
}

static int put_null(stralloc *sa) {
  return stralloc_catb(sa, "null", 4);
}

static int put_bool(stralloc *sa, int b) {
  return b ? stralloc_catb(sa, "true", 4) : stralloc_catb(sa, "false", 5);
}

static int put_str(stralloc *sa, char const *s) {
  return s ? svstat_json_string(sa, s, strlen(s)) : put_null(sa);
}

/* The number N, or null if HAVE is 0. */
static int put_u64_or_null(stralloc *sa, int have, uint64_t n) {
  return have ? svstat_put_u64(sa, n) : put_null(sa);
}

static int put_time(stralloc *sa, tend_stamp const *s) {
  int r = svstat_put_unix(sa, s);
  return r < 0 ? put_null(sa) : r;
}

/* "name" and "path": NAME, with "/log" after it for a log service. */
static int put_names(stralloc *sa, char const *name, char const *path,
                     int islog) {
  char const *suffix = "/log";
  size_t n = strlen(name);
  if (!stralloc_catb(sa, "{\"name\":\"", 9) || !put_escaped(sa, name, n))
    return 0;
  if (islog && !stralloc_cats(sa, n && name[n - 1] == '/' ? "log" : suffix))
    return 0;
  if (!stralloc_catb(sa, "\"", 1) || !key(sa, "path")) return 0;
  if (!path) return put_null(sa);
  return stralloc_catb(sa, "\"", 1) && put_escaped(sa, path, strlen(path)) &&
         (!islog || stralloc_cats(sa, strcmp(path, "/") ? suffix : "log")) &&
         stralloc_catb(sa, "\"", 1);
}

/* The members that come from tend's extension, null unless it is sane. */
static int put_extension(stralloc *sa, tend_status const *st,
                         tend_stamp const *now) {
  char buf[32];
  char const *problem;
  char const *ext = svstat_extension(st, now, buf, &problem);
  if (!key(sa, "extension") || !put_str(sa, ext) ||
      !key(sa, "extension_problem") || !put_str(sa, problem))
    return 0;
  int ok = !strcmp(ext, "ok");
  int ready = ok && svstat_is_up(st) && (st->flags & TEND_FLAG_READY);
  int ws = (int)st->lastwait;
  int exited = ok && st->lastwait != TEND_WSTATUS_NONE && WIFEXITED(ws);
  int signaled = ok && st->lastwait != TEND_WSTATUS_NONE && WIFSIGNALED(ws);
  int pending = ok && st->restart.sec;
  if (!key(sa, "ready") || !(ok ? put_bool(sa, ready) : put_null(sa))) return 0;
  if (!key(sa, "ready_since") ||
      !(ready ? put_time(sa, &st->ready) : put_null(sa)))
    return 0;
  if (!key(sa, "starts") || !put_u64_or_null(sa, ok, st->starts)) return 0;
  if (!key(sa, "last_exit_code") ||
      !put_u64_or_null(sa, exited, exited ? (uint64_t)WEXITSTATUS(ws) : 0))
    return 0;
  if (!key(sa, "last_exit_signal") ||
      !put_u64_or_null(sa, signaled, signaled ? (uint64_t)WTERMSIG(ws) : 0))
    return 0;
  if (!key(sa, "last_exit_signal_name") ||
      !put_str(sa, signaled ? tend_sig_name(WTERMSIG(ws)) : 0))
    return 0;
  if (!key(sa, "restart_in") ||
      !(pending ? svstat_put_duration(sa, now, &st->restart) : put_null(sa)))
    return 0;
  if (!key(sa, "deaths") || !put_u64_or_null(sa, ok, st->deaths)) return 0;
  if (!key(sa, "stopping") ||
      !(ok ? put_bool(sa, st->flags & TEND_FLAG_STOPPING) : put_null(sa)))
    return 0;
  if (!key(sa, "no_restart") ||
      !(ok ? put_bool(sa, st->flags & TEND_FLAG_NOSTART) : put_null(sa)))
    return 0;
  return key(sa, "supervise_pid") &&
         put_u64_or_null(sa, ok && st->svpid, st->svpid);
}

/* The members of one service, after "name" and "path", without "}". */
static int put_service(stralloc *sa, svstat_record const *r,
                       tend_stamp const *now) {
  if (r->what) {
    char text[256];
    size_t n = strlen(r->what), m = strlen(r->reason);
    if (n > sizeof text) n = sizeof text;
    if (m > sizeof text - n) m = sizeof text - n;
    memcpy(text, r->what, n);
    memcpy(text + n, r->reason, m);
    return key(sa, "error") && svstat_json_string(sa, text, n + m);
  }
  tend_status const *st = &r->st;
  /* daemontools writes 0 for once; another byte is no known want */
  char const *want = st->want == 'u'   ? "up"
                     : st->want == 'd' ? "down"
                     : !st->want       ? "once"
                                       : 0;
  return key(sa, "state") && put_str(sa, svstat_state_name(st)) &&
         key(sa, "pid") && put_u64_or_null(sa, st->pid != 0, st->pid) &&
         key(sa, "since") && put_time(sa, &st->when) && key(sa, "seconds") &&
         svstat_put_duration(sa, &st->when, now) && key(sa, "want") &&
         put_str(sa, want) && key(sa, "paused") &&
         put_bool(sa, st->pid && st->paused) && key(sa, "normally") &&
         put_str(sa, r->normallyup ? "up" : "down") &&
         put_extension(sa, st, now);
}

int svstat_json(stralloc *sa, char const *name, char const *path,
                svstat_record const *r, svstat_record const *log,
                tend_stamp const *now) {
  if (!put_names(sa, name, path, 0) || !put_service(sa, r, now) ||
      !key(sa, "log"))
    return 0;
  if (!log) {
    if (!put_null(sa)) return 0;
  } else if (!put_names(sa, name, path, 1) || !put_service(sa, log, now) ||
             !stralloc_catb(sa, "}", 1))
    return 0;
  return stralloc_catb(sa, "}\n", 2);
}
