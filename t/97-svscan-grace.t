#!/bin/sh
# svscan's grace in containers: the default ends the stop (KILL included)
# well inside Docker's and Podman's 10 s stop timeout, and TEND_GRACE_MS
# sets it when the command line cannot change (-g still wins).
. "$(dirname "$0")/lib.sh"

# gone: no such process, or only its zombie (its parent has not reaped it)
gone() { ! [ -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
S=$T/s
mkdir -p "$S"
# a fresh service each time: no status file left from the last svscan
fresh() {
  rm -rf "$S/stubborn" "$T/out"
  mkservice "$S/stubborn" 'trap "" TERM; echo up; while :; do sleep 0.05; done'
  mkservice "$S/stubborn/log" 'exec cat >>../../../out'
}

# stop_after VAR=VALUE... -- SVSCAN ARGS: starts svscan, TERMs it once the
# service runs; sets rc, elapsed and stubborn (the service's pid).
stop_after() {
  fresh
  spawn env "$@" "$BIN/svscan" "$S"
  scan=$SPAWNED
  waitfor 5 has_pid "$S/stubborn"
  waitfor 5 grep -q up "$T/out"
  stubborn=$(status_pid "$S/stubborn")
  t0=$(ms)
  kill -TERM "$scan"
  wait "$scan"
  rc=$?
  elapsed=$(($(ms) - t0))
}

stop_after -u TEND_GRACE_MS 2>"$T/err"
echo "# stopped in $elapsed ms by default"
is "$rc" 0 "svscan exits 0"
ok "a service that ignores TERM is killed" gone "$stubborn"
ok "not before the default grace of 7 s" test "$elapsed" -ge 7000
ok "and svscan is gone before Docker's 10 s stop timeout" test "$elapsed" -lt 10000

stop_after TEND_GRACE_MS=1000 2>"$T/err"
echo "# stopped in $elapsed ms with TEND_GRACE_MS=1000"
ok "TEND_GRACE_MS=1000: the service is killed" gone "$stubborn"
ok "not before 1 s" test "$elapsed" -ge 1000
ok "and not long after it" test "$elapsed" -lt $((1000 + 1500 * SCALE))

fresh
spawn env TEND_GRACE_MS=600000 "$BIN/svscan" -g 1 "$S" 2>/dev/null
scan=$SPAWNED
waitfor 5 grep -q up "$T/out"
t0=$(ms)
kill -TERM "$scan"
wait "$scan"
elapsed=$(($(ms) - t0))
ok "-g wins over TEND_GRACE_MS" test "$elapsed" -lt $((1000 + 1500 * SCALE))

# An absurd or malformed value: said, never wrapped, svscan runs on.
rm -rf "$S/stubborn"
mkservice "$S/app" 'exec sleep 1000'
for v in 99999999999999999999999999 abc; do
  spawn env TEND_GRACE_MS=$v "$BIN/svscan" "$S" 2>"$T/err"
  scan=$SPAWNED
  ok "TEND_GRACE_MS=$v: svscan starts the services" waitfor 5 has_pid "$S/app"
  kill -TERM "$scan"
  wait "$scan"
  is "$?" 0 "and stops"
done
like "$(cat "$T/err")" "svscan: warning: TEND_GRACE_MS is not a number*abc" "a malformed value is said"
TEND_GRACE_MS=99999999999999999999999999 "$BIN/svscan" "$T/none" 2>"$T/err"
is "$?" 111 "a missing directory is still fatal"
like "$(cat "$T/err")" "svscan: warning: TEND_GRACE_MS too large, using 86400000: 9999*" \
  "an absurd value is capped at a day, with a warning"
done_testing
