/* From sections to processes: each [program:x] gives numprocs processes,
   with supervisord's defaults, the defaults of [supervisord] (environment,
   user, umask, directory) and the group of a [group:g] that lists it.
   Where a key asks for something tend does not do, a warning names the
   file and line; the mapping, key by key, is in doc/svimport.8. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "svimport.h"

/* What a key of [program:x] becomes. */
enum use {
  USE_MAPPED,   /* read below */
  USE_NOTE,     /* not mapped: a warning, and a note in ./run */
  USE_NOTE_SET, /* not mapped when it asks for something (not false, 0) */
};
static struct {
  char const *key;
  enum use use;
  char const *why; /* for the notes */
} const program_keys[] = {
    {"command", USE_MAPPED, 0},
    {"process_name", USE_MAPPED, 0},
    {"numprocs", USE_MAPPED, 0},
    {"numprocs_start", USE_MAPPED, 0},
    {"priority", USE_MAPPED, 0},
    {"autostart", USE_MAPPED, 0},
    {"autorestart", USE_MAPPED, 0},
    {"startsecs", USE_MAPPED, 0},
    {"exitcodes", USE_MAPPED, 0},
    {"stopsignal", USE_MAPPED, 0},
    {"stopwaitsecs", USE_MAPPED, 0},
    {"stopasgroup", USE_MAPPED, 0},
    {"killasgroup", USE_MAPPED, 0},
    {"user", USE_MAPPED, 0},
    {"directory", USE_MAPPED, 0},
    {"umask", USE_MAPPED, 0},
    {"environment", USE_MAPPED, 0},
    {"redirect_stderr", USE_MAPPED, 0},
    {"stdout_logfile", USE_MAPPED, 0},
    {"stdout_logfile_maxbytes", USE_MAPPED, 0},
    {"stdout_logfile_backups", USE_MAPPED, 0},
    {"stderr_logfile", USE_MAPPED, 0},
    {"stderr_logfile_maxbytes", USE_MAPPED, 0},
    {"stderr_logfile_backups", USE_MAPPED, 0},
    {"startretries", USE_NOTE, "supervise never gives up restarting"},
    {"serverurl", USE_NOTE_SET, "there is no supervisord to reach"},
    {"stdout_capture_maxbytes", USE_NOTE_SET,
     "no process communication events"},
    {"stderr_capture_maxbytes", USE_NOTE_SET,
     "no process communication events"},
    {"stdout_events_enabled", USE_NOTE_SET, "no events"},
    {"stderr_events_enabled", USE_NOTE_SET, "no events"},
    {"stdout_syslog", USE_NOTE_SET, "svlog writes files, not syslog"},
    {"stderr_syslog", USE_NOTE_SET, "svlog writes files, not syslog"},
};

/* [supervisord] keys about supervisord itself, which svscan replaces */
static char const *const daemon_keys[] = {
    "nodaemon",  "logfile",     "logfile_maxbytes", "logfile_backups",
    "loglevel",  "pidfile",     "identifier",       "silent",
    "nocleanup", "childlogdir", "strip_ansi",       0};

/* sections for supervisorctl and the XML-RPC server: svc and the
   supervise/control FIFOs replace them */
static int control_section(char const *name) {
  return !strcmp(name, "unix_http_server") ||
         !strcmp(name, "inet_http_server") || !strcmp(name, "supervisorctl") ||
         !strncmp(name, "rpcinterface:", 13);
}

struct globals {
  struct svi_env env;
  struct svi_kv *user, *umask, *directory; /* defaults for programs */
  char *user_value, *directory_value;
  unsigned umask_value;
  struct svi_vars vars; /* host_node_name, ENV_* */
};

struct ctx {
  struct svi_config *cfg;
  struct svi_section *sec;
  struct svi_vars *vars;
  struct svi_err *err;
};

static struct svi_kv *get(struct ctx *c, char const *key) {
  struct svi_kv *kv = svi_key(c->sec, key);
  if (!kv && c->cfg->defaults.name) kv = svi_key(&c->cfg->defaults, key);
  return kv;
}

/* The expanded value of KEY, or DEF (0: none) if it is not there.
   Returns -1 on error, else 0 with *kvp the key (0 if absent). */
