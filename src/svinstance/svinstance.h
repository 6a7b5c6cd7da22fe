/* svinstance: what its files share. The mechanism is described in
   doc/svinstance.8 and doc/servicedir.md ("Templates and instances"). */
#ifndef SVINSTANCE_H
#define SVINSTANCE_H

#include <stddef.h>
#include <stdint.h>

#define ID_MAX 128       /* bytes in an instance ID */
#define TEMPLATE_MAX 100 /* bytes in a template's name, "@" included */
#define SET_MAX 10000    /* the largest N of "set" */

/* A template, opened and (for add, remove, set) locked. */
struct tmpl {
  char const *dir;             /* its directory as given, for messages */
  char name[TEMPLATE_MAX + 1]; /* "worker@" */
  int scanfd;                  /* that directory: template and instances */
  int fd;                      /* the template directory itself */
};

/* instance_id.c: why ID (or a template name) is not acceptable, or 0. */
extern char const *id_problem(char const *id);
extern char const *template_problem(char const *name);
/* 1 if ID is a decimal number without a leading zero ("set" manages
   those). */
extern int id_is_number(char const *id);

/* svinstance.c: DIR/A followed by B (B may be ""), for messages. */
extern char const *where(struct tmpl const *, char const *a, char const *b);

/* instance_make.c: creates NAME@ID, or brings its links up to date if it
   exists. 0, or -1 after a warning. */
extern int instance_add(struct tmpl const *, char const *id);

/* instance_remove.c: stops and deletes the instances IDS (absent ones are
   no error) before DEADLINE (CLOCK_MONOTONIC ms, -1 none). 0, or -1
   after warnings. */
extern int instances_remove(struct tmpl const *, char const *const *ids,
                            size_t n, int64_t deadline);
/* Deletes DFD/NAME and everything under it, following no symlink and
   staying on its file system. 0 (also if it is gone), or -1. */
extern int remove_tree(int dfd, char const *name);
/* renameat(DFD, FROM, DFD, TO) that fails with EEXIST rather than replace
   an existing TO. */
extern int rename_noreplace(int dfd, char const *from, char const *to);

#endif
