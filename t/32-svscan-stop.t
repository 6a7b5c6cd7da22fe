#!/bin/sh
# svscan on SIGTERM/SIGINT: services stop first, then their loggers (which
# drain the pipe), then svscan exits 0; what ignores TERM past the grace
# time gets KILL.
. "$(dirname "$0")/lib.sh"

gone() { ! alive "$1"; }

S=$T/s
mkdir -p "$S"
# On TERM the service writes a last line (slowly), then exits.
mkservice "$S/app" 'trap "sleep 0.3; echo last words; exit 0" TERM
echo hello
while :; do sleep 0.05; done'
mkservice "$S/app/log" 'exec cat >>../../../out'
mkservice "$S/plain" 'exec sleep 1000'

spawn "$BIN/svscan" "$S" 2>"$T/err"
scan=$SPAWNED
waitfor 5 grep -q hello "$T/out"
waitfor 5 has_pid "$S/plain"
sv=$(svpid "$S/app")
logsv=$(svpid "$S/app/log")
plain=$(status_pid "$S/plain")

t0=$(ms)
kill -TERM "$scan"
wait "$scan"
rc=$?
t1=$(ms)
is "$rc" 0 "svscan exits 0 after SIGTERM"
ok "the service's last line reached the logger before it stopped" grep -qx "last words" "$T/out"
ok "the service's supervise is gone" gone "$sv"
ok "the logger's supervise is gone" gone "$logsv"
ok "every service is gone" gone "$plain"
elapsed=$((t1 - t0))
echo "# stopped in $elapsed ms"
ok "the stop takes as long as the slowest service, not more" test "$elapsed" -lt $((2000 * SCALE))

# A service that ignores TERM: KILL after the grace time (-g 1).
rm -rf "$S" "$T/out"
mkdir -p "$S"
mkservice "$S/stubborn" 'trap "" TERM; : >trapped; while :; do sleep 0.05; done'
mkservice "$S/app" 'exec sleep 1000'
spawn "$BIN/svscan" -g 1 "$S" 2>"$T/err"
scan=$SPAWNED
waitfor 5 test -e "$S/stubborn/trapped"
waitfor 5 has_pid "$S/app"
stubborn=$(status_pid "$S/stubborn")
t0=$(ms)
kill -INT "$scan"
wait "$scan"
rc=$?
t1=$(ms)
is "$rc" 0 "svscan exits 0 after SIGINT too"
ok "a service that ignores TERM is killed after the grace time" gone "$stubborn"
elapsed=$((t1 - t0))
echo "# stopped in $elapsed ms with -g 1"
ok "not before the grace time" test "$elapsed" -ge 1000
ok "and not long after it" test "$elapsed" -lt $((1000 + 1500 * SCALE))

spawn "$BIN/svscan" -g x "$S" 2>"$T/err"
wait "$SPAWNED"
is "$?" 100 "a bad option value is a usage error"
like "$(cat "$T/err")" "svscan: usage: *" "with the usage on stderr"
"$BIN/svscan" "$T/nonexistent" 2>"$T/err"
is "$?" 111 "a missing directory is fatal"
is "$(cat "$T/err")" "svscan: fatal: unable to chdir to $T/nonexistent: file does not exist" \
  "with the reason"

done_testing