static int value(struct ctx *c, char const *key, char const *def,
                 struct svi_kv **kvp, char **out) {
  struct svi_kv *kv = get(c, key);
  *kvp = kv;
  *out = 0;
  if (!kv && !def) return 0;
  if (!kv) { /* a default is expanded too: %(program_name)s */
    struct svi_kv d = {(char *)key, (char *)def, c->sec->file, 0, c->sec->line};
    return svi_expand(&d, def, c->vars, out, c->err);
  }
  return svi_expand(kv, kv->value, c->vars, out, c->err);
}

/* KEY read as TYPE (a number from MIN to MAX, a size, a boolean), or DEF
   if it is not there. Returns -1 on error, else 0. */
enum type { NUMBER, SIZE, BOOLEAN };
static int typed_value(struct ctx *c, char const *key, enum type type,
                       long long def, long long min, long long max,
                       long long *out) {
  struct svi_kv *kv;
  char *s;
  int b = (int)def, r = 0;
  if (value(c, key, 0, &kv, &s) < 0) return -1;
  *out = def;
  if (s && type == NUMBER) r = svi_int(kv, s, min, max, out, c->err);
  if (s && type == SIZE) r = svi_bytes(kv, s, out, c->err);
  if (s && type == BOOLEAN) r = svi_bool(kv, s, &b, c->err), *out = b;
  xfree(s);
  return r;
}

static int int_value(struct ctx *c, char const *key, long long def,
                     long long min, long long max, long long *out) {
  return typed_value(c, key, NUMBER, def, min, max, out);
}

static int bytes_value(struct ctx *c, char const *key, long long def,
                       long long *out) {
  return typed_value(c, key, SIZE, def, 0, 0, out);
}

static int bool_value(struct ctx *c, char const *key, int def, int *out) {
  long long v;
  int r = typed_value(c, key, BOOLEAN, def, 0, 1, &v);
  *out = (int)v;
  return r;
}

static char const *section_arg(char const *name) {
  return strchr(name, ':') + 1;
}

/* a program or group name as supervisord takes it: blanks around it
   dropped, and no blank, : or / in it */
static int check_name(struct svi_section *sec, char **out,
                      struct svi_err *err) {
  char const *s = section_arg(sec->name);
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  *out = xstrndup(s, n);
  if (!n || strpbrk(*out, " :/"))
    return svi_fail(err, 100, sec->file, sec->line,
                    "[%s]: not a usable name (empty, or with a blank, : or /)",
                    sec->name);
  return 0;
}

static int read_globals(struct svi_config *cfg, struct globals *g,
                        struct svi_err *err) {
  svi_vars_base(&g->vars);
  struct svi_section *sec = svi_section(cfg, "supervisord");
  if (!sec) return 0;
  for (size_t i = 0; i < sec->nkv; i++) {
    struct svi_kv *kv = &sec->kv[i];
    int known = 0;
    for (char const *const *k = daemon_keys; *k; k++)
      if (!strcmp(kv->key, *k)) known = 1;
    if (known) continue;
    char *v;
    if (strcmp(kv->key, "environment") && strcmp(kv->key, "user") &&
        strcmp(kv->key, "directory") && strcmp(kv->key, "umask")) {
      svi_warn(kv->file, kv->line, "key %s of [supervisord] is not mapped",
               kv->key);
      continue;
    }
    if (svi_expand(kv, kv->value, &g->vars, &v, err) < 0) return -1;
    if (!strcmp(kv->key, "environment")) {
      if (svi_env_parse(kv, v, &g->env, err) < 0) return -1;
    } else if (!strcmp(kv->key, "user")) {
      g->user = kv, g->user_value = xstrdup(v);
    } else if (!strcmp(kv->key, "directory")) {
      g->directory = kv, g->directory_value = xstrdup(v);
    } else if (!strcmp(kv->key, "umask")) {
      if (svi_octal(kv, v, &g->umask_value, err) < 0) return -1;
      g->umask = kv;
    }
    xfree(v);
  }
  /* values in programs may name the variables environment= sets */
  for (size_t i = 0; i < g->env.n; i++) {
    struct sbuf name = {0};
    sb_addf(&name, "ENV_%s", g->env.key[i]);
    svi_var_str(&g->vars, name.s, g->env.val[i]);
    xfree(name.s);
  }
  return 0;
}

