#!/bin/sh
# What ./run inherits: its own session, an empty signal mask, default
# signal dispositions, and no file descriptor beyond 0-2.
. "$(dirname "$0")/lib.sh"
[ -x "$HELPERS/sigblock" ] || skip_all "t/helpers not built (make test builds them)"

fds_of() { ls "/proc/$1/fd" | sort -n | tr '\n' ' '; }

S=$T/svc
mkservice "$S" "exec sleep 1000"
# A careless parent: every signal blocked, several ignored, an extra fd open.
exec 7>"$T/leak"
spawn "$HELPERS/sigblock" "$BIN/supervise" "$S"
exec 7>&-
# wait for the exec, not just the fork
is_sleep() { has_pid "$1" && [ "$(cat /proc/$(status_pid "$1")/comm)" = sleep ]; }
waitfor 5 is_sleep "$S"
pid=$(status_pid "$S")
is "$(awk '/^SigBlk/ {print $2}' /proc/$pid/status)" 0000000000000000 "./run starts with an empty signal mask"
is "$(awk '/^SigIgn/ {print $2}' /proc/$pid/status) $(cat /proc/$pid/cmdline | tr "\\0" " ")" "0000000000000000 sleep 1000 " "./run starts with no ignored signal"
is "$(awk '{print $6}' /proc/$pid/stat)" "$pid" "./run leads its own session"
is "$(fds_of "$pid")" "0 1 2 " "./run has fds 0-2 only"

N=$T/notify
mkservice "$N" "exec sleep 1000"
echo 5 >"$N/notification-fd"
spawn "$BIN/supervise" "$N"
waitfor 5 is_sleep "$N"
is "$(fds_of "$(status_pid "$N")")" "0 1 2 5 " "with notification-fd 5, fd 5 is added"
done_testing
