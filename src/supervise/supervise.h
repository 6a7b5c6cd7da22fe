/* What supervise's files share: the process tree, readiness by socket,
   adoption of a ./run left behind by a supervise that died, and the files
   of DIR/supervise/. */
#ifndef SUPERVISE_H
#define SUPERVISE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <tend/status.h>

/* supervise.c: the service directory as given (for messages); a number
   setting of it, capped at MAX, DFLT if absent or bad; the child side of
   a vfork: own session, default signals, no fd of ours, then execve. */
extern char const *dir;
extern uint64_t setting(char const *file, uint64_t max, uint64_t dflt);
extern void exec_child(char *const argv[], char *const envp[], int notify_w,
                       int notify_at) __attribute__((noreturn));

/* child.c, in the child of a vfork: SIG_DFL for every signal; after a
   failed execve of NAME, a warning that names the cause (a bad #! line's
   interpreter rather than the script). */
extern void child_default_signals(void);
extern void child_say_exec_failure(char const *name);

/* alert.c: ./alert EVENT (or ../.alert) on each change, one at a time,
   never blocking supervise. alert_event queues one (PID, WSTATUS and MS as
   the event has them: -1 / 0 when not); alert_poll starts the next or
   KILLs one past timeout-alert; alert_reaped is 1 if PID was the alert. */
enum alert_event {
  ALERT_UP,
  ALERT_READY,
  ALERT_DOWN,
  ALERT_CRASH,
  ALERT_CHECK_FAILED,
  ALERT_BACKOFF,
  ALERT_GAVE_UP
};
extern void alert_event(enum alert_event ev, pid_t pid, int wstatus, int64_t ms,
                        uint32_t starts);
extern void alert_poll(int64_t now);
extern int64_t alert_deadline(void);
extern int alert_reaped(pid_t pid);
extern pid_t alert_running(void);
extern int alert_idle(void);

/* tree.c: the service's process tree is its cgroup if cgroup_on, else its
   process group (./run leads its own session) plus every process
   reparented to us, the subreaper.
   tree_alive is 1 also when the tree cannot be listed (no fd left).
   tree_signal sends SIG to all of it; tree_stop sends SIG and CONT only to
   what was not sent them since tree_forget (the start of a stop), so a
   process that reaches us late gets them too, and none gets them twice.
   tree_reaped forgets a pid that can be reused. */
extern int tree_alive(pid_t leader, pid_t const *except, unsigned nexcept);
extern void tree_signal(pid_t leader, int sig, pid_t const *except,
                        unsigned nexcept);
extern void tree_stop(pid_t leader, int sig, pid_t const *except,
                      unsigned nexcept);
extern void tree_forget(void);
extern void tree_reaped(pid_t pid);

/* cgroup.c: a cgroup v2 per service (supervise(8), CGROUPS). cgroup_init
   finds or makes DIR's at start and sets cgroup_on, or says once why the
   process group is followed instead; cgroup_join, in ./run's child before
   execve, moves it there (or ends it, 111); cgroup_limits writes
   memory-max, pids-max, cpu-max before each start. cgroup_populated is 1
   while a process is in it (or if that cannot be read); cgroup_each calls
   FN(PID, SIG) on each; cgroup_kill writes cgroup.kill (-1 if it cannot).
   cgroup_watch_fd is readable when cgroup.events changes: cgroup_drain
   empties it. cgroup_remove, at exit, removes the cgroup if it is empty. */
extern int cgroup_on;
extern void cgroup_init(void);
extern void cgroup_join(void);
extern void cgroup_limits(void);
extern int cgroup_populated(void);
extern void cgroup_each(void (*fn)(pid_t, int), int sig);
extern int cgroup_kill(void);
extern int cgroup_watch_fd(void);
extern void cgroup_drain(void);
extern void cgroup_remove(void);

/* lines.c: calls FN on each line of FILE (relative to DFD; a last line
   without newline too) that fits in BUF (longer ones are passed over)
   until it returns nonzero; returns that, or 0, or -1 (errno) if FILE
   cannot be read. No large buffer here or in the callers: the stack
   supervise touches once stays in its memory. */
extern int each_line(int dfd, char const *file, char *buf, size_t len,
                     int (*fn)(char *line, void *arg), void *arg);

/* notify.c: systemd's NOTIFY_SOCKET protocol. */
extern int notify_socket_open(char *env, unsigned envlen);
extern int notify_socket_ready(int fd, pid_t leader);

/* socket.c: the sockets of DIR/socket (socketfile.h), made once and held.
   sockets_open reads the file the first time, then makes each socket not
   made yet; 1 if all are there (or there are none), 0 after saying what
   failed, also if NOTIFY_AT (-1: none) is one of their fds. sockets_var
   is 1 for a LISTEN_* variable (never passed on from our environment);
   sockets_env adds ours to ENVP at K and returns the new K; sockets_child,
   in the vfork child, puts the sockets on fds 3, 4, ... if ENVP is the one
   sockets_env filled, and returns where NOTIFY_W went. */
extern int sockets_open(int notify_at);
extern int sockets_var(char const *var);
extern size_t sockets_env(char **envp, size_t k);
extern int sockets_child(char *const envp[], int notify_w);

/* adopt.c: 1 if PID is the process a previous supervise started at
   STARTED_UNIX (seconds) in its own session; 0 if PID is gone but its
   process group, started since boot, is not; -1 if PID is not ours. */
extern int adopt_check(pid_t pid, unsigned long long started_unix);

/* files.c, all relative to DIR, the current directory (DIR for messages):
   supervise/ is created (or the target of a dangling symlink); the lock
   taken or a fatal error; a FIFO opened, replacing whatever else is
   there (-1 and errno if impossible); the old status read (as
   tend_status_read, but only from a regular file, without blocking). */
extern void files_make_dir(char const *dir);
extern int files_lock(char const *dir);
extern int files_fifo(char const *dir, char const *name, int flags);
extern int files_read_status(tend_status *st);

#endif