/* user=: a name, or a uid turned into its name for setuidgid */
static int user_name(struct svi_kv *kv, char const *v, char **out,
                     struct svi_err *err) {
  long long uid;
  struct svi_err ignore;
  if (svi_int(kv, v, 0, 0xffffffffll, &uid, &ignore) == 0) {
    struct passwd *pw = getpwuid((uid_t)uid);
    if (!pw)
      return svi_fail(err, 100, kv->file, kv->line,
                      "user=%s: no account has "
                      "this uid",
                      v);
    *out = xstrdup(pw->pw_name);
    return 0;
  }
  if (!*v || v[0] == '-')
    return svi_fail(err, 100, kv->file, kv->line,
                    "user=%s: not an account "
                    "name",
                    v);
  if (!getpwnam(v))
    svi_warn(kv->file, kv->line,
             "user=%s: no such account on this machine (setuidgid will look "
             "it up when the service starts)",
             v);
  *out = xstrdup(v);
  return 0;
}

/* ~ and ~user at the start of a log file, as supervisord expands them */
static char *home_expand(char const *path) {
  if (path[0] != '~') return xstrdup(path);
  char const *slash = strchr(path, '/');
  size_t n = slash ? (size_t)(slash - path) : strlen(path);
  char const *home = 0;
  if (n == 1) {
    home = getenv("HOME");
  } else {
    char *name = xstrndup(path + 1, n - 1);
    struct passwd *pw = getpwnam(name);
    xfree(name);
    if (pw) home = pw->pw_dir;
  }
  if (!home) return xstrdup(path);
  struct sbuf b = {0};
  sb_adds(&b, home);
  sb_adds(&b, path + n);
  return sb_take(&b);
}

/* One of stdout_logfile and stderr_logfile, classified. */
enum kind { K_AUTO, K_FILE, K_NONE, K_OUT, K_ERR, K_DEV };
struct stream {
  enum kind kind;
  char *path; /* K_FILE (absolute), K_DEV */
  struct svi_kv *kv;
  long long maxbytes, backups;
};

static int read_stream(struct ctx *c, char const *which, struct stream *st) {
  char key[40];
  char *v;
  snprintf(key, sizeof key, "%s_logfile", which);
  if (value(c, key, "AUTO", &st->kv, &v) < 0) return -1;
  st->path = 0;
  if (!strcasecmp(v, "none") || !strcasecmp(v, "off")) {
    st->kind = K_NONE;
  } else if (!strcasecmp(v, "auto")) {
    st->kind = K_AUTO;
  } else if (!strcasecmp(v, "syslog")) {
    st->kind = K_NONE;
    svi_warn(st->kv->file, st->kv->line,
             "key %s of [%s] is not mapped: svlog writes files, not syslog",
             key, c->sec->name);
  } else if (!strcmp(v, "/dev/stdout") || !strcmp(v, "/dev/fd/1") ||
             !strcmp(v, "/proc/self/fd/1")) {
    st->kind = K_OUT;
  } else if (!strcmp(v, "/dev/stderr") || !strcmp(v, "/dev/fd/2") ||
             !strcmp(v, "/proc/self/fd/2")) {
    st->kind = K_ERR;
  } else if (!strncmp(v, "/dev/", 5) || !strncmp(v, "/proc/", 6)) {
    st->kind = K_DEV;
    st->path = xstrdup(v);
  } else {
    st->kind = K_FILE;
    char *p = home_expand(v);
    if (p[0] != '/') {
      struct sbuf b = {0};
      sb_addf(&b, "%s/%s", st->kv->here, p);
      char *abs = svi_abspath(b.s);
      svi_warn(st->kv->file, st->kv->line,
               "%s=%s is relative: taken as %s (supervisord would take it "
               "relative to its working directory)",
               key, v, abs);
      xfree(b.s);
      xfree(p);
      p = abs;
    }
    st->path = p;
  }
  xfree(v);
  snprintf(key, sizeof key, "%s_logfile_maxbytes", which);
  if (bytes_value(c, key, 50ll << 20, &st->maxbytes) < 0) return -1;
  snprintf(key, sizeof key, "%s_logfile_backups", which);
  return int_value(c, key, 10, -1000000, 1000000, &st->backups);
}

static void use_logger(struct svi_proc *p, struct stream *st, char const *key) {
  p->has_log = 1;
  p->log_key = key;
  p->log_file = st->kind == K_FILE ? xstrdup(st->path) : 0;
  p->log_maxbytes = st->maxbytes;
  p->log_backups = st->backups;
}

