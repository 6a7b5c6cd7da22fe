#!/bin/sh
# svscan as PID 1 of a pid namespace (unshare --pid --fork): it reaps the
# orphans that come back to it and stops everything in order on SIGTERM.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root for unshare --pid"
unshare --pid --fork --mount-proc true 2>/dev/null || skip_all "unshare --pid does not work here"

gone() { [ ! -e "/proc/$1" ]; }
children() { ps -o pid= --ppid "$1" | tr -d ' '; }

S=$(cd "$T" && pwd -P)/s
mkdir -p "$S"
mkservice "$S/app" 'trap "sleep 0.2; echo last words; exit 0" TERM
echo hello
while :; do sleep 0.05; done'
mkservice "$S/app/log" 'exec cat >>../../../out'
mkservice "$S/orphan" 'exec sleep 1000'

spawn unshare --pid --fork --mount-proc "$BIN/svscan" "$S" 2>"$T/err"
outer=$SPAWNED
waitfor 5 sh -c "ps -o pid= --ppid $outer | grep -q ." || true
scan=$(children "$outer")
is "$(awk '/^NSpid/ {print $3}' "/proc/$scan/status")" 1 "svscan is PID 1 in the namespace"
ok "it starts the services" waitfor 5 grep -q hello "$T/out"

# Kill the orphan service's supervise: its ./run comes back to PID 1.
waitfor 5 in_dir "$S/orphan" sleep
run=$(in_dir "$S/orphan" sleep)
sv=$(in_dir "$S/orphan" supervise)
kill -KILL "$sv"
ok "an orphan is re-parented to svscan" waitfor 5 sh -c "[ \"\$(awk '{print \$4}' /proc/$run/stat)\" = $scan ]"
kill -TERM "$run"
ok "and reaped by it when it exits" waitfor 5 gone "$run"
ok "svscan is still running" alive "$scan"
ok "the dead supervise was started again" waitfor 5 sh -c "p=\$(ps -o pid=,comm= --ppid $scan | awk '\$2 == \"supervise\"' | wc -l); [ \$p = 3 ]"

kill -TERM "$scan"
wait "$outer"
is "$?" 0 "SIGTERM: svscan as PID 1 exits 0"
ok "services stopped before their loggers" grep -qx "last words" "$T/out"
ok "nothing of the namespace is left" gone "$scan"

done_testing
