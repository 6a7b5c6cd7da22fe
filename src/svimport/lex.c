/* The small languages inside supervisord's values: %(name)s expansions
   (Python's % formatting with a mapping), command= (split by POSIX shlex:
   quotes and backslashes, no shell), environment= (KEY="val",KEY2='x', read
   by a non-POSIX shlex, quirks included), and the value types (integers,
   booleans, sizes, octal umasks, exit codes, signals). Every error names
   the file and line of the key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <tend/servicedir.h>
#include "svimport.h"

static int fail(struct svi_kv const *kv, struct svi_err *err, char const *what,
                char const *s) {
  return svi_fail(err, 100, kv->file, kv->line, "%s in %s=%s", what, kv->key,
                  s);
}

static struct svi_var *var_slot(struct svi_vars *vs, char const *name) {
  for (size_t i = 0; i < vs->n; i++)
    if (!strcmp(vs->v[i].name, name)) {
      xfree(vs->v[i].str);
      return &vs->v[i];
    }
  vs->v = xgrow(vs->v, &vs->cap, vs->n + 1, sizeof *vs->v);
  vs->v[vs->n].name = xstrdup(name);
  return &vs->v[vs->n++];
}

void svi_var_str(struct svi_vars *vs, char const *name, char const *s) {
  struct svi_var *v = var_slot(vs, name);
  v->str = xstrdup(s);
  v->num = 0;
}

void svi_var_num(struct svi_vars *vs, char const *name, long long n) {
  struct svi_var *v = var_slot(vs, name);
  v->str = 0;
  v->num = n;
}

void svi_vars_base(struct svi_vars *vs) {
  struct utsname u;
  svi_var_str(vs, "host_node_name", uname(&u) < 0 ? "" : u.nodename);
  extern char **environ;
  for (char **e = environ; *e; e++) {
    char const *eq = strchr(*e, '=');
    if (!eq) continue;
    struct sbuf name = {0};
    sb_adds(&name, "ENV_");
    sb_addn(&name, *e, (size_t)(eq - *e));
    svi_var_str(vs, name.s, eq + 1);
    xfree(name.s);
  }
}

/* %[(name)][flags][width][.precision][hlL]conversion, conversions d i u s
   (process_num and numprocs are numbers, everything else text), %% for a
   percent sign. Python would format the whole mapping for a conversion
   without a (name); that is never what was meant, so it is an error. */
int svi_expand(struct svi_kv const *kv, char const *s,
               struct svi_vars const *vs, char **out, struct svi_err *err) {
  struct sbuf b = {0};
  for (char const *c = s; *c;) {
    if (*c != '%') {
      char const *pct = strchr(c, '%');
      size_t n = pct ? (size_t)(pct - c) : strlen(c);
      sb_addn(&b, c, n);
      c += n;
      continue;
    }
    c++;
    if (*c == '%') {
      sb_addc(&b, '%');
      c++;
      continue;
    }
    if (*c != '(') {
      xfree(b.s);
      return svi_fail(err, 100, kv->file, kv->line,
                      "a %% without (name) in %s=%s (write %%%% for a "
                      "percent sign)",
                      kv->key, s);
    }
    char const *name = ++c;
    for (int depth = 1; depth;) {
      if (!*c) {
        xfree(b.s);
        return fail(kv, err, "an unfinished %(name)", s);
      }
      if (*c == '(') depth++;
      if (*c == ')') depth--;
      c++;
    }
    char *key = xstrndup(name, (size_t)(c - 1 - name));
    struct svi_var const *v = 0;
    struct svi_var here = {(char *)"here", (char *)kv->here, 0};
    if (!strcmp(key, "here") && kv->here) v = &here;
    for (size_t i = 0; !v && i < vs->n; i++)
      if (!strcmp(vs->v[i].name, key)) v = &vs->v[i];
    if (!v) {
      svi_fail(err, 100, kv->file, kv->line, "unknown name %%(%s) in %s=%s",
               key, kv->key, s);
      xfree(key);
      xfree(b.s);
      return -1;
    }
    xfree(key);
    char fmt[32];
    size_t f = 0;
    fmt[f++] = '%';
    int left = 0, zero = 0, plus = 0, space = 0;
    for (; *c && strchr("-+ #0", *c); c++) {
      if (*c == '-') left = 1;
      if (*c == '0') zero = 1;
      if (*c == '+') plus = 1;
      if (*c == ' ') space = 1;
    }
    long width = -1, prec = -1;
    if (*c >= '0' && *c <= '9')
      for (width = 0; *c >= '0' && *c <= '9'; c++)
        if ((width = width * 10 + (*c - '0')) > 4096) width = 4097;
    if (*c == '.')
      for (prec = 0, c++; *c >= '0' && *c <= '9'; c++)
        if ((prec = prec * 10 + (*c - '0')) > 4096) prec = 4097;
    while (*c == 'h' || *c == 'l' || *c == 'L')
      c++;
    char conv = *c;
    if (conv) c++;
    if (width > 4096 || prec > 4096) {
      xfree(b.s);
      return fail(kv, err, "a width or precision that is too large", s);
    }
    if (conv == 's') {
      if (left) fmt[f++] = '-';
    } else if (conv == 'd' || conv == 'i' || conv == 'u') {
      if (!v->str) {
        if (left) fmt[f++] = '-';
        if (zero) fmt[f++] = '0';
        if (plus) fmt[f++] = '+';
        if (space) fmt[f++] = ' ';
      }
    } else {
      xfree(b.s);
      return fail(kv, err,
                  conv ? "an unsupported conversion (only d, i, u and s)"
                       : "an unfinished %(name) format",
                  s);
    }
    if (conv != 's' && v->str) {
      svi_fail(err, 100, kv->file, kv->line,
               "%%(%s)%c needs a number, and %s is text, in %s=%s", v->name,
               conv, v->name, kv->key, s);
      xfree(b.s);
      return -1;
    }
    if (width >= 0) f += (size_t)snprintf(fmt + f, 8, "%ld", width);
    if (prec >= 0) f += (size_t)snprintf(fmt + f, 9, ".%ld", prec);
    if (conv == 's' && v->str) {
      strcpy(fmt + f, "s");
      sb_addf(&b, fmt, v->str);
    } else if (conv == 's') {
      char num[32];
      snprintf(num, sizeof num, "%lld", v->num);
      strcpy(fmt + f, "s");
      sb_addf(&b, fmt, num);
    } else {
      strcpy(fmt + f, "lld");
      sb_addf(&b, fmt, v->num);
    }
  }
  *out = sb_take(&b);
  return 0;
}

