/* svlog's line path: cut the input into lines, stamp them, select them
   with the script's patterns, and gather them for each log directory.
   Nothing here touches a file but through svlog_dir_flush,
   svlog_dir_rotate and svlog_out_line, so that a fuzzer can drive it. */
#define _GNU_SOURCE
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <tend/tai64n.h>
#include "svlog.h"

/* ---- stamps ---- */

static char *put_digits(char *out, unsigned long v, int width) {
  for (int i = width - 1; i >= 0; i--, v /= 10)
    out[i] = (char)('0' + v % 10);
  return out + width;
}

/* 2026-11-25T09:02:13.792521Z and a space, in UTC. The date comes from the
   day count by the usual era arithmetic (400-year cycles of 146097 days);
   no strftime, which would pull the whole time zone machinery into a
   long-lived process. */
static void iso_stamp(struct svlog *sv, time_t t, unsigned long us) {
  long long days = (long long)t / 86400, secs = (long long)t % 86400;
  if (secs < 0) {
    secs += 86400;
    days--;
  }
  days += 719468; /* from 1970-01-01 to 0000-03-01 */
  long long era = (days >= 0 ? days : days - 146096) / 146097;
  long long doe = days - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  long long day = doy - (153 * mp + 2) / 5 + 1;
  long long month = mp < 10 ? mp + 3 : mp - 9;
  long long year = yoe + era * 400 + (month <= 2);
  char *o = sv->stamp;
  o = put_digits(o, (unsigned long)year, 4);
  *o++ = '-';
  o = put_digits(o, (unsigned long)month, 2);
  *o++ = '-';
  o = put_digits(o, (unsigned long)day, 2);
  *o++ = 'T';
  o = put_digits(o, (unsigned long)(secs / 3600), 2);
  *o++ = ':';
  o = put_digits(o, (unsigned long)(secs / 60 % 60), 2);
  *o++ = ':';
  o = put_digits(o, (unsigned long)(secs % 60), 2);
  *o++ = '.';
  o = put_digits(o, us, 6);
  *o++ = 'Z';
  *o++ = ' ';
  sv->stamp_len = (size_t)(o - sv->stamp);
}

static void make_stamp(struct svlog *sv) {
  struct timespec ts;
  if (sv->stamp_fresh || sv->stamping == STAMP_NONE) return;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (sv->stamping == STAMP_TAI64N) {
    tend_stamp s;
    char packed[TEND_TAI64N_LEN];
    tend_stamp_from_timespec(&s, &ts);
    tend_tai64n_pack(packed, &s);
    sv->stamp[0] = '@';
    tend_tai64n_hex(sv->stamp + 1, packed);
    sv->stamp[1 + TEND_TAI64N_HEXLEN] = ' ';
    sv->stamp_len = 2 + TEND_TAI64N_HEXLEN;
  } else {
    iso_stamp(sv, ts.tv_sec, (unsigned long)ts.tv_nsec / 1000);
  }
  sv->stamp_fresh = 1;
}

/* ---- writing into directories ---- */

/* Gather bytes for current; a full buffer is written out. */
static void dir_put(struct svlog_dir *d, char const *s, size_t n) {
  while (n) {
    if (d->olen == SVLOG_OBUF) svlog_dir_flush(d);
    size_t k = SVLOG_OBUF - d->olen;
    if (k > n) k = n;
    memcpy(d->obuf + d->olen, s, k);
    d->olen += k;
    s += k;
    n -= k;
  }
}

/* Append bytes to current; a file never grows past its size: a line longer
   than the size is cut where the file is full. (A rotation refused on the
   way out, TERM while a processor holds it up and the input is not a pipe,
   leaves current full: the rest then goes on past the size.) */
static void dir_emit(struct svlog_dir *d, char const *s, size_t n) {
  while (n) {
    if (d->cur_bytes >= d->size_max) svlog_dir_rotate(d);
    size_t k = n;
    if (d->cur_bytes < d->size_max && d->size_max - d->cur_bytes < k)
      k = (size_t)(d->size_max - d->cur_bytes);
    if (!d->cur_bytes) d->started_ns = svlog_now_ns();
    dir_put(d, s, k);
    d->cur_bytes += k;
    s += k;
    n -= k;
  }
}

