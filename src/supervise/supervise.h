/* What supervise's files share: the process tree, readiness by socket,
   and adoption of a ./run left behind by a supervise that died. */
#ifndef SUPERVISE_H
#define SUPERVISE_H

#include <sys/types.h>

/* tree.c: the service's process tree is its process group (./run leads its
   own session) plus every process reparented to us, the subreaper. */
extern int tree_alive(pid_t leader, pid_t const *except, unsigned nexcept);
extern void tree_signal(pid_t leader, int sig, pid_t const *except,
                        unsigned nexcept);

/* notify.c: systemd's NOTIFY_SOCKET protocol. */
extern int notify_socket_open(char *env, unsigned envlen);
extern int notify_socket_ready(int fd, pid_t leader);

/* adopt.c: 1 if PID is the process a previous supervise started at
   STARTED_UNIX (seconds) in its own session; 0 if PID is gone but its
   process group, started since boot, is not; -1 if PID is not ours. */
extern int adopt_check(pid_t pid, unsigned long long started_unix);
extern int adopt_watch(pid_t pid);

#endif
