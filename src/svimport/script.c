/* The files of one service directory, from one process: ./run (a sh
   script that redirects, changes directory and umask, then execs the
   chain setuidgid -g USER env VAR=VALUE... COMMAND), ./finish for
   autorestart=false or unexpected, down, down-signal, timeout-kill,
   restart-stable, and log/run with svlog. */
#include <stdlib.h>
#include <string.h>
#include <tend/servicedir.h>
#include "svimport.h"

char const *const svi_owned[] = {
    "run",          "finish",         "down",    "down-signal",
    "timeout-kill", "restart-stable", "log/run", 0};

static void add(struct svi_service *s, char const *path, unsigned mode,
                struct sbuf *b) {
  struct svi_file *f = &s->f[s->nf++];
  f->path = path;
  f->mode = mode;
  f->len = b->len;
  f->data = sb_take(b);
}

static void redirect(struct sbuf *b, int fd, enum svi_fd to, char const *path) {
  sb_adds(b, fd == 1 ? " " : " 2");
  switch (to) {
  case FD_1: sb_adds(b, ">&1"); break;
  case FD_2: sb_adds(b, ">&2"); break;
  case FD_NULL: sb_adds(b, ">/dev/null"); break;
  case FD_PATH:
    sb_adds(b, ">>");
    sb_addq(b, path);
    break;
  }
}

/* One exec line that leaves fd 1 and fd 2 where the process wants them,
   in an order where no redirection undoes another. */
static void redirections(struct sbuf *b, struct svi_proc const *p) {
  enum svi_fd t1 = p->fd1, t2 = p->fd2;
  if (t1 == FD_1 && t2 == FD_2) return;
  sb_adds(b, "exec");
  if (t1 == FD_2 && t2 == FD_1) {
    sb_adds(b, " 3>&1 1>&2 2>&3 3>&-");
  } else if (t1 == t2 && t1 == FD_1) {
    sb_adds(b, " 2>&1");
  } else if (t1 == t2 && t1 == FD_2) {
    sb_adds(b, " 1>&2");
  } else if (t1 == t2 && (t1 == FD_NULL || !strcmp(p->fd1_path, p->fd2_path))) {
    redirect(b, 1, t1, p->fd1_path);
    sb_adds(b, " 2>&1");
  } else if (t2 == FD_1) {
    /* fd 2 takes fd 1 before fd 1 moves */
    sb_adds(b, " 2>&1");
    redirect(b, 1, t1, p->fd1_path);
  } else {
    if (t1 != FD_1) redirect(b, 1, t1, p->fd1_path);
    if (t2 != FD_2) redirect(b, 2, t2, p->fd2_path);
  }
  sb_addc(b, '\n');
}

static void run_script(struct svi_service *s, struct svi_proc const *p) {
  struct sbuf b = {0};
  sb_adds(&b, "#!/bin/sh\n");
  sb_addf(&b, "# [program:%s] of %s:%u, written by svimport (svimport.8)\n",
          p->program, p->file, p->line);
  if (p->notes.len) sb_addn(&b, p->notes.s, p->notes.len);
  redirections(&b, p);
  if (p->directory) {
    sb_adds(&b, "cd ");
    sb_addq(&b, p->directory);
    sb_adds(&b, " || exit 111\n");
  }
  if (p->has_umask) sb_addf(&b, "umask %03o\n", p->umask);
  sb_adds(&b, "exec");
  if (p->user) {
    sb_adds(&b, " setuidgid -g ");
    sb_addq(&b, p->user);
  }
  sb_adds(&b, " env");
  for (size_t i = 0; i < p->env.n; i++) {
    struct sbuf kv = {0};
    sb_addf(&kv, "%s=%s", p->env.key[i], p->env.val[i]);
    sb_adds(&b, " \\\n  ");
    sb_addq(&b, kv.s);
    xfree(kv.s);
  }
  sb_adds(&b, " \\\n ");
  for (size_t i = 0; i < p->argc; i++) {
    sb_addc(&b, ' ');
    sb_addq(&b, p->argv[i]);
  }
  sb_addc(&b, '\n');
  add(s, "run", 0755, &b);
}

