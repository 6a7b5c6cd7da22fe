/* svstat -j's object and -P's label values for any name and any status
   bytes. The object must be one line of valid JSON (RFC 8259, checked by
   the small parser below, which also takes strings as valid UTF-8 only),
   its "name" must decode to the name given (each byte that is not part of
   valid UTF-8 as the character of the same number), and a -P label value
   must unescape to that same text. The harness's UTF-8 decoding is written
   apart from svstat_text.c's on purpose: the two must agree.
   Input: 80 bytes of status (the switches say how many are read), 12 of
   "now", one of switches, then the name (up to its first NUL, as an argument
   cannot hold one). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <tend/status.h>
#include "../src/svstat/svstat_json.h"
#include "../src/svstat/svstat_prom.h"
#include "../src/svstat/svstat_read.h"

static void check(int ok) {
  if (!ok) __builtin_trap();
}

/* The code point of the UTF-8 sequence at S (N bytes left) and its length
   in *LEN, or -1 if S does not start a valid one. */
static long utf8_decode(unsigned char const *s, size_t n, size_t *len) {
  unsigned char c = s[0];
  long cp, min;
  size_t need;
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  if ((c & 0xe0) == 0xc0)
    need = 2, cp = c & 0x1f, min = 0x80;
  else if ((c & 0xf0) == 0xe0)
    need = 3, cp = c & 0x0f, min = 0x800;
  else if ((c & 0xf8) == 0xf0)
    need = 4, cp = c & 0x07, min = 0x10000;
  else
    return -1;
  if (n < need) return -1;
  for (size_t i = 1; i < need; i++) {
    if ((s[i] & 0xc0) != 0x80) return -1;
    cp = cp << 6 | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  *len = need;
  return cp;
}

static size_t utf8_encode(char *out, long cp) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xc0 | cp >> 6);
    out[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xe0 | cp >> 12);
    out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = (char)(0xf0 | cp >> 18);
  out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
  out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
  out[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

/* What the name must decode to: valid UTF-8 as it is, another byte B as
   the UTF-8 of U+00B. OUT has room for 2 * N bytes. */
static size_t expected(char *out, char const *s, size_t n) {
  unsigned char const *u = (unsigned char const *)s;
  size_t len, o = 0;
  for (size_t i = 0; i < n; i += len) {
    long cp = utf8_decode(u + i, n - i, &len);
    if (cp < 0) cp = u[i], len = 1;
    o += utf8_encode(out + o, cp);
  }
  return o;
}

/* A JSON parser that only says yes or no. P walks the text to END; a
   string is decoded into DEC (if not 0) with its length in *DECLEN. */
typedef struct parser {
  unsigned char const *p, *end;
  int depth;
} parser;

static int peek(parser *ps) {
  return ps->p < ps->end ? *ps->p : -1;
}

static int hex4(parser *ps, long *v) {
  *v = 0;
  for (int i = 0; i < 4; i++) {
    int c = peek(ps);
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return 0;
    *v = *v << 4 | d;
    ps->p++;
  }
  return 1;
}

static int string(parser *ps, char *dec, size_t *declen) {
  size_t o = 0;
  if (peek(ps) != '"') return 0;
  ps->p++;
  for (;;) {
    int c = peek(ps);
    if (c < 0 || c < 0x20) return 0;
    if (c == '"') break;
    long cp;
    size_t len = 1;
    if (c == '\\') {
      ps->p++;
      c = peek(ps);
      ps->p++;
      switch (c) {
      case '"': cp = '"'; break;
      case '\\': cp = '\\'; break;
      case '/': cp = '/'; break;
      case 'b': cp = '\b'; break;
      case 'f': cp = '\f'; break;
      case 'n': cp = '\n'; break;
      case 'r': cp = '\r'; break;
      case 't': cp = '\t'; break;
      case 'u':
        if (!hex4(ps, &cp)) return 0;
        if (cp >= 0xdc00 && cp <= 0xdfff) return 0;
        if (cp >= 0xd800 && cp <= 0xdbff) {
          long lo;
          if (peek(ps) != '\\') return 0;
          ps->p++;
          if (peek(ps) != 'u') return 0;
          ps->p++;
          if (!hex4(ps, &lo) || lo < 0xdc00 || lo > 0xdfff) return 0;
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        }
        break;
      default: return 0;
      }
    } else {
      cp = utf8_decode(ps->p, (size_t)(ps->end - ps->p), &len);
      if (cp < 0) return 0;
      ps->p += len;
    }
    if (dec) o += utf8_encode(dec + o, cp);
  }
  ps->p++;
  if (declen) *declen = o;
  return 1;
}

static int digits(parser *ps) {
  int n = 0;
  while (peek(ps) >= '0' && peek(ps) <= '9')
    ps->p++, n++;
  return n;
}

static int number(parser *ps) {
  if (peek(ps) == '-') ps->p++;
  if (peek(ps) == '0')
    ps->p++;
  else if (!digits(ps))
    return 0;
  if (peek(ps) == '.') {
    ps->p++;
    if (!digits(ps)) return 0;
  }
  if (peek(ps) == 'e' || peek(ps) == 'E') {
    ps->p++;
    if (peek(ps) == '+' || peek(ps) == '-') ps->p++;
    if (!digits(ps)) return 0;
  }
  return 1;
}

static int word(parser *ps, char const *w) {
  size_t n = strlen(w);
  if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n)) return 0;
  ps->p += n;
  return 1;
}

