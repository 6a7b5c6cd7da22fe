#!/bin/sh
# Stopping for real: down-signal, timeout-kill, and the whole process tree.
. "$(dirname "$0")/lib.sh"
state() { status_field "$1" state; }

# A service that ignores TERM is killed after timeout-kill.
S=$T/stubborn
mkservice "$S" "trap '' TERM; : >$T/stubborn.trapped; while :; do sleep 0.05; done"
echo 300 >"$S/timeout-kill"
spawn "$BIN/supervise" "$S"
waitfor 5 test -e "$T/stubborn.trapped" # the trap is set before the stop
waitfor 5 has_pid "$S"
pid=$(status_pid "$S")
"$BIN/svc" -d "$S"
ok "a TERM-ignoring service is stopped within timeout-kill" waitfor 5 no_pid "$S"
ok "its process is gone" gone "$pid"
is "$(status_field "$S" lastwait)" 9 "it was KILLed (wait status 9)"

# down-signal names the stop signal.
D=$T/hup
mkservice "$D" "trap 'echo got HUP >$T/hup.log; exit 0' HUP; : >$T/hup.trapped; while :; do sleep 0.05; done"
echo HUP >"$D/down-signal"
spawn "$BIN/supervise" "$D"
waitfor 5 test -e "$T/hup.trapped" # the trap is set before the stop
waitfor 5 has_pid "$D"
"$BIN/svc" -d "$D"
ok "down-signal HUP: svc -d sends HUP" waitfor 5 grep -q "got HUP" "$T/hup.log"
ok "and the service is down" waitfor 5 no_pid "$D"

# A run script without exec: its children go too.
N=$T/noexec
mkservice "$N" "sleep 1000 &
echo \$! >$T/child1
sleep 1000 &
echo \$! >$T/child2
wait"
spawn "$BIN/supervise" "$N"
waitfor 5 test -s "$T/child2"
c1=$(cat "$T/child1")
c2=$(cat "$T/child2")
"$BIN/svc" -d "$N"
ok "svc -d on a run script without exec: the service is down" waitfor 5 no_pid "$N"
ok "its first child is gone" gone "$c1"
ok "its second child is gone" gone "$c2"

# A daemon that double-forked out of the process group and session.
F=$T/forker
mkservice "$F" "sh -c 'setsid sleep 1000 & echo \$! >$T/escaped'
exec sleep 1000"
spawn "$BIN/supervise" "$F"
waitfor 5 test -s "$T/escaped"
esc=$(cat "$T/escaped")
ok "the escaped daemon runs in its own session" [ "$(awk '{print $6}' /proc/$esc/stat)" = "$esc" ]
"$BIN/svc" -d "$F"
ok "svc -d: a daemon that double-forked out of the tree is stopped too" waitfor 5 gone "$esc"
ok "and the service is down" waitfor 5 no_pid "$F"

# The service counts as down only when its whole tree is gone.
L=$T/leftover
mkservice "$L" "(trap '' TERM; : >$T/left.trapped; exec sleep 1000) &
echo \$! >$T/left
exec sleep 1000"
echo 1500 >"$L/timeout-kill"
spawn "$BIN/supervise" "$L"
waitfor 5 test -s "$T/left"
waitfor 5 test -e "$T/left.trapped"
main=$(status_pid "$L")
left=$(cat "$T/left")
"$BIN/svc" -d "$L"
waitfor 5 gone "$main"
if kill -0 "$left" 2>/dev/null; then
  is "$(state "$L")" 1 "main process gone, a TERM-ignoring child left: still state 1 (run)"
  like "$("$BIN/svstat" "$L")" "*: up (pid $main) *" "svstat: still up while the tree is not gone"
else
  skip "the leftover was gone before it could be observed"
  skip "the leftover was gone before it could be observed"
fi
ok "after timeout-kill the leftover is KILLed" waitfor 5 gone "$left"
ok "and then the service is down" waitfor 5 no_pid "$L"
is "$(state "$L")" 0 "state 0 (down)"

# svc -k at any time.
K=$T/kill
mkservice "$K" "trap '' TERM; : >$T/kill.trapped; exec sleep 1000"
spawn "$BIN/supervise" "$K"
waitfor 5 test -e "$T/kill.trapped"
waitfor 5 has_pid "$K"
kp=$(status_pid "$K")
"$BIN/svc" -d "$K"
ok "without timeout-kill a TERM-ignoring service stays" kill -0 "$kp"
"$BIN/svc" -k "$K"
ok "svc -k escalates: the service is gone" waitfor 5 no_pid "$K"
done_testing
