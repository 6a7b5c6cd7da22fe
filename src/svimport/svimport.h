/* svimport: a supervisord configuration turned into service directories.
   text.c (strings, allocation, messages), ini.c (the file format and
   [include]), lex.c (expansions, command and environment splitting, value
   types), map.c (sections to processes), script.c (processes to files),
   write.c (files to disk). A short-lived tool: it allocates freely and
   dies with 111 when memory runs out. */
#ifndef SVIMPORT_H
#define SVIMPORT_H

#include <stddef.h>

/* text.c */
struct sbuf {
  char *s;
  size_t len, cap;
};
extern void sb_addn(struct sbuf *, char const *, size_t);
extern void sb_adds(struct sbuf *, char const *);
extern void sb_addc(struct sbuf *, char);
extern void sb_addf(struct sbuf *, char const *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* the string (never 0), owned by the caller; the buffer is empty again */
extern char *sb_take(struct sbuf *);
/* s quoted for sh only if it needs it: 'it'\''s' */
extern void sb_addq(struct sbuf *, char const *s);

/* Every block is on one list, so that svi_free_all (for the fuzz harness,
   which reads many configurations in one process) can free them all;
   xfree and xrealloc take only these blocks. */
extern void *xmalloc(size_t);
extern void *xrealloc(void *, size_t);
extern void *xgrow(void *p, size_t *cap, size_t need, size_t size);
extern void xfree(void *);
extern char *xstrdup(char const *);
extern char *xstrndup(char const *, size_t);
extern void svi_free_all(void);

/* An error for main to print: "svimport: fatal: MSG", exit CODE (100 for
   the configuration, 111 for the system). */
struct svi_err {
  int code;
  char msg[1024];
};
/* fills err ("FILE:LINE: " first when file is not 0); returns -1 */
extern int svi_fail(struct svi_err *, int code, char const *file, unsigned line,
                    char const *fmt, ...) __attribute__((format(printf, 5, 6)));
/* "svimport: warning: FILE:LINE: ..." on stderr, each text once */
extern void svi_warn(char const *file, unsigned line, char const *fmt, ...)
    __attribute__((format(printf, 3, 4)));
extern int svi_quiet; /* the fuzz harness turns warnings off */

/* ini.c: the configuration as supervisord's parser sees it. */
struct svi_kv {
  char *key;   /* lower case */
  char *value; /* comments removed, continuation lines joined by \n */
  char const *file, *here; /* where it was written; here: that file's dir */
  unsigned line;
};
struct svi_section {
  char *name;
  char const *file;
  unsigned line;
  struct svi_kv *kv;
  size_t nkv, cap;
};
struct svi_config {
  struct svi_section *sec;
  size_t nsec, cap;
  struct svi_section defaults; /* [DEFAULT]: a fallback for every key */
  char const *main_here;
};
/* reads FILE and the files of its [include] */
extern int svi_config_read(struct svi_config *, char const *file,
                           struct svi_err *);
/* one file's text, added to the configuration */
extern int svi_ini_parse(struct svi_config *, char const *file,
                         char const *here, char const *data, size_t len,
                         int included, struct svi_err *);
extern struct svi_section *svi_section(struct svi_config *, char const *);
extern struct svi_kv *svi_key(struct svi_section *, char const *key);
/* the absolute, normalised form of PATH (without resolving symlinks) */
extern char *svi_abspath(char const *path);
extern char *svi_dirname(char const *abspath);

/* lex.c */
struct svi_var {
  char *name, *str; /* str == 0: a number */
  long long num;
};
struct svi_vars {
  struct svi_var *v;
  size_t n, cap;
};
extern void svi_var_str(struct svi_vars *, char const *name, char const *);
extern void svi_var_num(struct svi_vars *, char const *name, long long);
/* host_node_name, and ENV_X for each variable X of svimport's environment */
extern void svi_vars_base(struct svi_vars *);
/* supervisord's %(name)s expansion of S, written at KV (whose file gives
   %(here)s) */
extern int svi_expand(struct svi_kv const *, char const *s,
                      struct svi_vars const *, char **out, struct svi_err *);

struct svi_env {
  char **key, **val;
  size_t n, cap;
};
extern void svi_env_set(struct svi_env *, char const *key, char const *val);
/* KEY="val",KEY2='x' as supervisord reads environment= */
extern int svi_env_parse(struct svi_kv const *, char const *s, struct svi_env *,
                         struct svi_err *);
/* a command line split as supervisord splits it (POSIX shlex) */
extern int svi_split(struct svi_kv const *, char const *s, char ***argv,
                     size_t *argc, struct svi_err *);

extern int svi_int(struct svi_kv const *, char const *s, long long min,
                   long long max, long long *, struct svi_err *);
extern int svi_bool(struct svi_kv const *, char const *s, int *,
                    struct svi_err *);
extern int svi_bytes(struct svi_kv const *, char const *s, long long *,
                     struct svi_err *);
extern int svi_octal(struct svi_kv const *, char const *s, unsigned *,
                     struct svi_err *);
/* codes[c] = 1 for each exit code listed */
extern int svi_exitcodes(struct svi_kv const *, char const *s,
                         unsigned char codes[256], struct svi_err *);
extern int svi_signal(struct svi_kv const *, char const *s, int *,
                      struct svi_err *);

/* map.c: one process of the configuration, as tend will run it. */
/* where descriptor 1 or 2 of ./run goes: supervise's 1 (the logger's pipe
   when there is a log/, else svscan's output), supervise's 2, /dev/null,
   or a device (appended to) */
enum svi_fd { FD_1, FD_2, FD_NULL, FD_PATH };
struct svi_proc {
  char *name; /* the service directory's name */
  char *program, *group;
  char const *file; /* the [program:x] header */
  unsigned line;
  char **argv;
  size_t argc;
  char *user, *directory;
  int has_umask;
  unsigned umask;
  struct svi_env env; /* SUPERVISOR_*, [supervisord], then environment= */
  int autostart;
  int autorestart; /* 1 true, 0 false, 2 unexpected */
  unsigned char exitcodes[256];
  long long startsecs, stopwaitsecs;
  int stopsignal;
  int has_priority;
  long long priority;
  enum svi_fd fd1, fd2;
  char *fd1_path, *fd2_path;
  /* the logger, if any: log_file is the configured file (0 for AUTO),
     log_dir svlog's directory, log_parent one to create first */
  int has_log;
  char const *log_key; /* stdout_logfile or stderr_logfile */
  char *log_file, *log_dir, *log_parent;
  long long log_maxbytes, log_backups;
  struct sbuf notes; /* comment lines for ./run ("# ...\n") */
};
struct svi_plan {
  struct svi_proc *p;
  size_t n, cap;
};
extern int svi_map(struct svi_config *, struct svi_plan *, struct svi_err *);

/* script.c: the files of one service directory */
struct svi_file {
  char const *path; /* relative to the service directory: run, log/run */
  unsigned mode;
  char *data;
  size_t len;
};
struct svi_service {
  char const *name;
  struct svi_file f[8];
  size_t nf;
  int has_log;
};
extern void svi_render(struct svi_proc const *, struct svi_service *);
/* the files svimport writes: the ones -f replaces or removes */
extern char const *const svi_owned[];

/* write.c */
struct svi_opts {
  int dry_run, force;
  char const *destdir, *scandir;
};
extern void svi_write(struct svi_service const *, size_t n,
                      struct svi_opts const *);

#endif