static int value(parser *ps);

static int object(parser *ps) {
  ps->p++;
  if (peek(ps) == '}') return ps->p++, 1;
  for (;;) {
    if (!string(ps, 0, 0) || peek(ps) != ':') return 0;
    ps->p++;
    if (!value(ps)) return 0;
    if (peek(ps) == '}') return ps->p++, 1;
    if (peek(ps) != ',') return 0;
    ps->p++;
  }
}

static int array(parser *ps) {
  ps->p++;
  if (peek(ps) == ']') return ps->p++, 1;
  for (;;) {
    if (!value(ps)) return 0;
    if (peek(ps) == ']') return ps->p++, 1;
    if (peek(ps) != ',') return 0;
    ps->p++;
  }
}

static int value(parser *ps) {
  if (++ps->depth > 8) return 0;
  int r, c = peek(ps);
  if (c == '{')
    r = object(ps);
  else if (c == '[')
    r = array(ps);
  else if (c == '"')
    r = string(ps, 0, 0);
  else if (c == 't')
    r = word(ps, "true");
  else if (c == 'f')
    r = word(ps, "false");
  else if (c == 'n')
    r = word(ps, "null");
  else
    r = number(ps);
  ps->depth--;
  return r;
}

/* Unescapes a -P label value (\\, \", \n) and checks it is valid UTF-8
   with no bare quote or newline. */
