#!/bin/sh
# The files svscan opens in a service directory (supervise/control,
# status, ok) when someone else may write there: a supervise/ handed to
# the service's user so that it may control the service. svscan follows
# no symlink there, never blocks on a FIFO, says why it refuses, and
# touches nothing outside the directory.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root to plant files as another account"
getent passwd nobody >/dev/null || skip_all "no nobody account"
public_bin setuidgid || skip_all "unable to copy the programs to /tmp"
as_nobody() { "$PUB/setuidgid" nobody "$@"; }

gone() { ! kill -0 "$1" 2>/dev/null; }

S=$PUB/s
echo secret >"$T/victim"

# 1. -m: control is a symlink to a file of root's, planted before svscan
# starts. svscan must not put its "x" there.
mkservice "$S/app" 'echo ran >>../../runs; exit 7'
mkdir -m 700 "$S/app/supervise"
chown nobody "$S/app/supervise"
as_nobody ln -s "$T/victim" "$S/app/supervise/control"
spawn "$BIN/svscan" -m app "$S" 2>"$T/err"
scan=$SPAWNED
ok "svscan refuses a symlink for the control FIFO" waitfor 5 grep -q \
  "svscan: warning: unable to prepare app/supervise/control: file of the wrong type" "$T/err"
is "$(cat "$T/victim")" secret "the file it points to is untouched"
ok "the main service was not started without its x" test ! -e "$PUB/runs"
rm "$S/app/supervise/control"
wait "$scan"
is "$?" 7 "once the symlink is gone, the main service runs, once"
is "$(cat "$PUB/runs")" ran "exactly once"
is "$(grep -c . "$T/err")" 1 "one line said why"

# 2. A FIFO in place of supervise/status, found by a new svscan that
# adopts the running supervise: it must not hang in open().
rm -rf "$S" "$PUB/runs"
mkservice "$S/app" 'exec sleep 1000'
spawn "$BIN/svscan" "$S" 2>"$T/err"
first=$SPAWNED
waitfor 5 has_pid "$S/app"
run=$(status_pid "$S/app")
kill -KILL "$first"
wait "$first" 2>/dev/null
chown nobody "$S/app/supervise"
as_nobody rm -f "$S/app/supervise/status"
as_nobody mkfifo "$S/app/supervise/status"
spawn "$BIN/svscan" "$S" 2>"$T/err2"
second=$SPAWNED
# a service added afterwards shows that svscan goes on working
mkservice "$T/late" 'exec sleep 1000'
mv "$T/late" "$S/late"
ok "svscan does not hang on a FIFO at supervise/status" waitfor 5 has_pid "$S/late"
like "$(cat "$T/err2")" "*svscan: warning: unable to read app/supervise/status: file of the wrong type*" \
  "and says why"
is "$(supervisors_in "$S/app")" 1 "the running supervise was kept, not doubled"
ok "nor its service restarted" kill -0 "$run"
kill -TERM "$second"
ok "svscan still stops that supervise through its control FIFO" waitfor 10 gone "$second"
ok "and its service" gone "$run"

# 3. The log supervise's control replaced by a symlink while it runs: on
# the stop, svscan must not write its "x" through it, and the logger
# still gets every line.
rm -rf "$S"
echo secret >"$T/victim"
mkservice "$S/app" 'trap "echo last words; exit 0" TERM
echo hello
while :; do sleep 0.05; done'
mkservice "$S/app/log" 'exec cat >>../../../out'
spawn "$BIN/svscan" "$S" 2>"$T/err3"
scan=$SPAWNED
waitfor 5 grep -q hello "$PUB/out"
waitfor 5 has_pid "$S/app/log"
chown nobody "$S/app/log/supervise"
as_nobody rm -f "$S/app/log/supervise/control"
as_nobody ln -s "$T/victim" "$S/app/log/supervise/control"
kill -TERM "$scan"
wait "$scan"
is "$?" 0 "svscan stops"
is "$(cat "$T/victim")" secret "without writing through the planted symlink"
like "$(cat "$T/err3")" "*svscan: warning: unable to tell app/log to exit: file of the wrong type*" \
  "it says why"
is "$(cat "$PUB/out")" "hello
last words" "and the logger got every line"

done_testing
