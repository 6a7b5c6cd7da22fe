/* svlog's script: multilog's actions and tend's own, one per argument.
   Numbers never wrap: a value above its ceiling is capped, and said so. */
#include <string.h>
#include "svlog.h"

/* Decimal digits, saturating just above LIMIT (a huge number stays huge,
   it never wraps). Returns the byte after them, or 0 if there is none. */
static char const *scan_digits(char const *s, uint64_t limit, uint64_t *n) {
  uint64_t v = 0;
  if (*s < '0' || *s > '9') return 0;
  for (; *s >= '0' && *s <= '9'; s++)
    if (v <= limit) v = v * 10 + (uint64_t)(*s - '0');
  *n = v;
  return s;
}

/* sSIZE: bytes, or k/K, M, G (powers of 1024). -1 if malformed; *capped
   when above the ceiling. */
static int parse_size(char const *s, uint64_t *out, int *capped) {
  uint64_t n;
  unsigned shift = 0;
  s = scan_digits(s, SVLOG_SIZE_LIMIT, &n);
  if (!s) return -1;
  switch (*s) {
  case 0: break;
  case 'k':
  case 'K': shift = 10; break;
  case 'M': shift = 20; break;
  case 'G': shift = 30; break;
  default: return -1;
  }
  if (*s && s[1]) return -1;
  if (n > SVLOG_SIZE_LIMIT >> shift) {
    n = SVLOG_SIZE_LIMIT;
    *capped = 1;
  } else
    n <<= shift;
  if (n < SVLOG_SIZE_MIN) n = SVLOG_SIZE_MIN;
  *out = n;
  return 0;
}

/* aAGE: seconds, or with m, h, d. In nanoseconds; -1 if malformed. */
static int parse_age(char const *s, uint64_t *out, int *capped) {
  uint64_t n, unit = 1;
  s = scan_digits(s, SVLOG_AGE_LIMIT, &n);
  if (!s) return -1;
  switch (*s) {
  case 0: break;
  case 's': break;
  case 'm': unit = 60; break;
  case 'h': unit = 3600; break;
  case 'd': unit = 86400; break;
  default: return -1;
  }
  if (*s && s[1]) return -1;
  if (n > SVLOG_AGE_LIMIT / unit) {
    n = SVLOG_AGE_LIMIT;
    unit = 1;
    *capped = 1;
  }
  *out = n * unit * 1000000000;
  return 0;
}

char const *svlog_script_parse(struct svlog *sv, int argc,
                               char const *const *argv, char const **bad,
                               void (*warn)(char const *, char const *)) {
  uint64_t size = SVLOG_SIZE_DEFAULT, age = 0, n;
  unsigned keep = SVLOG_KEEP_DEFAULT;
  char const *processor = 0, *prefix = "";
  unsigned prefix_len = 0;
  for (int i = 0; i < argc; i++) {
    char const *a = argv[i];
    struct svlog_action *act = &sv->actions[sv->nactions];
    int capped = 0;
    *bad = a;
    switch (a[0]) {
    case 0: return "";
    case 't':
    case 'T':
      /* like multilog: a stamp is only added by the first action */
      if (a[1]) return "unknown action: ";
      if (i == 0) sv->stamping = a[0] == 't' ? STAMP_TAI64N : STAMP_ISO;
      break;
    case '+':
    case '-':
      act->kind = a[0] == '+' ? ACT_SELECT : ACT_DESELECT;
      act->arg = a + 1;
      sv->nactions++;
      sv->need_view = 1;
      break;
    case 'e':
      if (a[1]) return "unknown action: ";
      act->kind = ACT_ERR;
      sv->nactions++;
      sv->need_view = 1;
      break;
    case 's':
      if (parse_size(a + 1, &size, &capped) < 0) return "invalid size in ";
      if (capped && warn) warn("size too large, using 1 TB: ", a);
      break;
    case 'a':
      if (parse_age(a + 1, &age, &capped) < 0) return "invalid age in ";
      if (capped && warn) warn("age too large, using 36500 days: ", a);
      break;
    case 'n': {
      char const *end = scan_digits(a + 1, SVLOG_KEEP_LIMIT, &n);
      if (!end || *end) return "invalid number in ";
      if (n > SVLOG_KEEP_LIMIT) {
        n = SVLOG_KEEP_LIMIT;
        if (warn) warn("number too large, using 1000000: ", a);
      }
      keep = n < 2 ? 2 : (unsigned)n;
      break;
    }
    case 'p': { /* [tend] the prefix of the 1 actions that follow */
      size_t len = strlen(a + 1);
      if (len > SVLOG_PREFIX_MAX) return "prefix longer than 200 bytes in ";
      prefix = a + 1;
      prefix_len = (unsigned)len;
      break;
    }
    case '1':
      if (a[1]) return "unknown action: ";
      act->kind = ACT_STDOUT;
      act->arg = prefix;
      act->index = prefix_len;
      sv->nactions++;
      sv->has_stdout = 1;
      break;
    case '!': processor = a[1] ? a + 1 : 0; break;
    case '=':
      if (!a[1]) return "missing file name in ";
      act->kind = ACT_STATUS;
      act->arg = a + 1;
      act->index = sv->nstatuses;
      sv->statuses[sv->nstatuses++].path = a + 1;
      sv->nactions++;
      sv->need_view = 1;
      break;
    case '.':
    case '/': {
      struct svlog_dir *d = &sv->dirs[sv->ndirs];
      act->kind = ACT_DIR;
      act->arg = a;
      act->index = sv->ndirs++;
      sv->nactions++;
      d->path = a;
      d->size_max = size;
      d->keep = keep;
      d->age_max_ns = age;
      d->processor = processor;
      break;
    }
    default: return "unknown action: ";
    }
  }
  *bad = 0;
  return 0;
}
