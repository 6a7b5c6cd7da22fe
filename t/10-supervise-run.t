#!/bin/sh
# supervise: starting, restarting, and every control byte.
. "$(dirname "$0")/lib.sh"

S=$T/svc
mkservice "$S" "echo \$\$ >>$T/starts
for s in HUP ALRM INT QUIT USR1 USR2 CONT; do trap \"echo \$s >>$T/signals\" \$s; done
trap \"echo TERM >>$T/signals; exit 0\" TERM
while :; do sleep 0.05; done"
spawn "$BIN/supervise" "$S"
SUP=$SPAWNED

ok "supervise starts ./run" waitfor 5 has_pid "$S"
pid=$(status_pid "$S")
ok "the recorded pid is the running ./run" kill -0 "$pid"
is "$(cat "$T/starts")" "$pid" "./run started exactly once"

sig_seen() { grep -qx "$1" "$T/signals" 2>/dev/null; }
for pair in h:HUP a:ALRM i:INT q:QUIT 1:USR1 2:USR2; do
  "$BIN/svc" -${pair%%:*} "$S"
  ok "svc -${pair%%:*} sends ${pair#*:}" waitfor 5 sig_seen "${pair#*:}"
done

"$BIN/svc" -p "$S"
paused() { [ "$(awk '{print $3}' /proc/$pid/stat)" = T ]; }
ok "svc -p stops the process" waitfor 5 paused
like "$("$BIN/svstat" "$S")" "*: *, paused" "svstat shows paused"
is "$(status_field "$S" paused)" 1 "status byte 16 is 1 while paused"
"$BIN/svc" -c "$S"
running() { [ "$(awk '{print $3}' /proc/$pid/stat)" != T ]; }
ok "svc -c continues it" waitfor 5 running
ok "status byte 16 is 0 after svc -c" waitfor 5 status_is "$S" paused 0

# A service that ran for over a second is restarted at once when it dies.
old=$pid
"$BIN/svc" -k "$S"
ok "svc -k kills it and it is restarted" waitfor 5 pid_changed "$S" "$old"
pid=$(status_pid "$S")
started_long_ago() { [ $(($(date +%s) - $(stat -c %Y "$T/starts"))) -ge 2 ]; }
waitfor 10 started_long_ago
# With a backoff of ten minutes, a restart within the deadline below can
# only be the immediate one (no timing is asserted: the machine may be busy).
echo 600000 >"$S/restart-delay"
kill -KILL "$pid"
ok "a service that ran over a second is restarted at once, not after restart-delay" \
  waitfor 5 pid_changed "$S" "$pid"
rm -f "$S/restart-delay"
pid=$(status_pid "$S")

# svc -d: TERM then CONT, even on a paused service; not restarted.
"$BIN/svc" -p "$S"
waitfor 5 paused
: >"$T/signals"
"$BIN/svc" -d "$S"
ok "svc -d stops a paused service" waitfor 5 no_pid "$S"
ok "svc -d sends TERM (and CONT, so a paused service sees it)" sig_seen TERM
like "$("$BIN/svstat" "$S")" "*: down * seconds, normally up" "svstat: down, normally up"
n=$(wc -l <"$T/starts")
"$BIN/svc" -u "$S"
ok "svc -u starts it again" waitfor 5 has_pid "$S"
is "$(wc -l <"$T/starts")" $((n + 1)) "exactly one new start"
pid=$(status_pid "$S")

# svc -t: TERM, and restarted since it is wanted up.
"$BIN/svc" -t "$S"
ok "svc -t: the service is restarted" waitfor 5 pid_changed "$S" "$pid"
pid=$(status_pid "$S")

# svc -o: run once.
"$BIN/svc" -o "$S"
ok "svc -o: want byte is 0 (once)" waitfor 5 status_is "$S" want 0
kill -KILL "$pid"
ok "svc -o: after it dies it stays down" waitfor 5 no_pid "$S"
like "$("$BIN/svstat" "$S")" "*: down * seconds, normally up" "svstat after once: no want suffix"
"$BIN/svc" -o "$S"
ok "svc -o starts a down service once" waitfor 5 has_pid "$S"
pid=$(status_pid "$S")

# svc -x with the service up: supervise stays until the service is down.
"$BIN/svc" -ux "$S"
ok "svc -x alone leaves supervise and the service running" kill -0 "$SUP"
is "$(status_pid "$S")" "$pid" "the service was not touched by -x"
"$BIN/svc" -d "$S"
ok "after -x, supervise exits once the service is down" waitfor 5 gone "$SUP"
wait "$SUP"
is "$?" 0 "supervise exit code is 0"
ok "the service is gone too" gone "$pid"

# The down file: not started at start-up.
D=$T/downsvc
mkservice "$D" "echo started >>$T/down.log; exec sleep 1000"
touch "$D/down"
spawn "$BIN/supervise" "$D"
SUP=$SPAWNED
waitfor 5 test -p "$D/supervise/ok"
ok "with ./down, supervise starts nothing" no_pid "$D"
like "$("$BIN/svstat" "$D")" "*: down * seconds" "svstat: down"
"$BIN/svc" -u "$D"
ok "svc -u starts a normally-down service" waitfor 5 has_pid "$D"
like "$("$BIN/svstat" "$D")" "*: up (pid *) * seconds, normally down" "svstat: up, normally down"

# SIGHUP, SIGINT and SIGQUIT to supervise are ignored; SIGTERM = svc -dx.
pid=$(status_pid "$D")
kill -HUP "$SUP"; kill -INT "$SUP"; kill -QUIT "$SUP"
"$BIN/svc" -p "$D"; "$BIN/svc" -c "$D" # round trip through the loop
waitfor 5 status_is "$D" paused 0
ok "supervise survives HUP, INT and QUIT" kill -0 "$SUP"
ok "and so does its service" kill -0 "$pid"
kill -TERM "$SUP"
ok "SIGTERM: supervise stops the service and exits" waitfor 5 gone "$SUP"
ok "SIGTERM: the service is gone" gone "$pid"
done_testing
