#!/bin/sh
# svscan's log pipes: NAME/log reads what NAME writes, through one pipe
# that svscan holds open, so a logger that dies loses no line.
. "$(dirname "$0")/lib.sh"

gone() { ! alive "$1"; }

S=$T/s
mkdir -p "$S"
# The service writes a numbered line each time ../go/N appears.
mkservice "$S/app" 'n=1
while :; do
  if [ -e ../../go/$n ]; then echo "line $n"; n=$((n + 1)); else sleep 0.02; fi
done'
mkservice "$S/app/log" 'exec cat >>../../../out'
mkdir "$T/go"

spawn "$BIN/svscan" "$S" 2>"$T/err"
scan=$SPAWNED
waitfor 5 has_pid "$S/app/log"
waitfor 5 has_pid "$S/app"

touch "$T/go/1" "$T/go/2"
ok "the service's output reaches its logger" waitfor 5 lines "$T/out" 2

# Identity of the pipe, as seen in /proc.
run=$(status_pid "$S/app")
logrun=$(status_pid "$S/app/log")
is "$(readlink "/proc/$run/fd/1")" "$(readlink "/proc/$logrun/fd/0")" \
  "the service's stdout and the logger's stdin are one pipe"
like "$(readlink "/proc/$run/fd/1")" "pipe:*" "and it is a pipe"
pipe=$(readlink "/proc/$run/fd/1")
held=no
for fd in /proc/$scan/fd/*; do [ "$(readlink "$fd")" = "$pipe" ] && held=yes; done
is "$held" yes "svscan holds the pipe itself"

# Kill the logger; the service writes while no logger runs; nothing lost.
kill -KILL "$logrun"
touch "$T/go/3" "$T/go/4"
ok "the logger is restarted" waitfor 5 pid_changed "$S/app/log" "$logrun"
ok "lines written while the logger was down are not lost" waitfor 5 lines "$T/out" 4
is "$(cat "$T/out" | tr '\n' ,)" "line 1,line 2,line 3,line 4," "every line arrives once, in order"
is "$(readlink "/proc/$(status_pid "$S/app/log")/fd/0")" "$pipe" "the new logger reads the same pipe"

# Kill the log's supervise: svscan starts another on the same pipe.
logsv=$(svpid "$S/app/log")
logrun=$(status_pid "$S/app/log")
kill -KILL "$logsv" "$logrun"
ok "a killed log supervise is started again" waitfor 3 new_svpid "$S/app/log" "$logsv"
waitfor 3 pid_changed "$S/app/log" "$logrun"
touch "$T/go/5"
ok "and the service's lines still reach the logger" waitfor 5 lines "$T/out" 5
is "$(readlink "/proc/$(status_pid "$S/app/log")/fd/0")" "$pipe" "through the same pipe"
is "$(status_pid "$S/app")" "$run" "the service itself was never restarted"

# Removing the directory: the service stops first, its last line still
# reaches the logger, then the logger and both supervisors exit.
mkservice "$T/new/bye" 'trap "echo bye-bye; exit 0" TERM
echo hi
while :; do sleep 0.02; done'
mkservice "$T/new/bye/log" 'exec cat >>../../../byeout'
mv "$T/new/bye" "$S/bye"
ok "a logged service moved in starts and logs" waitfor 5 grep -q hi "$T/byeout"
sv=$(svpid "$S/bye")
logsv=$(svpid "$S/bye/log")
mv "$S/bye" "$T/bye-removed"
ok "a removed logged service's supervise exits" waitfor 5 gone "$sv"
ok "and then its logger's" waitfor 5 gone "$logsv"
ok "after logging the service's last line" grep -qx bye-bye "$T/byeout"

kill -TERM "$scan"
wait "$scan"

done_testing
