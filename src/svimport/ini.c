/* Reading a supervisord configuration the way supervisord's parser (Python
   3's configparser, as supervisord sets it up) reads it: sections, keys
   with = or :, full-line and inline ; and # comments, indented
   continuation lines, repeated sections merged, and the [include] of the
   main file, whose globs are relative to that file's directory. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tend/msg.h>
#include "svimport.h"

/* Python's str.isspace() on the ASCII range */
static int py_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

struct svi_section *svi_section(struct svi_config *cfg, char const *name) {
  for (size_t i = 0; i < cfg->nsec; i++)
    if (!strcmp(cfg->sec[i].name, name)) return &cfg->sec[i];
  return 0;
}

struct svi_kv *svi_key(struct svi_section *sec, char const *key) {
  for (size_t i = 0; i < sec->nkv; i++)
    if (!strcmp(sec->kv[i].key, key)) return &sec->kv[i];
  return 0;
}

/* A key given again replaces the value (and where it was written). */
static struct svi_kv *set_key(struct svi_section *sec, char const *key,
                              size_t keylen) {
  char *k = xstrndup(key, keylen);
  for (char *c = k; *c; c++)
    if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
  struct svi_kv *kv = svi_key(sec, k);
  if (kv) {
    xfree(k);
    xfree(kv->value);
  } else {
    sec->kv = xgrow(sec->kv, &sec->cap, sec->nkv + 1, sizeof *sec->kv);
    kv = &sec->kv[sec->nkv++];
    kv->key = k;
  }
  kv->value = 0;
  return kv;
}

/* Where the comment of a line starts, or len: a ; or # at the start of the
   line or after a blank. Python looks for the next ; and the next # in
   turn and takes the first that qualifies in a round; so does this. */
static size_t comment_start(char const *line, size_t len) {
  long at[2] = {-1, -1};
  int live[2] = {1, 1};
  char const prefix[2] = {';', '#'};
  while (live[0] || live[1]) {
    size_t found = len;
    for (int p = 0; p < 2; p++) {
      if (!live[p]) continue;
      char const *hit =
          memchr(line + at[p] + 1, prefix[p], len - (size_t)(at[p] + 1));
      if (!hit) {
        live[p] = 0;
        continue;
      }
      at[p] = hit - line;
      if (at[p] == 0 || py_space((unsigned char)line[at[p] - 1]))
        if ((size_t)at[p] < found) found = (size_t)at[p];
    }
    if (found < len) return found;
  }
  return len;
}

struct parser {
  struct svi_config *cfg;
  char const *file, *here;
  int included;
  struct svi_section *sect; /* 0 before the first header */
  struct svi_kv *opt;       /* the key continuation lines extend */
  size_t indent;            /* of the last header or key line */
  struct svi_err *err;
};

static void end_value(struct parser *p) {
  if (!p->opt) return;
  char *v = p->opt->value;
  size_t n = strlen(v);
  while (n && py_space((unsigned char)v[n - 1]))
    n--;
  v[n] = 0;
}

static void append(struct svi_kv *kv, char const *s, size_t n) {
  size_t old = strlen(kv->value);
  kv->value = xrealloc(kv->value, old + 1 + n + 1);
  kv->value[old] = '\n';
  memcpy(kv->value + old + 1, s, n);
  kv->value[old + 1 + n] = 0;
}

static int header(struct parser *p, char const *v, size_t n, unsigned lineno) {
  /* [name]: up to the last ], whatever follows it */
  char const *close = 0;
  for (size_t i = 1; i < n; i++)
    if (v[i] == ']') close = v + i;
  if (v[0] != '[' || !close || close == v + 1) return 0;
  char *name = xstrndup(v + 1, (size_t)(close - v - 1));
  if (!strcmp(name, "DEFAULT")) {
    p->sect = &p->cfg->defaults;
    if (!p->sect->name) {
      p->sect->name = name;
      p->sect->file = p->file;
      p->sect->line = lineno;
    } else
      xfree(name);
  } else if ((p->sect = svi_section(p->cfg, name))) {
    xfree(name);
  } else {
    struct svi_config *cfg = p->cfg;
    cfg->sec = xgrow(cfg->sec, &cfg->cap, cfg->nsec + 1, sizeof *cfg->sec);
    p->sect = &cfg->sec[cfg->nsec++];
    memset(p->sect, 0, sizeof *p->sect);
    p->sect->name = name;
    p->sect->file = p->file;
    p->sect->line = lineno;
  }
  if (p->included && !strcmp(p->sect->name, "include"))
    svi_warn(p->file, lineno,
             "[include] of an included file is not read (supervisord reads "
             "only the main file's)");
  p->opt = 0;
  return 1;
}

