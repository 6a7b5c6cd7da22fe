#!/bin/sh
# supervise and the files of supervise/ when they are not what they should
# be: a status that cannot be written is retried once a second without
# spinning, and is right as soon as a write succeeds.
. "$(dirname "$0")/lib.sh"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# children PID: the children of PID (the service, for a supervise).
children() { tr -d ' \n' <"/proc/$1/task/$1/children"; }
# spin_window PID: CPU ticks PID uses in 2 seconds (a window for a busy
# loop to show, not a wait for anything).
spin_window() {
  _t0=$(cpu "$1")
  sleep 2
  echo $(($(cpu "$1") - _t0))
}

# A directory at status.new: every write fails until it is removed.
S=$T/blocked
mkservice "$S" "exec sleep 1000"
spawn "$BIN/supervise" "$S" 2>"$T/blocked.err"
SUP=$SPAWNED
waitfor 5 has_pid "$S"
old=$(status_pid "$S")
mkdir "$S/supervise/status.new"
"$BIN/svc" -k "$S"
restarted() { c=$(children "$SUP") && [ -n "$c" ] && [ "$c" != "$old" ]; }
ok "svc -k: the service is restarted" waitfor 5 restarted
new=$(children "$SUP")
ok "a status that cannot be written is reported" waitfor 5 \
  grep -q "^supervise: warning: unable to write $S/supervise/status: " "$T/blocked.err"
ticks=$(spin_window "$SUP")
ok "supervise does not spin while the write fails (cpu ticks in 2 s: $ticks)" [ "$ticks" -lt 20 ]
is "$(status_pid "$S")" "$old" "meanwhile the old status is left whole"
rmdir "$S/supervise/status.new"
ok "once the write can succeed, the status is written" waitfor 5 pid_changed "$S" "$old"
is "$(status_pid "$S")" "$new" "and names the running ./run"
ok "the recovery is reported" \
  grep -qx "supervise: warning: writing $S/supervise/status again" "$T/blocked.err"
is "$(grep -c 'unable to write' "$T/blocked.err")" 1 "the failure was reported once"
"$BIN/svc" -dx "$S"
ok "svc -dx: supervise exits" waitfor 5 gone "$SUP"

done_testing
