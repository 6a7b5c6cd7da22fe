#!/bin/sh
# supervise: readiness is never forged or assumed. The NOTIFY_SOCKET name
# is the kernel's choice, so no one can take it first; a readiness channel
# that cannot be set up (no fd left) means "not started, not ready", with
# a warning, and a retry a second later.
. "$(dirname "$0")/lib.sh"
[ -x "$HELPERS/unix_bind" ] || skip_all "t/helpers not built (make test builds them)"
command -v prlimit >/dev/null || skip_all "prlimit (util-linux) is not installed"
# ready DIR: the ready flag is set (false while there is no status yet)
ready() {
  _flags=$(status_field "$1" flags 2>/dev/null)
  [ -n "$_flags" ] && [ $((_flags & 1)) = 1 ]
}
not_ready() { ! ready "$1"; }

# A squatter binds the name supervise used to derive from its pid.
Q=$T/squat
mkservice "$Q" "echo \"\$NOTIFY_SOCKET\" >$T/sockname
while [ ! -e $T/go ]; do sleep 0.02; done
exec $HELPERS/notify_send READY=1 sleep 1000"
touch "$Q/notification-socket" "$Q/down"
spawn "$BIN/supervise" "$Q" 2>"$T/squat.err"
SUP=$SPAWNED
waitfor 5 test -p "$Q/supervise/ok"
spawn sh -c "exec $HELPERS/unix_bind tend-notify/$SUP >$T/squatter"
ok "a squatter holds @tend-notify/$SUP" waitfor 5 grep -q bound "$T/squatter"
"$BIN/svc" -u "$Q"
ok "the service starts" waitfor 5 has_pid "$Q"
ok "it is not ready: the squatter changed nothing" not_ready "$Q"
ok "it got a NOTIFY_SOCKET" waitfor 5 test -s "$T/sockname"
sockname=$(cat "$T/sockname")
ok "not the squatted name ($sockname)" [ "$sockname" != "@tend-notify/$SUP" ]
is "$(cat "$T/squat.err")" "" "and supervise had nothing to complain about"
touch "$T/go"
ok "READY=1 from the service makes it ready" waitfor 5 ready "$Q"
"$BIN/svc" -dx "$Q"
waitfor 5 gone "$SUP"

# No fd left for the readiness pipe: the service is not started, and
# certainly not ready, until there is one.
F=$T/nofd
mkservice "$F" "while [ ! -e $T/go-fd ]; do sleep 0.02; done; echo >&3; exec sleep 1000"
echo 3 >"$F/notification-fd"
touch "$F/down"
spawn "$BIN/supervise" "$F" 2>"$T/nofd.err"
SUP=$SPAWNED
waitfor 5 test -p "$F/supervise/ok"
# room for one more fd (a status write), not for a pipe's two: the soft
# limit just above the lowest free fd (what it inherited may lie above)
free=0
while [ -e "/proc/$SUP/fd/$free" ]; do free=$((free + 1)); done
soft=$(prlimit --pid "$SUP" --nofile --output SOFT --noheadings | tr -d ' ')
prlimit --pid "$SUP" --nofile=$((free + 1)):
"$BIN/svc" -u "$F"
ok "the failure to make the readiness pipe is reported" waitfor 5 grep -q \
  "^supervise: warning: unable to create the readiness pipe for $F/run: process cannot open more files$" "$T/nofd.err"
ok "the service was not started" no_pid "$F"
ok "nor is it ready" not_ready "$F"
like "$("$BIN/svstat" "$F")" "*: down * seconds, want up" "svstat: down, want up"
prlimit --pid "$SUP" --nofile="$soft":
ok "once an fd is free, the service is started" waitfor 5 has_pid "$F"
ok "not ready before its newline" not_ready "$F"
touch "$T/go-fd"
ok "ready after it" waitfor 5 ready "$F"
"$BIN/svc" -dx "$F"
waitfor 5 gone "$SUP"
done_testing