void svi_env_set(struct svi_env *env, char const *key, char const *val) {
  for (size_t i = 0; i < env->n; i++)
    if (!strcmp(env->key[i], key)) {
      xfree(env->val[i]);
      env->val[i] = xstrdup(val);
      return;
    }
  size_t kc = env->cap;
  env->key = xgrow(env->key, &kc, env->n + 1, sizeof *env->key);
  env->val = xgrow(env->val, &env->cap, env->n + 1, sizeof *env->val);
  env->key[env->n] = xstrdup(key);
  env->val[env->n++] = xstrdup(val);
}

/* Length of the character starting at s: Python reads code points. */
static size_t char_len(char const *s) {
  unsigned char c = (unsigned char)*s;
  size_t n = c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
  for (size_t i = 1; i < n; i++)
    if (((unsigned char)s[i] & 0xc0) != 0x80) return i;
  return n;
}

static int env_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || (c && strchr("_/.+-():", c));
}

static int env_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One token of Python's shlex in non-POSIX mode, with supervisord's extra
   word characters: a word, a quoted string (quotes kept), or any other
   single character. # starts a comment to the end of the line; inside a
   word it is skipped and the word goes on. Returns 1, 0 at the end, -1 on
   an unclosed quote. */
static int env_token(char const *s, size_t *at, int *state, struct sbuf *tok) {
  size_t i = *at;
  tok->len = 0;
  if (tok->s) tok->s[0] = 0;
  int r = 1;
  for (;;) {
    if (*state == 0) { /* the end was reached */
      r = tok->len > 0;
      break;
    }
    char c = s[i];
    size_t cl = c ? char_len(s + i) : 0;
    if (*state == ' ') {
      if (!c) {
        *state = 0;
        continue;
      }
      i += cl;
      if (env_space(c)) {
        if (tok->len) break;
      } else if (c == '#') {
        while (s[i] && s[i] != '\n')
          i++;
        if (s[i]) i++;
      } else if (env_word(c)) {
        sb_addc(tok, c);
        *state = 'a';
      } else if (c == '"' || c == '\'') {
        sb_addc(tok, c);
        *state = c;
      } else {
        sb_addn(tok, s + i - cl, cl);
        break;
      }
    } else if (*state == 'a') {
      if (!c) {
        *state = 0;
        break;
      }
      if (env_space(c)) {
        i += cl;
        *state = ' ';
        break;
      }
      if (c == '#') {
        while (s[i] && s[i] != '\n')
          i++;
        if (s[i]) i++;
      } else if (env_word(c) || c == '"' || c == '\'') {
        sb_addc(tok, c);
        i += cl;
      } else {
        *state = ' ';
        break;
      }
    } else { /* inside quotes */
      if (!c) {
        r = -1;
        break;
      }
      sb_addn(tok, s + i, cl);
      i += cl;
      if (c == *state) {
        *state = ' ';
        break;
      }
    }
  }
  *at = i;
  return r;
}

