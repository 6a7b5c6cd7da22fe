#!/bin/sh
# supervise: setting files and ./run, when they hold what they should not.
# Every number goes through one parser with a ceiling per setting (doc/
# servicedir.md): a larger value is capped, with a warning, never wrapped.
# A setting file is read only from a regular file: a FIFO in its place
# never hangs supervise and is refused. A ./run that cannot be started
# says why: not executable, a directory, a bad interpreter in its #! line.
. "$(dirname "$0")/lib.sh"
# ready DIR: the ready flag is set (false while there is no status yet)
ready() {
  _flags=$(status_field "$1" flags 2>/dev/null)
  [ -n "$_flags" ] && [ $((_flags & 1)) = 1 ]
}

# check-interval 18446744073709551 (s): times 1000 it wrapped into a
# negative interval, and ./check ran hundreds of times a second.
C=$T/check
mkservice "$C" "exec sleep 1000"
printf '#!/bin/sh\necho >>%s/checks\n' "$T" >"$C/check"
chmod +x "$C/check"
echo 18446744073709551 >"$C/check-interval"
spawn "$BIN/supervise" "$C" 2>"$T/check.err"
SUP=$SPAWNED
ok "check-interval 18446744073709551: the service is up and ready" waitfor 5 ready "$C"
ok "the value is capped, with a warning" \
  grep -qx "supervise: warning: capping $C/check-interval at 2592000" "$T/check.err"
sleep 1 # a window for ./check to run, if it were to run at once
is "$(cat "$T/checks" 2>/dev/null | wc -l)" 0 "./check does not run before 30 days"
"$BIN/svc" -dx "$C"
waitfor 5 gone "$SUP"

# timeout-kill 9223372036854775807 (ms), meant as never: it killed at once.
K=$T/kill
mkservice "$K" "trap '' TERM; : >$T/kill.trapped; while :; do sleep 0.05; done"
echo 9223372036854775807 >"$K/timeout-kill"
spawn "$BIN/supervise" "$K" 2>"$T/kill.err"
SUP=$SPAWNED
waitfor 5 test -e "$T/kill.trapped"
waitfor 5 has_pid "$K"
pid=$(status_pid "$K")
"$BIN/svc" -d "$K"
ok "timeout-kill 9223372036854775807: capped, with a warning" waitfor 5 \
  grep -qx "supervise: warning: capping $K/timeout-kill at 2592000000" "$T/kill.err"
sleep 1 # a window for a KILL to come, if it were to come at once
ok "the TERM-ignoring service is not killed at once" kill -0 "$pid"
like "$("$BIN/svstat" "$K")" "*: up (pid $pid) *, want down" "svstat: up, want down"
"$BIN/svc" -k "$K"
ok "svc -k stops it" waitfor 5 no_pid "$K"
"$BIN/svc" -x "$K"
waitfor 5 gone "$SUP"

# restart-delay 9223372036854775808 (ms): it wrapped to a negative delay,
# and a crashing service was restarted in a tight loop.
R=$T/delay
mkservice "$R" "echo >>$T/starts; exit 1"
echo 9223372036854775808 >"$R/restart-delay"
spawn "$BIN/supervise" "$R" 2>"$T/delay.err"
SUP=$SPAWNED
died() { [ "$(status_field "$R" deaths)" -ge 1 ] 2>/dev/null; }
ok "restart-delay 9223372036854775808: the crash is counted" waitfor 5 died
is "$(status_field "$R" delay)" 2592000000 "the delay is the ceiling, 2592000000 ms"
ok "the value is capped, with a warning" \
  grep -qx "supervise: warning: capping $R/restart-delay at 2592000000" "$T/delay.err"
like "$("$BIN/svstat" -l "$R")" "*; restart in 2[5-9][0-9][0-9][0-9][0-9][0-9] seconds*" \
  "svstat -l: restart in 30 days (plus jitter)"
is "$(wc -l <"$T/starts")" 1 "started once, not in a loop"
"$BIN/svc" -dx "$R"
waitfor 5 gone "$SUP"