static size_t unlabel(char *out, char const *s, size_t n) {
  unsigned char const *u = (unsigned char const *)s;
  size_t o = 0, len;
  for (size_t i = 0; i < n; i += len) {
    len = 1;
    check(u[i] != '"' && u[i] != '\n');
    if (u[i] == '\\') {
      check(i + 1 < n);
      char e = s[++i];
      check(e == '\\' || e == '"' || e == 'n');
      out[o++] = e == 'n' ? '\n' : e;
      continue;
    }
    check(utf8_decode(u + i, n - i, &len) >= 0);
    memcpy(out + o, s + i, len);
    o += len;
  }
  return o;
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size) {
  size_t head = TEND_STATUS_SIZE + TEND_TAI64N_LEN + 1;
  if (size < head) return 0;
  char const *name = (char const *)data + head;
  size_t namelen = strnlen(name, size - head);
  char *nm = malloc(namelen + 1);
  check(nm != 0);
  memcpy(nm, name, namelen);
  nm[namelen] = 0;

  svstat_record r, log;
  memset(&r, 0, sizeof r);
  unsigned char sw = data[head - 1];
  /* the top two switches: 80 bytes, runit's 20, daemontools' 18, or 17 */
  static size_t const lens[4] = {TEND_STATUS_SIZE, 20, 18, 17};
  if (!tend_status_unpack(&r.st, (char const *)data, lens[sw >> 6]))
    r.what = "unable to read supervise/status: bad format", r.reason = "";
  tend_stamp now;
  tend_tai64n_unpack((char const *)data + TEND_STATUS_SIZE, &now);
  r.normallyup = sw & 1;
  log = r;
  if (sw & 2) log.what = "supervise not running", log.reason = "";
  if (sw & 4) r.what = "unable to chdir: ", r.reason = "file does not exist";

  stralloc path = STRALLOC_ZERO, out = STRALLOC_ZERO;
  check(svstat_path(&path, (sw & 8) ? "/" : "/ser\"vice/", nm));
  check(path.len && path.s[0] == '/' && path.s[path.len - 1] == 0);
  check(svstat_json(&out, nm, (sw & 16) ? 0 : path.s, &r, (sw & 32) ? &log : 0,
                    &now));

  /* one line, one object, valid JSON */
  check(out.len && out.s[out.len - 1] == '\n');
  check(!memchr(out.s, '\n', out.len - 1));
  parser ps = {(unsigned char const *)out.s,
               (unsigned char const *)out.s + out.len - 1, 0};
  check(peek(&ps) == '{' && value(&ps) && ps.p == ps.end);

  /* "name" comes first and decodes to the name */
  char *want = malloc(2 * namelen + 1), *got = malloc(2 * namelen + 8);
  check(want && got);
  size_t wantlen = expected(want, nm, namelen), gotlen;
  parser pn = {(unsigned char const *)out.s + 8,
               (unsigned char const *)out.s + out.len, 0};
  check(!memcmp(out.s, "{\"name\":", 8));
  check(string(&pn, got, &gotlen));
  check(gotlen == wantlen && !memcmp(got, want, wantlen));

  /* the label value of -P unescapes to the same */
  stralloc label = STRALLOC_ZERO;
  check(svstat_prom_label(&label, nm, namelen));
  char *un = malloc(label.len + 16);
  check(un != 0);
  size_t unlen = unlabel(un, label.s, label.len);
  check(unlen == wantlen && !memcmp(un, want, wantlen));

  /* every -P line is a HELP (once per family), a TYPE, or
     NAME{service="..."} VALUE */
  svstat_entry e[2] = {{nm, 0, r}, {"x/log", 0, log}};
  stralloc prom = STRALLOC_ZERO;
  for (unsigned f = 0; f < SVSTAT_PROM_FAMILIES; f++) {
    int headed = 0; /* in two slices, as svstat does */
    check(svstat_prom_family(&prom, f, e, 1, &now, &headed));
    check(svstat_prom_family(&prom, f, e + 1, 1, &now, &headed));
  }
  char const *help[SVSTAT_PROM_FAMILIES];
  size_t help_len[SVSTAT_PROM_FAMILIES];
  unsigned nhelp = 0;
  for (size_t i = 0; i < prom.len;) {
    char *nl = memchr(prom.s + i, '\n', prom.len - i);
    check(nl != 0);
    size_t n = (size_t)(nl - (prom.s + i));
    char *line = prom.s + i;
    if (!strncmp(line, "# HELP ", 7)) { /* once per family */
      size_t len = strcspn(line + 7, " ");
      for (unsigned h = 0; h < nhelp; h++)
        check(help_len[h] != len || memcmp(help[h], line + 7, len));
      check(nhelp < SVSTAT_PROM_FAMILIES);
      help[nhelp] = line + 7;
      help_len[nhelp++] = len;
    }
    if (line[0] != '#') {
      char *open = memchr(line, '{', n);
      check(open && !memcmp(open, "{service=\"", 10));
      char *close = line + n;
      while (close > open && *close != '}')
        close--;
      check(close > open + 10 && close[-1] == '"' && close[1] == ' ');
      unlabel(un, open + 10, (size_t)(close - 1 - (open + 10)));
      for (char *v = close + 2; v < line + n; v++)
        check((*v >= '0' && *v <= '9') || *v == '.');
    }
    i += n + 1;
  }

  stralloc_free(&prom);
  stralloc_free(&label);
  stralloc_free(&path);
  stralloc_free(&out);
  free(un);
  free(want);
  free(got);
  free(nm);
  return 0;
}