/* Tokens are taken three at a time, KEY = VALUE, and the fourth (meant to
   be a comma) is skipped whatever it is; quotes at both ends of VALUE are
   stripped. That is what supervisord does, so `A=x y` sets A to x. */
int svi_env_parse(struct svi_kv const *kv, char const *s, struct svi_env *env,
                  struct svi_err *err) {
  struct sbuf tok = {0};
  char *three[3];
  size_t at = 0, n = 0;
  int state = ' ';
  for (;;) {
    int r = env_token(s, &at, &state, &tok);
    if (r < 0) {
      xfree(tok.s);
      return fail(kv, err, "an unclosed quote", s);
    }
    if (!r) break;
    if (n < 3) three[n] = xstrdup(tok.s);
    if (++n == 3) {
      if (strcmp(three[1], "=")) {
        xfree(tok.s);
        return fail(kv, err, "not KEY=VALUE pairs", s);
      }
      char *v = three[2], *e = v + strlen(v);
      while (*v == '"' || *v == '\'')
        v++;
      while (e > v && (e[-1] == '"' || e[-1] == '\''))
        e--;
      *e = 0;
      svi_env_set(env, three[0], v);
      for (int k = 0; k < 3; k++)
        xfree(three[k]);
    }
    if (n == 4) n = 0;
  }
  xfree(tok.s);
  if (n == 1 || n == 2) {
    for (size_t k = 0; k < n; k++)
      xfree(three[k]);
    return fail(kv, err, "an unfinished KEY=VALUE pair", s);
  }
  return 0;
}

/* shlex.split(s): words split at blanks; '...' literal; "..." where \
   escapes only " and \; a \ outside quotes escapes any character. */
int svi_split(struct svi_kv const *kv, char const *s, char ***argv_out,
              size_t *argc_out, struct svi_err *err) {
  char **argv = 0;
  size_t argc = 0, cap = 0;
  struct sbuf w = {0};
  int in_word = 0; /* a word has started, maybe empty ("") */
  char quote = 0;
  for (char const *c = s;; c++) {
    if (quote) {
      if (!*c) goto unclosed;
      if (*c == quote) {
        quote = 0;
      } else if (*c == '\\' && quote == '"') {
        if (!c[1]) goto unclosed;
        if (c[1] != '"' && c[1] != '\\') sb_addc(&w, '\\');
        sb_addc(&w, *++c);
      } else
        sb_addc(&w, *c);
      continue;
    }
    if (!*c || *c == ' ' || *c == '\t' || *c == '\r' || *c == '\n') {
      if (in_word) {
        argv = xgrow(argv, &cap, argc + 2, sizeof *argv);
        argv[argc++] = sb_take(&w);
        in_word = 0;
      }
      if (!*c) break;
      continue;
    }
    in_word = 1;
    if (*c == '"' || *c == '\'') {
      quote = *c;
    } else if (*c == '\\') {
      if (!c[1]) {
        xfree(w.s);
        return fail(kv, err, "a \\ at the end", s);
      }
      sb_addc(&w, *++c);
    } else
      sb_addc(&w, *c);
  }
  if (!argc) return fail(kv, err, "no program", s);
  argv[argc] = 0;
  *argv_out = argv;
  *argc_out = argc;
  return 0;
unclosed:
  xfree(w.s);
  return fail(kv, err, "an unclosed quote", s);
}

/* Python's int(): blanks around, a sign, digits with single _ between. */
static int py_int(char const *s, size_t len, long long *out) {
  size_t i = 0;
  while (i < len && s[i] && strchr(" \t\n\v\f\r", s[i]))
    i++;
  while (len > i && s[len - 1] && strchr(" \t\n\v\f\r", s[len - 1]))
    len--;
  int neg = 0;
  if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  if (i == len) return -1;
  unsigned long long n = 0;
  int digit_before = 0;
  for (; i < len; i++) {
    if (s[i] == '_' && digit_before && i + 1 < len && s[i + 1] >= '0' &&
        s[i + 1] <= '9') {
      digit_before = 0;
      continue;
    }
    if (s[i] < '0' || s[i] > '9') return -1;
    digit_before = 1;
    if (n > 100000000000000000ull) return -2;
    n = n * 10 + (unsigned)(s[i] - '0');
  }
  *out = neg ? -(long long)n : (long long)n;
  return 0;
}

