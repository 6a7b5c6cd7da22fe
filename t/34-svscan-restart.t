#!/bin/sh
# svscan killed with SIGKILL and started again on the same directory:
# it adopts the running supervisors, restarts and duplicates nothing, and
# recovers each log pipe, so no line is lost.
. "$(dirname "$0")/lib.sh"

gone() { ! alive "$1"; }
holds() {
  for fd in /proc/$1/fd/*; do [ "$(readlink "$fd")" = "$2" ] && return 0; done
  return 1
}

S=$(cd "$T" && pwd -P)/s
mkdir -p "$S"
mkservice "$S/app" 'trap "echo last words; exit 0" TERM
n=1
while :; do
  if [ -e ../../go/$n ]; then echo "line $n"; n=$((n + 1)); else sleep 0.02; fi
done'
mkservice "$S/app/log" 'exec cat >>../../../out'
mkservice "$S/plain" 'exec sleep 1000'
mkdir "$T/go"

spawn "$BIN/svscan" "$S" 2>"$T/err"
first=$SPAWNED
waitfor 5 has_pid "$S/app"
waitfor 5 has_pid "$S/app/log"
waitfor 5 has_pid "$S/plain"
touch "$T/go/1"
waitfor 5 lines "$T/out" 1
run=$(status_pid "$S/app")
logrun=$(status_pid "$S/app/log")
plain=$(status_pid "$S/plain")
sv=$(svpid "$S/app")
logsv=$(svpid "$S/app/log")
pipe=$(readlink "/proc/$run/fd/1")

kill -KILL "$first"
wait "$first" 2>/dev/null
touch "$T/go/2" # written while no svscan runs
spawn "$BIN/svscan" "$S" 2>"$T/err2"
second=$SPAWNED
# A service added now is started after the first scan is complete.
mkservice "$T/late" 'exec sleep 1000'
mv "$T/late" "$S/late"
waitfor 5 has_pid "$S/late"

is "$(status_pid "$S/app")" "$run" "the service was not restarted"
is "$(status_pid "$S/app/log")" "$logrun" "nor its logger"
is "$(status_pid "$S/plain")" "$plain" "nor a service without a logger"
is "$(svpid "$S/app")" "$sv" "the running supervise was kept"
is "$(supervisors_in "$S/app")" 1 "no second supervise runs for the service"
is "$(supervisors_in "$S/app/log")" 1 "nor for its logger"
is "$(supervisors_in "$S/plain")" 1 "nor for the other service"
ok "the new svscan holds the same log pipe" holds "$second" "$pipe"
ok "svscan had nothing to complain about" test ! -s "$T/err2"
sed 's/^/# /' "$T/err2"

# The logger dies after the restart: the service's lines still arrive.
kill -KILL "$logrun"
touch "$T/go/3"
ok "the logger is restarted by the adopted supervise" waitfor 5 pid_changed "$S/app/log" "$logrun"
ok "no line is lost" waitfor 5 lines "$T/out" 3
is "$(cat "$T/out" | tr '\n' ,)" "line 1,line 2,line 3," "every line once, in order"

# An adopted supervise that dies is noticed (pidfd) and started again.
kill -KILL "$(svpid "$S/plain")" "$plain"
ok "an adopted supervise that dies is started again" waitfor 3 pid_changed "$S/plain" "$plain"

# Killed while a logger restarts, started a third time: still one of each.
kill -KILL "$second"
wait "$second" 2>/dev/null
spawn "$BIN/svscan" "$S" 2>"$T/err3"
third=$SPAWNED
mkservice "$S/later" 'exec sleep 1000'
waitfor 5 has_pid "$S/later"
is "$(supervisors_in "$S/app")" 1 "after a second restart, still one supervise"
ok "and the same pipe" holds "$third" "$pipe"

kill -TERM "$third"
wait "$third"
is "$?" 0 "the adopted services are stopped on SIGTERM"
ok "in order: the service's last line was logged" grep -qx "last words" "$T/out"
ok "the adopted supervise is gone" gone "$sv"
ok "the adopted logger's supervise is gone" gone "$logsv"

done_testing
