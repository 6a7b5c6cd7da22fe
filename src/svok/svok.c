/* svok DIR: exit 0 if a supervise is running in DIR, 100 if not. */
#include <errno.h>
#include <unistd.h>
#include <tend/control.h>
#include <tend/msg.h>

#define USAGE "svok dir"

int main(int argc, char const *const *argv) {
  tend_prog = "svok";
  if (argc < 2) tend_dieusage(USAGE);
  if (chdir(argv[1]) < 0) tend_diesys(111, "unable to chdir to ", argv[1]);
  int r = tend_supervise_alive(0);
  if (r < 0) tend_diesys(111, "unable to open ", argv[1], "/supervise/ok");
  return r ? 0 : 100;
}