int svi_int(struct svi_kv const *kv, char const *s, long long min,
            long long max, long long *out, struct svi_err *err) {
  int r = py_int(s, strlen(s), out);
  if (r == -1) return fail(kv, err, "not a number", s);
  if (r == -2 || *out < min || *out > max)
    return svi_fail(err, 100, kv->file, kv->line,
                    "%s=%s is out of range (%lld to %lld)", kv->key, s, min,
                    max);
  return 0;
}

int svi_bool(struct svi_kv const *kv, char const *s, int *out,
             struct svi_err *err) {
  static char const *const yes[] = {"yes", "true", "on", "1"};
  static char const *const no[] = {"no", "false", "off", "0"};
  for (int i = 0; i < 4; i++) {
    if (!strcasecmp(s, yes[i])) return *out = 1, 0;
    if (!strcasecmp(s, no[i])) return *out = 0, 0;
  }
  return fail(kv, err, "not a boolean (true or false)", s);
}

/* a number of bytes, with KB, MB or GB (powers of 1024, any case) */
int svi_bytes(struct svi_kv const *kv, char const *s, long long *out,
              struct svi_err *err) {
  size_t len = strlen(s);
  long long mult = 1;
  if (len >= 2 && (s[len - 1] == 'b' || s[len - 1] == 'B')) {
    char u = s[len - 2];
    mult = u == 'k' || u == 'K'   ? 1ll << 10
           : u == 'm' || u == 'M' ? 1ll << 20
           : u == 'g' || u == 'G' ? 1ll << 30
                                  : 1;
    if (mult > 1) len -= 2;
  }
  long long n;
  int r = py_int(s, len, &n);
  if (r == -1) return fail(kv, err, "not a size", s);
  if (r == -2 || n > (1ll << 50) / mult || n < -(1ll << 50) / mult)
    return fail(kv, err, "a size too large", s);
  *out = n * mult;
  return 0;
}

int svi_octal(struct svi_kv const *kv, char const *s, unsigned *out,
              struct svi_err *err) {
  char const *c = s;
  while (*c == ' ' || *c == '\t')
    c++;
  if (c[0] == '0' && (c[1] == 'o' || c[1] == 'O')) c += 2;
  unsigned n = 0;
  int digits = 0;
  for (; *c >= '0' && *c <= '7'; c++, digits++)
    if ((n = n * 8 + (unsigned)(*c - '0')) > 0777)
      return fail(kv, err, "an umask above 777", s);
  while (*c == ' ' || *c == '\t')
    c++;
  if (!digits || *c) return fail(kv, err, "not an octal number", s);
  *out = n;
  return 0;
}

int svi_exitcodes(struct svi_kv const *kv, char const *s,
                  unsigned char codes[256], struct svi_err *err) {
  memset(codes, 0, 256);
  if (!*s) return 0;
  for (char const *c = s;;) {
    char const *comma = strchr(c, ',');
    size_t n = comma ? (size_t)(comma - c) : strlen(c);
    long long code;
    if (py_int(c, n, &code) < 0 || code < 0 || code > 255)
      return fail(kv, err, "not a list of exit codes (0 to 255)", s);
    codes[code] = 1;
    if (!comma) return 0;
    c = comma + 1;
  }
}

/* A name (with or without SIG, any case) or a number; Linux's other names
   for the same signals are known too. */
int svi_signal(struct svi_kv const *kv, char const *s, int *out,
               struct svi_err *err) {
  static struct {
    char const *name;
    int sig;
  } const alias[] = {{"IOT", 6}, {"STKFLT", 16}, {"CLD", 17},   {"POLL", 29},
                     {"IO", 29}, {"PWR", 30},    {"RTMIN", 34}, {"RTMAX", 64}};
  long long n;
  if (py_int(s, strlen(s), &n) == 0) {
    if (n < 1 || n > 64) return fail(kv, err, "not a signal number", s);
    *out = (int)n;
    return 0;
  }
  char name[16];
  char const *c = s;
  while (*c == ' ' || *c == '\t')
    c++;
  size_t len = 0;
  for (; *c && *c != ' ' && *c != '\t' && len < sizeof name - 1; c++)
    name[len++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
  name[len] = 0;
  while (*c == ' ' || *c == '\t')
    c++;
  char const *bare = strncmp(name, "SIG", 3) ? name : name + 3;
  int sig = *c || (*bare >= '0' && *bare <= '9') ? 0 : tend_sig_number(bare);
  for (size_t i = 0; !sig && !*c && i < sizeof alias / sizeof *alias; i++)
    if (!strcmp(bare, alias[i].name)) sig = alias[i].sig;
  if (!sig) return fail(kv, err, "not a signal name", s);
  *out = sig;
  return 0;
}
