/* svstat DIR...: one line per DIR saying whether its service is up, for
   how long, and how that differs from what is wanted. The line is byte for
   byte daemontools' (SPEC §4); -l adds tend's extension after it. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/sgetopt.h>
#include <skalibs/types.h>
#include <tend/control.h>
#include <tend/msg.h>
#include <tend/safeopen.h>
#include <tend/servicedir.h>
#include <tend/status.h>

#define USAGE "svstat [ -l ] dir ..."

static char buf[4096];
static buffer out = BUFFER_INIT(&buffer_write, 1, buf, sizeof buf);

static void put(char const *s) {
  buffer_puts(&out, s);
}

static void put_ulong(unsigned long n) {
  char fmt[ULONG_FMT];
  buffer_put(&out, fmt, ulong_fmt(fmt, n));
}

static uint64_t seconds_since(tend_stamp const *then, tend_stamp const *now) {
  return then->sec < now->sec ? now->sec - then->sec : 0;
}

/* ", ready 3 seconds; starts 4; last exit 0" and so on. */
static void put_long(tend_status const *st, tend_stamp const *now) {
  if (st->version < 1) {
    put("; no extended status");
    return;
  }
  if (st->pid && st->state == TEND_STATE_RUN) {
    if (st->flags & TEND_FLAG_READY) {
      put("; ready ");
      put_ulong(seconds_since(&st->ready, now));
      put(" seconds");
    } else
      put("; not ready");
  }
  if (st->state == TEND_STATE_FINISH) put("; finishing");
  put("; starts ");
  put_ulong(st->starts);
  if (st->lastwait != TEND_WSTATUS_NONE) {
    int ws = (int)st->lastwait;
    if (WIFSIGNALED(ws)) {
      char const *name = tend_sig_name(WTERMSIG(ws));
      put("; last exit signal ");
      if (name)
        put(name);
      else
        put_ulong((unsigned long)WTERMSIG(ws));
    } else {
      put("; last exit ");
      put_ulong((unsigned long)WEXITSTATUS(ws));
    }
  }
  if (st->restart.sec) {
    put("; restart in ");
    put_ulong(st->restart.sec > now->sec ? st->restart.sec - now->sec : 0);
    put(" seconds");
  }
  if (st->flags & TEND_FLAG_NOSTART) put("; finish asked not to restart");
}

static void show(char const *dir, int longform) {
  put(dir);
  put(": ");
  if (chdir(dir) < 0) {
    put("unable to chdir: ");
    put(tend_errstr(errno));
    return;
  }
  int r = tend_supervise_alive(0);
  if (r <= 0) {
    if (r == 0 && errno == ENXIO)
      put("supervise not running");
    else {
      put("unable to open supervise/ok: ");
      put(tend_errstr(errno));
    }
    return;
  }
  tend_status st;
  r = tend_status_read(&st, 0);
  if (r < 0) {
    put(errno == ENOENT || errno == EACCES || errno == TEND_EFTYPE
            ? "unable to open supervise/status: "
            : "unable to read supervise/status: ");
    put(tend_errstr(errno));
    return;
  }
  if (!r) {
    put("unable to read supervise/status: bad format");
    return;
  }
  struct stat sb;
  int normallyup = stat("down", &sb) < 0;
  if (normallyup && errno != ENOENT) {
    put("unable to stat down: ");
    put(tend_errstr(errno));
    return;
  }
  tend_stamp now;
  tend_stamp_now(&now);
  if (st.pid) {
    put("up (pid ");
    put_ulong(st.pid);
    put(") ");
  } else
    put("down ");
  put_ulong(seconds_since(&st.when, &now));
  put(" seconds");
  if (st.pid && !normallyup) put(", normally down");
  if (!st.pid && normallyup) put(", normally up");
  if (st.pid && st.paused) put(", paused");
  if (!st.pid && st.want == 'u') put(", want up");
  if (st.pid && st.want == 'd') put(", want down");
  if (longform) put_long(&st, &now);
}

int main(int argc, char const *const *argv) {
  int longform = 0;
  tend_prog = "svstat";
  subgetopt l = SUBGETOPT_ZERO;
  for (int opt; (opt = subgetopt_r(argc, argv, "l", &l)) != -1;) {
    if (opt == 'l')
      longform = 1;
    else
      tend_dieusage(USAGE);
  }
  int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (here < 0) tend_diesys(111, "unable to open current directory");
  for (int i = l.ind; i < argc; i++) {
    show(argv[i], longform);
    put("\n");
    if (fchdir(here) < 0)
      tend_diesys(111, "unable to go back to current directory");
  }
  if (!buffer_flush(&out)) tend_diesys(111, "unable to write to stdout");
  return 0;
}