static enum svi_fd console(enum kind k, char const *path, char **out) {
  *out = k == K_DEV ? xstrdup(path) : 0;
  return k == K_NONE  ? FD_NULL
         : k == K_OUT ? FD_1
         : k == K_ERR ? FD_2
                      : FD_PATH;
}

/* stderr_logfile of section SEC names a log of its own: said where, and
   WHERE stderr goes instead. */
static void stderr_unmapped(struct stream const *err, char const *sec,
                            char const *where) {
  svi_warn(err->kv->file, err->kv->line,
           "key stderr_logfile of [%s] is not mapped: %s", sec, where);
}

/* Where fd 1 and fd 2 of ./run go. A service has one logger, fed by
   supervise's stdout: stdout's if stdout is logged, else stderr's. */
static int streams(struct ctx *c, struct svi_proc *p) {
  struct stream out, err;
  int redirect;
  if (read_stream(c, "stdout", &out) < 0 ||
      read_stream(c, "stderr", &err) < 0 ||
      bool_value(c, "redirect_stderr", 0, &redirect) < 0)
    return -1;
  char const *sec = c->sec->name;
  int out_logged = out.kind == K_AUTO || out.kind == K_FILE;
  int err_logged = err.kind == K_AUTO || err.kind == K_FILE;
  if (out_logged) {
    use_logger(p, &out, "stdout_logfile");
    p->fd1 = FD_1;
  } else
    p->fd1 = console(out.kind, out.path, &p->fd1_path);
  if (redirect) {
    p->fd2 = p->fd1;
    p->fd2_path = p->fd1_path ? xstrdup(p->fd1_path) : 0;
  } else if (out_logged && err_logged) {
    p->fd2 = FD_1;
    if (err.kind == K_FILE &&
        (out.kind != K_FILE || strcmp(out.path, err.path)))
      stderr_unmapped(&err, sec,
                      "stderr goes to the log of stdout (one logger per "
                      "service)");
  } else if (err_logged && p->fd1 != FD_1) {
    use_logger(p, &err, "stderr_logfile");
    p->fd2 = FD_1;
  } else if (err_logged || (out_logged && err.kind == K_OUT)) {
    p->fd2 = FD_2;
    if (out_logged)
      stderr_unmapped(&err, sec,
                      "stdout goes to the logger, stderr stays on "
                      "supervise's stderr");
    else if (err.kind == K_FILE)
      stderr_unmapped(&err, sec,
                      "stdout goes to the console, so stderr stays there too "
                      "(one logger per service)");
  } else
    p->fd2 = console(err.kind, err.path, &p->fd2_path);
  return 0;
}

static void note(struct svi_proc *p, char const *text) {
  sb_addf(&p->notes, "# %s\n", text);
}

/* the keys of [program:x] that cannot be mapped, said once per program */
static int check_keys(struct ctx *c, struct svi_proc *p) {
  struct svi_section *secs[2] = {c->sec, &c->cfg->defaults};
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < secs[s]->nkv; i++) {
      struct svi_kv *kv = &secs[s]->kv[i];
      if (s == 1 && svi_key(c->sec, kv->key)) continue;
      size_t k = 0, nk = sizeof program_keys / sizeof *program_keys;
      while (k < nk && strcmp(program_keys[k].key, kv->key))
        k++;
      if (k < nk && program_keys[k].use == USE_MAPPED) continue;
      /* supervisord never reads an unknown key: no expansion error */
      char *v;
      struct svi_err ignore;
      if (svi_expand(kv, kv->value, c->vars, &v, &ignore) < 0)
        v = xstrdup(kv->value);
      if (k < nk && program_keys[k].use == USE_NOTE_SET) {
        int on = 0;
        long long n = 0;
        if (svi_bool(kv, v, &on, &ignore) < 0 &&
            svi_bytes(kv, v, &n, &ignore) < 0)
          on = strcasecmp(v, "auto") != 0; /* serverurl's default */
        if (!on && !n) {
          xfree(v);
          continue;
        }
      }
      struct sbuf b = {0};
      sb_addf(&b, "not mapped: %s=%s", kv->key, v);
      if (k < nk) sb_addf(&b, " (%s)", program_keys[k].why);
      note(p, b.s);
      xfree(b.s);
      if (k < nk)
        svi_warn(kv->file, kv->line, "key %s of [%s] is not mapped: %s",
                 kv->key, c->sec->name, program_keys[k].why);
      else
        svi_warn(kv->file, kv->line, "key %s of [%s] is not mapped", kv->key,
                 c->sec->name);
      xfree(v);
    }
  return 0;
}

