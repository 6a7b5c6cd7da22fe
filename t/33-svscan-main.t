#!/bin/sh
# svscan -m NAME: when NAME's ./run exits, everything stops in order and
# svscan exits with that code (128+signal if it was killed).
. "$(dirname "$0")/lib.sh"

gone() { ! alive "$1"; }

S=$T/s
mkdir -p "$S"
mkservice "$S/app" 'echo app ran >>../../runs
while [ ! -e ../../finish ]; do sleep 0.02; done
exit 3'
mkservice "$S/app/log" 'exec cat >>../../../applog'
mkservice "$S/side" 'trap "echo side stopped >>../../order; exit 0" TERM
while :; do sleep 0.02; done'

spawn "$BIN/svscan" -m app "$S" 2>"$T/err"
scan=$SPAWNED
waitfor 5 has_pid "$S/app"
waitfor 5 has_pid "$S/side"
side=$(status_pid "$S/side")
touch "$T/finish"
wait "$scan"
is "$?" 3 "svscan exits with the main service's exit code"
is "$(cat "$T/runs")" "app ran" "the main service was not restarted"
ok "the other services were stopped" grep -q "side stopped" "$T/order"
ok "and are gone" gone "$side"

# Killed by a signal: 128 + the signal number.
rm -rf "$S" "$T/runs" "$T/finish"
mkdir -p "$S"
mkservice "$S/app" 'exec sleep 1000'
spawn "$BIN/svscan" -m app "$S" 2>"$T/err"
scan=$SPAWNED
waitfor 5 has_pid "$S/app"
kill -USR1 "$(status_pid "$S/app")"
wait "$scan"
is "$?" 138 "a main service killed by SIGUSR1 gives 128+10"

# A main service that exits at once is still not restarted.
rm -rf "$S"
mkdir -p "$S"
mkservice "$S/app" 'echo once >>../../runs; exit 0'
spawn "$BIN/svscan" -m app "$S" 2>"$T/err"
wait "$SPAWNED"
is "$?" 0 "a main service exiting 0 gives 0"
is "$(cat "$T/runs")" "once" "even a quick exit is not restarted"

# SIGTERM with -m still exits 0.
rm -rf "$S"
mkdir -p "$S"
mkservice "$S/app" 'exec sleep 1000'
spawn "$BIN/svscan" -m app "$S" 2>"$T/err"
scan=$SPAWNED
waitfor 5 has_pid "$S/app"
kill -TERM "$scan"
wait "$scan"
is "$?" 0 "SIGTERM to svscan -m still exits 0"

# An absent main service is found out before anything starts.
rm -rf "$S" "$T/runs"
mkdir -p "$S"
mkservice "$S/other" 'echo other ran >>../../runs; exec sleep 1000'
mkdir "$S/norun"
spawn "$BIN/svscan" -m nosuch "$S" 2>"$T/err"
wait "$SPAWNED"
is "$?" 100 "an absent main service is an error"
is "$(cat "$T/err")" "svscan: fatal: main service nosuch not found in $S" "which says so"
ok "and nothing was started" test ! -e "$S/other/supervise" -a ! -e "$T/runs"
spawn "$BIN/svscan" -m norun "$S" 2>"$T/err"
wait "$SPAWNED"
is "$?" 100 "a main directory without an executable run is an error too"
is "$(cat "$T/err")" "svscan: fatal: main service norun not found in $S: no executable run" \
  "which says why"
ok "and nothing was started either" test ! -e "$S/other/supervise" -a ! -e "$T/runs"

done_testing