static int line(struct parser *p, char const *s, size_t len, unsigned lineno) {
  for (size_t i = 0; i < len; i++)
    if (!s[i])
      return svi_fail(p->err, 100, p->file, lineno, "NUL byte in the file");
  size_t cut = comment_start(s, len);
  int has_comment = cut < len;
  size_t b = 0, e = cut;
  while (b < len && py_space((unsigned char)s[b]))
    b++;
  if (b < len && (s[b] == ';' || s[b] == '#')) has_comment = 1, e = b;
  while (e > b && py_space((unsigned char)s[e - 1]))
    e--;
  if (e <= b) {
    /* a blank line goes into a value that continues after it */
    if (!has_comment && p->opt) append(p->opt, "", 0);
    return 0;
  }
  char const *v = s + b;
  size_t n = e - b;
  size_t indent = b;
  if (p->opt && indent > p->indent) {
    append(p->opt, v, n);
    return 0;
  }
  end_value(p);
  p->opt = 0;
  p->indent = indent;
  if (header(p, v, n, lineno)) return 0;
  if (!p->sect)
    return svi_fail(p->err, 100, p->file, lineno,
                    "a key before the first [section]");
  size_t d = 0;
  while (d < n && v[d] != '=' && v[d] != ':')
    d++;
  if (d == n)
    return svi_fail(p->err, 100, p->file, lineno,
                    "neither a [section] nor a key=value line");
  size_t klen = d;
  while (klen && py_space((unsigned char)v[klen - 1]))
    klen--;
  if (!klen)
    return svi_fail(p->err, 100, p->file, lineno, "a value without a key");
  size_t vb = d + 1;
  while (vb < n && py_space((unsigned char)v[vb]))
    vb++;
  struct svi_kv *kv = set_key(p->sect, v, klen);
  kv->value = xstrndup(v + vb, n - vb);
  kv->file = p->file;
  kv->here = p->here;
  kv->line = lineno;
  p->opt = kv;
  return 0;
}

int svi_ini_parse(struct svi_config *cfg, char const *file, char const *here,
                  char const *data, size_t len, int included,
                  struct svi_err *err) {
  struct parser p = {cfg, file, here, included, 0, 0, 0, err};
  unsigned lineno = 0;
  size_t i = 0;
  /* lines end with \n, \r\n or \r (Python's universal newlines) */
  while (i < len) {
    size_t b = i;
    while (i < len && data[i] != '\n' && data[i] != '\r')
      i++;
    size_t e = i;
    if (i < len)
      i += data[i] == '\r' && i + 1 < len && data[i + 1] == '\n' ? 2 : 1;
    if (++lineno == 0) lineno--;
    if (line(&p, data + b, e - b, lineno) < 0) return -1;
  }
  end_value(&p);
  return 0;
}

char *svi_abspath(char const *path) {
  struct sbuf in = {0}, out = {0};
  if (path[0] != '/') {
    char *cwd = getcwd(0, 0);
    if (!cwd) return 0;
    sb_adds(&in, cwd);
    sb_addc(&in, '/');
    free(cwd); /* getcwd's, not ours */
  }
  sb_adds(&in, path);
  char *s = sb_take(&in);
  /* out holds "/a/b"; each component is added or removes the last */
  for (char *c = s; *c;) {
    while (*c == '/')
      c++;
    char *end = c;
    while (*end && *end != '/')
      end++;
    size_t n = (size_t)(end - c);
    if (n == 0 || (n == 1 && c[0] == '.')) {
    } else if (n == 2 && c[0] == '.' && c[1] == '.') {
      while (out.len && out.s[out.len - 1] != '/')
        out.len--;
      if (out.len) out.len--;
      if (out.s) out.s[out.len] = 0;
    } else {
      sb_addc(&out, '/');
      sb_addn(&out, c, n);
    }
    c = end;
  }
  xfree(s);
  if (!out.len) sb_addc(&out, '/');
  return sb_take(&out);
}