static int one_process(struct ctx *c, struct globals *g, struct svi_proc *p) {
  struct svi_kv *kv;
  char *v;
  struct svi_env progenv = {0};
  if (value(c, "environment", 0, &kv, &v) < 0) return -1;
  if (v && svi_env_parse(kv, v, &progenv, c->err) < 0) return -1;
  xfree(v);
  /* the other keys may name what environment= sets */
  for (size_t i = 0; i < progenv.n; i++) {
    struct sbuf name = {0};
    sb_addf(&name, "ENV_%s", progenv.key[i]);
    svi_var_str(c->vars, name.s, progenv.val[i]);
    xfree(name.s);
  }

  if (value(c, "process_name", "%(program_name)s", &kv, &v) < 0) return -1;
  p->name = v;
  if (!*v || strpbrk(v, " :/\n\t") || v[0] == '.')
    return svi_fail(c->err, 100, kv ? kv->file : c->sec->file,
                    kv ? kv->line : c->sec->line,
                    "process name \"%s\" of [%s] is not a usable directory "
                    "name (empty, starting with a dot, or with a blank, : "
                    "or /)",
                    v, c->sec->name);

  if (value(c, "command", 0, &kv, &v) < 0) return -1;
  if (!v)
    return svi_fail(c->err, 100, c->sec->file, c->sec->line,
                    "[%s] has no command=", c->sec->name);
  if (svi_split(kv, v, &p->argv, &p->argc, c->err) < 0) return -1;
  if (strchr(p->argv[0], '='))
    return svi_fail(c->err, 100, kv->file, kv->line,
                    "command=%s: a program name with = in it (env(1) would "
                    "take it for a variable)",
                    v);
  xfree(v);

  svi_env_set(&p->env, "SUPERVISOR_PROCESS_NAME", p->name);
  svi_env_set(&p->env, "SUPERVISOR_GROUP_NAME", p->group);
  for (size_t i = 0; i < g->env.n; i++)
    svi_env_set(&p->env, g->env.key[i], g->env.val[i]);
  for (size_t i = 0; i < progenv.n; i++)
    svi_env_set(&p->env, progenv.key[i], progenv.val[i]);

  if (value(c, "user", 0, &kv, &v) < 0) return -1;
  if (!v && g->user) kv = g->user, v = xstrdup(g->user_value);
  if (v && user_name(kv, v, &p->user, c->err) < 0) return -1;
  if (p->user && !strcmp(p->user, "root")) {
    xfree(p->user);
    p->user = 0;
  }
  xfree(v);

  if (value(c, "directory", 0, &kv, &p->directory) < 0) return -1;
  if (!p->directory && g->directory) p->directory = xstrdup(g->directory_value);

  if (value(c, "umask", 0, &kv, &v) < 0) return -1;
  if (v) {
    if (svi_octal(kv, v, &p->umask, c->err) < 0) return -1;
    p->has_umask = 1;
  } else if (g->umask) {
    p->umask = g->umask_value;
    p->has_umask = 1;
  }
  xfree(v);

  if (bool_value(c, "autostart", 1, &p->autostart) < 0) return -1;
  if (value(c, "autorestart", "unexpected", &kv, &v) < 0) return -1;
  if (!strcasecmp(v, "unexpected")) {
    p->autorestart = 2;
  } else {
    struct svi_err e;
    if (svi_bool(kv, v, &p->autorestart, &e) < 0)
      return svi_fail(c->err, 100, kv->file, kv->line,
                      "autorestart=%s: not true, false or unexpected", v);
  }
  xfree(v);
  if (value(c, "exitcodes", 0, &kv, &v) < 0) return -1;
  if (!kv)
    p->exitcodes[0] = 1;
  else if (svi_exitcodes(kv, v, p->exitcodes, c->err) < 0)
    return -1;
  xfree(v);

  long long max_secs = 2147483; /* so that ms fit in 31 bits */
  if (int_value(c, "startsecs", 1, -max_secs, max_secs, &p->startsecs) < 0 ||
      int_value(c, "stopwaitsecs", 10, -max_secs, max_secs, &p->stopwaitsecs) <
          0)
    return -1;
  long long ignored;
  if (int_value(c, "startretries", 3, -max_secs, max_secs, &ignored) < 0)
    return -1;
  if (value(c, "stopsignal", 0, &kv, &v) < 0) return -1;
  p->stopsignal = 15;
  if (kv && svi_signal(kv, v, &p->stopsignal, c->err) < 0) return -1;
  xfree(v);
  int stopasgroup, killasgroup;
  if (bool_value(c, "stopasgroup", 0, &stopasgroup) < 0 ||
      bool_value(c, "killasgroup", stopasgroup, &killasgroup) < 0)
    return -1;
  if (stopasgroup && !killasgroup)
    return svi_fail(c->err, 100, c->sec->file, c->sec->line,
                    "[%s]: stopasgroup=true with killasgroup=false",
                    c->sec->name);

  kv = get(c, "priority");
  if (kv) {
    if (int_value(c, "priority", 999, -(1ll << 40), 1ll << 40, &p->priority) <
        0)
      return -1;
    p->has_priority = 1;
  }
  if (streams(c, p) < 0) return -1;
  return check_keys(c, p);
}