static void dir_line_start(struct svlog *sv, struct svlog_dir *d, char const *p,
                           size_t len, int addnl) {
  uint64_t total = sv->stamp_len + len + (addnl ? 1 : 0);
  /* rotate at the line boundary before current would exceed the size */
  if (d->cur_bytes && d->cur_bytes + total > d->size_max) svlog_dir_rotate(d);
  if (sv->stamp_len) dir_emit(d, sv->stamp, sv->stamp_len);
  dir_emit(d, p, len);
  if (addnl) dir_emit(d, "\n", 1);
}

/* ---- selection ---- */

static void err_line(struct svlog *sv, char const *view, size_t vlen,
                     int longer) {
  char out[SVLOG_E_MAX + 4];
  size_t n = vlen;
  if (n > SVLOG_E_MAX) {
    n = SVLOG_E_MAX;
    longer = 1;
  }
  memcpy(out, view, n);
  if (longer) {
    memcpy(out + n, "...", 3);
    n += 3;
  }
  out[n++] = '\n';
  if (write(sv->errfd, out, n) < 0) { /* stderr gone: nothing to do */
  }
}

/* A new line starts: decide where it goes. view is the stamped line as the
   patterns see it (at most 1000 bytes); longer: the line goes on. */
static void select_line(struct svlog *sv, char const *p, size_t content,
                        int complete) {
  char view[SVLOG_MATCH_MAX];
  size_t vlen = 0;
  int longer = 0;
  int sel = 1;
  if (sv->need_view) {
    size_t k = content;
    memcpy(view, sv->stamp, sv->stamp_len);
    vlen = sv->stamp_len;
    if (k > SVLOG_MATCH_MAX - vlen) k = SVLOG_MATCH_MAX - vlen;
    memcpy(view + vlen, p, k);
    vlen += k;
    longer = !complete || vlen < sv->stamp_len + content;
  }
  for (unsigned i = 0; i < sv->nactions; i++) {
    struct svlog_action *a = &sv->actions[i];
    switch (a->kind) {
    case ACT_SELECT:
      if (!sel && svlog_match(a->arg, view, vlen)) sel = 1;
      break;
    case ACT_DESELECT:
      if (sel && svlog_match(a->arg, view, vlen)) sel = 0;
      break;
    case ACT_ERR:
      if (sel) err_line(sv, view, vlen, longer);
      break;
    case ACT_STATUS:
      if (sel) {
        struct svlog_status *s = &sv->statuses[a->index];
        memset(s->line, '\n', SVLOG_STATUS_LEN);
        memcpy(s->line, view, vlen);
        s->dirty = 1;
      }
      break;
    case ACT_DIR: sv->dirs[a->index].selected = sel; break;
    case ACT_STDOUT: a->selected = sel; break;
    }
  }
}

/* One line, or a piece of one: has_nl when p ends with its newline, addnl
   when the line ends here without one (end of input). */
static void piece(struct svlog *sv, char const *p, size_t len, int has_nl,
                  int addnl) {
  int complete = has_nl || addnl;
  if (!sv->mid_line) {
    make_stamp(sv);
    select_line(sv, p, len - (has_nl ? 1 : 0), complete);
    for (unsigned i = 0; i < sv->ndirs; i++)
      if (sv->dirs[i].selected) dir_line_start(sv, &sv->dirs[i], p, len, addnl);
  } else {
    for (unsigned i = 0; i < sv->ndirs; i++)
      if (sv->dirs[i].selected) {
        dir_emit(&sv->dirs[i], p, len);
        if (addnl) dir_emit(&sv->dirs[i], "\n", 1);
      }
  }
  /* the copy is the line as read: the container's log stamps it */
  if (sv->has_stdout) svlog_out_piece(sv, p, len - (has_nl ? 1 : 0), complete);
  sv->mid_line = !complete;
}

size_t svlog_process(struct svlog *sv, char const *buf, size_t n, int forced,
                     int final) {
  size_t pos = 0;
  sv->stamp_fresh = 0;
  while (pos < n) {
    char const *nl = memchr(buf + pos, '\n', n - pos);
    if (nl) {
      size_t end = (size_t)(nl - buf) + 1;
      piece(sv, buf + pos, end - pos, 1, 0);
      pos = end;
    } else if (forced || final) {
      piece(sv, buf + pos, n - pos, 0, final);
      pos = n;
    } else
      break;
  }
  return pos;
}

void svlog_end_of_input(struct svlog *sv) {
  if (sv->mid_line) piece(sv, "", 0, 0, 1);
}