char *svi_dirname(char const *abspath) {
  char const *slash = strrchr(abspath, '/');
  if (!slash || slash == abspath) return xstrdup("/");
  return xstrndup(abspath, (size_t)(slash - abspath));
}

static int read_file(char const *file, char **data, size_t *len,
                     struct svi_err *err) {
  int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) goto fail;
  struct stat st;
  if (fstat(fd, &st) < 0) goto fail;
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return svi_fail(err, 111, 0, 0, "unable to read %s: not a regular file",
                    file);
  }
  struct sbuf b = {0};
  char buf[8192];
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) goto fail;
    if (!r) break;
    sb_addn(&b, buf, (size_t)r);
  }
  close(fd);
  *len = b.len;
  *data = sb_take(&b);
  return 0;
fail:;
  int e = errno;
  if (fd >= 0) close(fd);
  errno = e;
  return svi_fail(err, 111, 0, 0, "unable to read %s: %s", file,
                  tend_errstr(e));
}

static int parse_file(struct svi_config *cfg, char const *file, int included,
                      struct svi_err *err) {
  char *data;
  size_t len;
  if (read_file(file, &data, &len, err) < 0) return -1;
  char *abs = svi_abspath(file);
  if (!abs)
    return svi_fail(err, 111, 0, 0, "unable to find the current directory");
  char *here = svi_dirname(abs);
  xfree(abs);
  if (!included) cfg->main_here = here;
  int r = svi_ini_parse(cfg, xstrdup(file), here, data, len, included, err);
  xfree(data);
  return r;
}

static int by_name(void const *a, void const *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* [include] files= of the main file: whitespace-separated globs, relative
   to the main file's directory, each one's matches read in name order. A
   glob without a match is a warning, as in supervisord. */
static int includes(struct svi_config *cfg, struct svi_err *err) {
  struct svi_section *inc = svi_section(cfg, "include");
  if (!inc) return 0;
  struct svi_kv *files = svi_key(inc, "files");
  if (!files)
    return svi_fail(err, 100, inc->file, inc->line,
                    "[include] has no files= key");
  struct svi_vars vars = {0};
  svi_vars_base(&vars);
  char *list;
  if (svi_expand(files, files->value, &vars, &list, err) < 0) return -1;
  char const *where = files->file;
  unsigned line = files->line;
  for (char *c = list; *c;) {
    while (*c && py_space((unsigned char)*c))
      c++;
    if (!*c) break;
    char *end = c;
    while (*end && !py_space((unsigned char)*end))
      end++;
    struct sbuf pat = {0};
    if (*c != '/') {
      sb_adds(&pat, cfg->main_here);
      if (pat.s[pat.len - 1] != '/') sb_addc(&pat, '/');
    }
    sb_addn(&pat, c, (size_t)(end - c));
    c = end;
    glob_t g;
    int r = glob(pat.s, GLOB_NOSORT | GLOB_NOESCAPE, 0, &g);
    if (r == GLOB_NOMATCH) {
      svi_warn(where, line, "no file matches %s", pat.s);
      xfree(pat.s);
      continue;
    }
    if (r != 0) return svi_fail(err, 111, 0, 0, "unable to glob %s", pat.s);
    qsort(g.gl_pathv, g.gl_pathc, sizeof *g.gl_pathv, by_name);
    for (size_t i = 0; i < g.gl_pathc; i++)
      if (parse_file(cfg, g.gl_pathv[i], 1, err) < 0) return -1;
    globfree(&g);
    xfree(pat.s);
  }
  xfree(list);
  return 0;
}

int svi_config_read(struct svi_config *cfg, char const *file,
                    struct svi_err *err) {
  if (parse_file(cfg, file, 0, err) < 0) return -1;
  return includes(cfg, err);
}