static void finish_script(struct svi_service *s, struct svi_proc const *p) {
  struct sbuf b = {0};
  if (p->autorestart == 1) return;
  if (p->autorestart == 0) {
    sb_adds(&b, "#!/bin/sh\n"
                "# autorestart=false (svimport): never restarted; exit 125 "
                "tells supervise\n# so, and svc -u starts it again.\n"
                "exit 125\n");
    add(s, "finish", 0755, &b);
    return;
  }
  struct sbuf codes = {0}, pattern = {0};
  for (int c = 0; c < 256; c++)
    if (p->exitcodes[c]) {
      sb_addf(&codes, "%s%d", codes.len ? "," : "", c);
      sb_addf(&pattern, "%s%d", pattern.len ? " | " : "", c);
    }
  if (!codes.len) return; /* every exit is unexpected: always restarted */
  sb_addf(&b,
          "#!/bin/sh\n"
          "# autorestart=unexpected, exitcodes=%s (svimport): an exit with "
          "one of\n# these codes is expected and not restarted (exit 125; "
          "svc -u starts it\n# again); another code, or a signal ($1 = -1), "
          "is restarted.\n"
          "case $1 in\n%s) exit 125 ;;\nesac\nexit 0\n",
          codes.s, pattern.s);
  xfree(codes.s);
  xfree(pattern.s);
  add(s, "finish", 0755, &b);
}

static void log_script(struct svi_service *s, struct svi_proc const *p) {
  struct sbuf b = {0};
  sb_adds(&b, "#!/bin/sh\n");
  if (p->log_file)
    sb_addf(&b, "# %s=%s, written by svimport (svimport.8)\n", p->log_key,
            p->log_file);
  else
    sb_addf(&b, "# %s=AUTO, written by svimport (svimport.8)\n", p->log_key);
  long long size = p->log_maxbytes;
  if (size <= 0 || size > (1ll << 40)) {
    sb_addf(&b, "# %s_maxbytes=%lld: svlog's largest file, 1 TB\n", p->log_key,
            p->log_maxbytes);
    size = 1ll << 40;
  }
  long long keep = p->log_backups + 1;
  if (keep < 2) {
    sb_addf(&b, "# %s_backups=%lld: svlog keeps at least one old file\n",
            p->log_key, p->log_backups);
    keep = 2;
  }
  if (p->log_parent) {
    sb_adds(&b, "mkdir -p ");
    sb_addq(&b, p->log_parent);
    sb_adds(&b, " || exit 111\n");
  }
  sb_addf(&b, "exec svlog s%lld n%lld ", size, keep);
  sb_addq(&b, p->log_dir);
  sb_addc(&b, '\n');
  add(s, "log/run", 0755, &b);
}

static void number(struct svi_service *s, char const *path, long long n) {
  struct sbuf b = {0};
  sb_addf(&b, "%lld\n", n);
  add(s, path, 0644, &b);
}

void svi_render(struct svi_proc const *p, struct svi_service *s) {
  memset(s, 0, sizeof *s);
  s->name = p->name;
  run_script(s, p);
  finish_script(s, p);
  struct sbuf b = {0};
  if (!p->autostart) add(s, "down", 0644, &b);
  if (p->stopsignal != 15) {
    char const *name = tend_sig_name(p->stopsignal);
    if (name)
      sb_addf(&b, "%s\n", name);
    else
      sb_addf(&b, "%d\n", p->stopsignal);
    add(s, "down-signal", 0644, &b);
  }
  /* supervisord's stopwaitsecs=0 kills at once; tend's 0 means never */
  number(s, "timeout-kill", p->stopwaitsecs > 0 ? p->stopwaitsecs * 1000 : 1);
  number(s, "restart-stable", p->startsecs > 0 ? p->startsecs * 1000 : 0);
  if (p->has_log) {
    s->has_log = 1;
    log_script(s, p);
  }
}
