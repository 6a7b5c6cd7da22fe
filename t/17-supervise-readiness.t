#!/bin/sh
# Readiness: s6's notification-fd, systemd's NOTIFY_SOCKET, and plain
# services, which are ready when they start.
. "$(dirname "$0")/lib.sh"
[ -x "$HELPERS/notify_send" ] || skip_all "t/helpers not built (make test builds them)"
ready() { [ $(($(status_field "$1" flags) & 1)) = 1 ]; }
not_ready() { ! ready "$1"; }

P=$T/plain
mkservice "$P" "exec sleep 1000"
spawn "$BIN/supervise" "$P"
waitfor 5 has_pid "$P"
ok "a service without a readiness file is ready when it starts" waitfor 5 ready "$P"
like "$("$BIN/svstat" -l "$P")" "*; ready * seconds; *" "svstat -l: ready N seconds"

F=$T/fd
mkservice "$F" "while [ ! -e $T/go-fd ]; do sleep 0.02; done; echo >&3; exec sleep 1000"
echo 3 >"$F/notification-fd"
spawn "$BIN/supervise" "$F"
waitfor 5 has_pid "$F"
ok "notification-fd: not ready before the newline" not_ready "$F"
like "$("$BIN/svstat" -l "$F")" "*; not ready; *" "svstat -l: not ready"
touch "$T/go-fd"
ok "notification-fd: ready after the newline" waitfor 5 ready "$F"
ready_sec=$(od -An -tx1 -j44 -N8 "$F/supervise/status" | tr -d ' \n')
ok "the ready time is recorded" [ "$ready_sec" != 0000000000000000 ]

N=$T/sock
mkservice "$N" "echo \"\$NOTIFY_SOCKET\" >$T/sockname
while [ ! -e $T/go-sock ]; do sleep 0.02; done
exec $HELPERS/notify_send 'STATUS=starting
READY=1' sleep 1000"
touch "$N/notification-socket"
spawn "$BIN/supervise" "$N"
waitfor 5 test -s "$T/sockname"
sockname=$(cat "$T/sockname")
like "$sockname" "@?*" "NOTIFY_SOCKET names an abstract socket"
ok "the socket is bound (/proc/net/unix lists $sockname)" grep -q " $sockname\$" /proc/net/unix
spawn env NOTIFY_SOCKET="$(cat "$T/sockname")" "$HELPERS/notify_send" READY=1 sleep 1000
outsider=$SPAWNED
sent() { [ "$(cat /proc/$outsider/comm)" = sleep ]; }
ok "a process outside the service sent READY=1" waitfor 5 sent
"$BIN/svc" -p "$N"
"$BIN/svc" -c "$N" # a round trip through supervise's loop
waitfor 5 status_is "$N" paused 0
ok "READY=1 from outside the service's session is not believed" not_ready "$N"
touch "$T/go-sock"
ok "NOTIFY_SOCKET: READY=1 from the service makes it ready" waitfor 5 ready "$N"

# A new start is not ready until it says so again.
rm -f "$T/go-fd"
old=$(status_pid "$F")
"$BIN/svc" -t "$F"
waitfor 5 pid_changed "$F" "$old"
ok "after a restart, not ready again" not_ready "$F"
touch "$T/go-fd"
ok "until the new ./run says so" waitfor 5 ready "$F"

# A NOTIFY_SOCKET inherited from a supervisor above us is not passed on.
E=$T/env
mkservice "$E" "env >$T/env.out; exec sleep 1000"
NOTIFY_SOCKET=@outer
export NOTIFY_SOCKET
spawn "$BIN/supervise" "$E"
unset NOTIFY_SOCKET
waitfor 5 test -s "$T/env.out"
ok "an inherited NOTIFY_SOCKET does not reach ./run" sh -c "! grep -q NOTIFY_SOCKET '$T/env.out'"
ok "the rest of the environment does" grep -q "^TEND_TEST_TAG=$T\$" "$T/env.out"
done_testing
