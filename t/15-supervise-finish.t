#!/bin/sh
# ./finish: runit's arguments, state 2 while it runs, timeout-finish, and
# exit 125 meaning "do not restart".
. "$(dirname "$0")/lib.sh"
state() { status_field "$1" state; }

S=$T/svc
mkservice "$S" "if [ -e $T/killme ]; then exec sleep 1000; fi; exit 3"
printf '#!/bin/sh\necho "$1 $2" >>%s/finish.log\n' "$T" >"$S/finish"
chmod +x "$S/finish"
touch "$S/down"
spawn "$BIN/supervise" "$S"
waitfor 5 test -p "$S/supervise/ok"
"$BIN/svc" -o "$S"
ok "finish runs after an exit" waitfor 5 test -s "$T/finish.log"
is "$(sed -n 1p "$T/finish.log")" "3 0" "finish gets the exit code and 0"
touch "$T/killme"
"$BIN/svc" -o "$S"
waitfor 5 has_pid "$S"
pid=$(status_pid "$S")
# never "kill -KILL 0" (the test's own process group) if the start was slow
[ "${pid:-0}" -gt 1 ] && kill -KILL "$pid"
two_lines() { [ "$(wc -l <"$T/finish.log")" -ge 2 ]; }
ok "finish runs after a signal" waitfor 5 two_lines
is "$(sed -n 2p "$T/finish.log")" "-1 9" "finish gets -1 and the signal number"

# State 2 while ./finish runs; its pid is shown.
W=$T/slowfinish
mkservice "$W" "exit 0"
printf '#!/bin/sh\necho $$ >%s/fpid\nwhile [ ! -e %s/go ]; do sleep 0.02; done\n' "$T" "$T" >"$W/finish"
chmod +x "$W/finish"
touch "$W/down"
spawn "$BIN/supervise" "$W"
waitfor 5 test -p "$W/supervise/ok"
"$BIN/svc" -o "$W"
waitfor 5 test -s "$T/fpid"
in_finish() { [ "$(state "$W")" = 2 ]; }
ok "status byte 19 is 2 while ./finish runs" waitfor 5 in_finish
is "$(status_pid "$W")" "$(cat "$T/fpid")" "the status shows the pid of ./finish"
touch "$T/go"
ok "state 0 once ./finish is done" waitfor 5 status_is "$W" state 0

# timeout-finish: a hanging ./finish is killed and the service restarts.
H=$T/hang
mkservice "$H" "echo x >>$T/hang.starts; sleep 1.2; exit 0"
printf '#!/bin/sh\nexec sleep 1000\n' >"$H/finish"
chmod +x "$H/finish"
echo 200 >"$H/timeout-finish"
spawn "$BIN/supervise" "$H"
two_starts() { [ "$(wc -l <"$T/hang.starts" 2>/dev/null)" -ge 2 ]; }
ok "a hanging ./finish is killed after timeout-finish and ./run starts again" waitfor 8 two_starts

# ./finish exiting 125: not restarted.
P=$T/permanent
mkservice "$P" "echo x >>$T/perm.starts; exit 1"
printf '#!/bin/sh\nexit 125\n' >"$P/finish"
chmod +x "$P/finish"
spawn "$BIN/supervise" "$P"
waitfor 5 test -s "$T/perm.starts"
down_now() { no_pid "$P" && [ "$(state "$P")" = 0 ]; }
ok "after finish exits 125 the service is down" waitfor 5 down_now
is "$(status_field "$P" want)" 100 "and wanted down"
like "$("$BIN/svstat" -l "$P" | sed 's/; cgroup .*//')" "*; finish asked not to restart" "svstat -l says why"
is "$(wc -l <"$T/perm.starts")" 1 "./run was started once"
"$BIN/svc" -u "$P"
two() { [ "$(wc -l <"$T/perm.starts")" -ge 2 ]; }
ok "svc -u starts it again" waitfor 5 two
done_testing
