#!/bin/sh
# supervise and the files of supervise/ when they are not what they should
# be: a status that cannot be written is retried once a second without
# spinning, and is right as soon as a write succeeds; control and ok must
# be FIFOs (anything else is replaced); the old status is read only from a
# regular file; the lock is never opened through a symlink.
. "$(dirname "$0")/lib.sh"
# children PID: the children of PID (the service, for a supervise).
children() { tr -d ' \n' <"/proc/$1/task/$1/children"; }

# A directory at status.new: every write fails until it is removed.
S=$T/blocked
mkservice "$S" "exec sleep 1000"
start_supervise "$S" "$T/blocked.err"
old=$pid
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

# A directory at status: rename would not replace it, nor does supervise.
D=$T/statusdir
mkservice "$D" "exec sleep 1000"
mkdir -p "$D/supervise/status"
spawn "$BIN/supervise" "$D" 2>"$T/statusdir.err"
SUP=$SPAWNED
ok "a directory at supervise/status: unable to write, said why" waitfor 5 grep -qx \
  "supervise: warning: unable to write $D/supervise/status: is a directory" "$T/statusdir.err"
ok "the directory is left where it was" test -d "$D/supervise/status"
rmdir "$D/supervise/status"
ok "once it is gone, the status is written" waitfor 5 has_pid "$D"
ok "and status.new is not left behind" test ! -e "$D/supervise/status.new"
"$BIN/svc" -dx "$D"
waitfor 5 gone "$SUP"

# Regular files at control and ok, as a backup may restore them.
C=$T/ctlfile
mkservice "$C" "exec sleep 1000"
mkdir -p "$C/supervise"
echo backup >"$C/supervise/control"
echo backup >"$C/supervise/ok"
spawn "$BIN/supervise" "$C" 2>"$T/ctlfile.err"
SUP=$SPAWNED
ok "a regular file at supervise/control: the service starts" waitfor 5 has_pid "$C"
ok "control is a FIFO again" test -p "$C/supervise/control"
ok "ok is a FIFO again" waitfor 5 test -p "$C/supervise/ok"
ok "the replacement of control is reported" \
  grep -qx "supervise: warning: replaced $C/supervise/control: it was not a FIFO" "$T/ctlfile.err"
ok "the replacement of ok is reported" \
  grep -qx "supervise: warning: replaced $C/supervise/ok: it was not a FIFO" "$T/ctlfile.err"
ticks=$(spin_window "$SUP")
ok "supervise does not spin on the control it replaced (cpu ticks in 2 s: $ticks)" [ "$ticks" -lt 20 ]
ok "svok sees the supervise" "$BIN/svok" "$C"
"$BIN/svc" -d "$C"
ok "svc -d works through the new control" waitfor 5 no_pid "$C"
"$BIN/svc" -x "$C"
waitfor 5 gone "$SUP"

# A symlink at control: the link is replaced, its target never touched.
L=$T/ctllink
mkservice "$L" "exec sleep 1000"
mkdir -p "$L/supervise"
echo precious >"$T/target"
ln -s "$T/target" "$L/supervise/control"
spawn "$BIN/supervise" "$L" 2>"$T/ctllink.err"
SUP=$SPAWNED
ok "a symlink at supervise/control: the service starts" waitfor 5 has_pid "$L"
ok "control is a FIFO, not a symlink" sh -c "test -p '$L/supervise/control' && test ! -h '$L/supervise/control'"
"$BIN/svc" -d "$L"
ok "svc -d works" waitfor 5 no_pid "$L"
is "$(cat "$T/target")" precious "the symlink's target is untouched"
"$BIN/svc" -x "$L"
waitfor 5 gone "$SUP"

# A directory at control cannot be replaced: a fatal error, at once.
X=$T/ctldir
mkservice "$X" "exec sleep 1000"
mkdir -p "$X/supervise/control"
timeout $((10 * SCALE)) "$BIN/supervise" "$X" 2>"$T/ctldir.err"
is "$?:$(cat "$T/ctldir.err")" \
  "111:supervise: fatal: unable to open $X/supervise/control: is a directory" \
  "a directory at supervise/control: fatal error, exit 111"
ok "and nothing was started" test ! -e "$X/supervise/status"

# A FIFO at status (no writer: an open for reading would block for ever).
F=$T/statusfifo
mkservice "$F" "exec sleep 1000"
mkdir -p "$F/supervise"
mkfifo "$F/supervise/status"
spawn "$BIN/supervise" "$F" 2>"$T/statusfifo.err"
SUP=$SPAWNED
# (test -f, not has_pid: reading the FIFO would block the test itself)
if waitfor 5 test -f "$F/supervise/status"; then
  ok "a FIFO at supervise/status: supervise does not hang, writes a status" true
  ok "and the service starts" waitfor 5 has_pid "$F"
else
  ok "a FIFO at supervise/status: supervise does not hang, writes a status" false
  skip "no status to read"
fi
ok "the old status is ignored, with the reason" grep -qx \
  "supervise: warning: ignoring $F/supervise/status: file of the wrong type" "$T/statusfifo.err"
"$BIN/svc" -dx "$F"
waitfor 5 gone "$SUP"

# A FIFO at status.new, as a crash could never leave one.
N=$T/newfifo
mkservice "$N" "exec sleep 1000"
mkdir -p "$N/supervise"
mkfifo "$N/supervise/status.new"
spawn "$BIN/supervise" "$N"
SUP=$SPAWNED
ok "a FIFO at supervise/status.new: the service starts" waitfor 5 has_pid "$N"
ok "status is a regular file" test -f "$N/supervise/status"
"$BIN/svc" -dx "$N"
waitfor 5 gone "$SUP"

# A symlink at lock: never followed, never replaced.
K=$T/locklink
mkservice "$K" "exec sleep 1000"
mkdir -p "$K/supervise"
ln -s "$T/elsewhere-lock" "$K/supervise/lock"
timeout $((10 * SCALE)) "$BIN/supervise" "$K" 2>"$T/locklink.err"
is "$?:$(cat "$T/locklink.err")" \
  "111:supervise: fatal: unable to open $K/supervise/lock: file of the wrong type" \
  "a symlink at supervise/lock: fatal error, exit 111"
ok "its target was not created" test ! -e "$T/elsewhere-lock"
ok "and nothing was started" test ! -e "$K/supervise/status"
done_testing