struct member {
  struct svi_section *group;
  char *name;
};

static int read_groups(struct svi_config *cfg, struct globals *g,
                       struct member **members, size_t *nmembers,
                       struct svi_err *err) {
  size_t cap = 0;
  for (size_t i = 0; i < cfg->nsec; i++) {
    struct svi_section *sec = &cfg->sec[i];
    if (strncmp(sec->name, "group:", 6)) continue;
    char *gname;
    if (check_name(sec, &gname, err) < 0) return -1;
    struct svi_kv *kv = svi_key(sec, "programs");
    if (!kv)
      return svi_fail(err, 100, sec->file, sec->line,
                      "[%s] has no programs=", sec->name);
    for (size_t k = 0; k < sec->nkv; k++)
      if (strcmp(sec->kv[k].key, "programs") &&
          strcmp(sec->kv[k].key, "priority"))
        svi_warn(sec->kv[k].file, sec->kv[k].line,
                 "key %s of [%s] is not mapped", sec->kv[k].key, sec->name);
    char *list;
    if (svi_expand(kv, kv->value, &g->vars, &list, err) < 0) return -1;
    for (char *c = list; *c;) {
      char *comma = strchr(c, ',');
      char *end = comma ? comma : c + strlen(c);
      while (*c == ' ' || *c == '\t' || *c == '\n')
        c++;
      char *e = end;
      while (e > c && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
        e--;
      struct sbuf want = {0};
      sb_adds(&want, "program:");
      sb_addn(&want, c, (size_t)(e - c));
      if (!svi_section(cfg, want.s)) {
        sb_take(&want);
        sb_adds(&want, "fcgi-program:");
        sb_addn(&want, c, (size_t)(e - c));
        if (!svi_section(cfg, want.s))
          return svi_fail(err, 100, kv->file, kv->line,
                          "[%s] names %.*s, which is no [program:]", sec->name,
                          (int)(e - c), c);
      }
      for (size_t m = 0; m < *nmembers; m++)
        if (!strcmp((*members)[m].name, want.s))
          return svi_fail(err, 100, kv->file, kv->line,
                          "%.*s is in [%s] and in [%s]", (int)(e - c), c,
                          (*members)[m].group->name, sec->name);
      *members = xgrow(*members, &cap, *nmembers + 1, sizeof **members);
      (*members)[*nmembers].group = sec;
      (*members)[(*nmembers)++].name = sb_take(&want);
      if (!comma) break;
      c = comma + 1;
    }
    xfree(list);
    xfree(gname);
  }
  return 0;
}

static int program(struct svi_config *cfg, struct globals *g,
                   struct svi_section *sec, struct svi_section *group,
                   struct svi_plan *plan, struct svi_err *err) {
  char *pname, *gname;
  if (check_name(sec, &pname, err) < 0) return -1;
  if (group) {
    if (check_name(group, &gname, err) < 0) return -1;
  } else
    gname = xstrdup(pname);
  struct svi_vars vars = {0};
  for (size_t i = 0; i < g->vars.n; i++) {
    if (g->vars.v[i].str)
      svi_var_str(&vars, g->vars.v[i].name, g->vars.v[i].str);
    else
      svi_var_num(&vars, g->vars.v[i].name, g->vars.v[i].num);
  }
  svi_var_str(&vars, "program_name", pname);
  svi_var_str(&vars, "group_name", gname);
  struct ctx c = {cfg, sec, &vars, err};
  long long numprocs, start;
  if (int_value(&c, "numprocs", 1, 0, 10000, &numprocs) < 0 ||
      int_value(&c, "numprocs_start", 0, -1000000000, 1000000000, &start) < 0)
    return -1;
  struct svi_kv *pn = get(&c, "process_name");
  if (numprocs > 1 && (!pn || !strstr(pn->value, "%(process_num)")))
    return svi_fail(err, 100, pn ? pn->file : sec->file,
                    pn ? pn->line : sec->line,
                    "[%s] has numprocs=%lld, so its process_name needs "
                    "%%(process_num)",
                    sec->name, numprocs);
  if (!numprocs)
    svi_warn(sec->file, sec->line, "[%s] has numprocs=0: no service",
             sec->name);
  for (long long n = start; n < start + numprocs; n++) {
    svi_var_num(&vars, "process_num", n);
    svi_var_num(&vars, "numprocs", numprocs);
    plan->p = xgrow(plan->p, &plan->cap, plan->n + 1, sizeof *plan->p);
    struct svi_proc *p = &plan->p[plan->n];
    memset(p, 0, sizeof *p);
    p->program = pname;
    p->group = gname;
    p->file = sec->file;
    p->line = sec->line;
    if (group) {
      struct sbuf b = {0};
      struct svi_kv *pr = svi_key(group, "priority");
      sb_addf(&b, "in [%s] (svc takes the group's directories at once)",
              group->name);
      if (pr) sb_addf(&b, ", whose priority=%s", pr->value);
      note(p, b.s);
      xfree(b.s);
    }
    if (one_process(&c, g, p) < 0) return -1;
    for (size_t i = 0; i < plan->n; i++)
      if (!strcmp(plan->p[i].name, p->name))
        return svi_fail(err, 100, sec->file, sec->line,
                        "[%s] gives a second process named %s (the first is "
                        "from %s:%u)",
                        sec->name, p->name, plan->p[i].file, plan->p[i].line);
    if (p->has_priority) {
      struct sbuf b = {0};
      sb_addf(&b,
              "priority=%lld: svscan starts every service at once (svwait "
              "in ./run orders them)",
              p->priority);
      note(p, b.s);
      xfree(b.s);
    }
    plan->n++;
  }
  return 0;
}

/* A file shared by several processes (numprocs with one stdout_logfile)
   gets one log directory per process under FILE.d; otherwise FILE.d. */
static void log_dirs(struct svi_plan *plan) {
  for (size_t i = 0; i < plan->n; i++) {
    struct svi_proc *p = &plan->p[i];
    if (!p->has_log) continue;
    if (!p->log_file) {
      p->log_dir = xstrdup("./main");
      continue;
    }
    int shared = 0;
    for (size_t j = 0; j < plan->n; j++)
      if (j != i && plan->p[j].log_file &&
          !strcmp(plan->p[j].log_file, p->log_file))
        shared = 1;
    struct sbuf b = {0};
    sb_addf(&b, "%s.d", p->log_file);
    if (shared) {
      p->log_parent = xstrdup(b.s);
      sb_addf(&b, "/%s", p->name);
    }
    p->log_dir = sb_take(&b);
  }
}

int svi_map(struct svi_config *cfg, struct svi_plan *plan,
            struct svi_err *err) {
  struct globals g = {0};
  if (read_globals(cfg, &g, err) < 0) return -1;
  struct member *members = 0;
  size_t nmembers = 0;
  if (read_groups(cfg, &g, &members, &nmembers, err) < 0) return -1;
  if (cfg->defaults.name)
    svi_warn(cfg->defaults.file, cfg->defaults.line,
             "[DEFAULT] is read as the default of every [program:] key only");
  for (size_t i = 0; i < cfg->nsec; i++) {
    struct svi_section *sec = &cfg->sec[i];
    char const *name = sec->name;
    if (!strncmp(name, "program:", 8)) {
      struct svi_section *group = 0;
      for (size_t m = 0; m < nmembers; m++)
        if (!strcmp(members[m].name, name)) group = members[m].group;
      if (program(cfg, &g, sec, group, plan, err) < 0) return -1;
    } else if (strcmp(name, "supervisord") && strcmp(name, "include") &&
               strncmp(name, "group:", 6) && !control_section(name)) {
      svi_warn(sec->file, sec->line, "section [%s] is not mapped", name);
    }
  }
  log_dirs(plan);
  return 0;
}