# A FIFO as a setting file: opened without blocking, and refused.
F=$T/fifo
mkservice "$F" "exit 0"
mkfifo "$F/restart-stable"
spawn "$BIN/supervise" "$F" 2>"$T/fifo.err"
SUP=$SPAWNED
ok "a FIFO at restart-stable is ignored, with the reason" waitfor 5 \
  grep -qx "supervise: warning: ignoring $F/restart-stable: file of the wrong type" "$T/fifo.err"
"$BIN/svc" -d "$F"
ok "supervise still takes commands (svc -d)" waitfor 5 status_is "$F" want 100
"$BIN/svc" -x "$F"
ok "and exits on svc -x" waitfor 5 gone "$SUP"

# A setting file that is a FIFO (here behind a symlink) is not read, and
# supervise does not hang in open(): the default is used. A symlink to a
# regular file is followed (doc/servicedir.md).
L=$T/symlink
mkservice "$L" "trap 'echo got TERM >$T/symlink.log; exit 0' TERM; : >$T/symlink.trapped; while :; do sleep 0.05; done"
mkfifo "$T/hup"
ln -s "$T/hup" "$L/down-signal"
spawn "$BIN/supervise" "$L" 2>"$T/symlink.err"
SUP=$SPAWNED
waitfor 5 test -e "$T/symlink.trapped"
waitfor 5 has_pid "$L"
"$BIN/svc" -d "$L"
ok "a down-signal that leads to a FIFO is not read: TERM is sent" waitfor 5 grep -q "got TERM" "$T/symlink.log"
ok "with a warning" grep -qx \
  "supervise: warning: ignoring $L/down-signal: file of the wrong type" "$T/symlink.err"
"$BIN/svc" -x "$L"
waitfor 5 gone "$SUP"

# ./run that cannot be started: what is wrong with it, as a warning.
start_error() { # start_error NAME: supervise NAME until its first warning
  spawn "$BIN/supervise" "$T/$1" 2>"$T/$1.err"
  SUP=$SPAWNED
  waitfor 5 test -s "$T/$1.err"
  head -n1 "$T/$1.err"
  "$BIN/svc" -dx "$T/$1"
  waitfor 5 gone "$SUP"
}
mkservicedir "$T/rundir"
mkdir "$T/rundir/run"
is "$(start_error rundir)" "supervise: warning: unable to start $T/rundir/run: is a directory" \
  "a directory at ./run: is a directory"
mkservice "$T/noexec" "exec sleep 1000"
chmod 644 "$T/noexec/run"
is "$(start_error noexec)" "supervise: warning: unable to start $T/noexec/run: not executable" \
  "a ./run without x bit: not executable"
mkservicedir "$T/badint"
printf '#!/nonexistent/interp -x\nexec sleep 1000\n' >"$T/badint/run"
chmod 755 "$T/badint/run"
is "$(start_error badint)" \
  "supervise: warning: unable to start $T/badint/run: bad interpreter in its #! line (/nonexistent/interp): file does not exist" \
  "a #! line naming a missing interpreter says so"
mkservicedir "$T/noxint"
printf '#!%s\nexec sleep 1000\n' "$T/badint/run.txt" >"$T/noxint/run"
echo text >"$T/badint/run.txt"
chmod 755 "$T/noxint/run"
is "$(start_error noxint)" \
  "supervise: warning: unable to start $T/noxint/run: bad interpreter in its #! line ($T/badint/run.txt): access denied" \
  "a #! line naming a non-executable interpreter says so"
mkservicedir "$T/noshebang"
printf 'exec sleep 1000\n' >"$T/noshebang/run"
chmod 755 "$T/noshebang/run"
is "$(start_error noshebang)" "supervise: warning: unable to start $T/noshebang/run: exec format error" \
  "a script without #! line: exec format error"
ok "none of these is called fatal" sh -c "! cat '$T'/*.err | grep -q fatal"
done_testing
