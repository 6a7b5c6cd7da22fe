/* svimport [-n] [-f] [-s scandir] supervisord.conf destdir: reads a
   supervisord configuration (and its [include]s) and writes one service
   directory per process into destdir, all or nothing. doc/svimport.8 has
   the mapping, key by key. */
#include <stdlib.h>
#include <tend/getopt.h>
#include <tend/msg.h>
#include "svimport.h"

#define USAGE "svimport [ -n ] [ -f ] [ -s scandir ] supervisord.conf destdir"

int main(int argc, char const *const *argv) {
  struct svi_opts o = {0};
  tend_prog = "svimport";
  subgetopt l = SUBGETOPT_ZERO;
  for (int opt; (opt = tend_getopt_plain(argc, argv, "nfs:", USAGE, &l)) != -1;)
    switch (opt) {
    case 'n': o.dry_run = 1; break;
    case 'f': o.force = 1; break;
    case 's': o.scandir = l.arg; break;
    }
  if (argc - l.ind != 2) tend_dieusage(USAGE);
  o.destdir = argv[l.ind + 1];

  struct svi_config cfg = {0};
  struct svi_plan plan = {0};
  struct svi_err err;
  if (svi_config_read(&cfg, argv[l.ind], &err) < 0 ||
      svi_map(&cfg, &plan, &err) < 0)
    tend_die(err.code, err.msg);
  struct svi_service *services =
      xmalloc((plan.n ? plan.n : 1) * sizeof *services);
  for (size_t i = 0; i < plan.n; i++)
    svi_render(&plan.p[i], &services[i]);
  svi_write(services, plan.n, &o);
  return 0;
}
