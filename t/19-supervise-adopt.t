#!/bin/sh
# No duplicate after a supervisor crash: a new supervise adopts the ./run
# that its killed predecessor left running.
. "$(dirname "$0")/lib.sh"
instances() { pgrep_tagged -f "^sleep 4242$" | wc -l; }

S=$T/svc
mkservice "$S" "echo x >>$T/starts; exec sleep 4242"
spawn "$BIN/supervise" "$S"
SUP=$SPAWNED
waitfor 5 has_pid "$S"
pid=$(status_pid "$S")
kill -KILL "$SUP"
waitfor 5 gone "$SUP"
ok "after supervise is SIGKILLed its service runs on" kill -0 "$pid"

spawn "$BIN/supervise" "$S"
SUP=$SPAWNED
has_svpid() { [ "$(status_field "$S" svpid)" = "$SUP" ]; }
waitfor 5 has_svpid
is "$(status_pid "$S")" "$pid" "the new supervise adopts the running ./run"
is "$(instances)" 1 "exactly one instance runs"
is "$(wc -l <"$T/starts")" 1 "./run was not started again"
is "$(status_field "$S" starts)" 1 "the start count is unchanged"
is "$(($(status_field "$S" flags) & 2))" 2 "the status says adopted"
like "$("$BIN/svstat" "$S")" "*: up (pid $pid) * seconds" "svstat: up, same pid"

# The adopted process is watched: its death is noticed and it is restarted.
kill -KILL "$pid"
ok "the adopted ./run dies: it is restarted" waitfor 5 pid_changed "$S" "$pid"
is "$(instances)" 1 "still exactly one instance"
pid=$(status_pid "$S")

# And commands reach it after a second crash.
kill -KILL "$SUP"
waitfor 5 gone "$SUP"
spawn "$BIN/supervise" "$S"
SUP=$SPAWNED
waitfor 5 has_svpid
is "$(status_pid "$S")" "$pid" "adopted again after a second crash"
"$BIN/svc" -d "$S"
ok "svc -d stops the adopted service" waitfor 5 gone "$pid"
ok "and the status says down" waitfor 5 no_pid "$S"
"$BIN/svc" -u "$S"
ok "svc -u starts a new one" waitfor 5 has_pid "$S"
is "$(instances)" 1 "one instance"

# A stale status whose pid is some other process is not adopted.
"$BIN/svc" -dx "$S"
waitfor 5 gone "$SUP"
sleep 4242 &
other=$!
_pids="$_pids $other"
printf "$(printf '\\%03o' $((other & 255)) $(((other >> 8) & 255)) $(((other >> 16) & 255)) 0)" |
  dd of="$S/supervise/status" bs=1 seek=12 conv=notrunc 2>/dev/null
printf '\001' | dd of="$S/supervise/status" bs=1 seek=19 conv=notrunc 2>/dev/null
spawn "$BIN/supervise" "$S"
SUP=$SPAWNED
waitfor 5 has_svpid
ok "a recorded pid that is not our ./run is not adopted" waitfor 5 pid_changed "$S" "$other"
ok "and that process is left alone" kill -0 "$other"

# Killed in the middle of a stop: what is left of the old tree is stopped
# before a new ./run starts.
L=$T/leftover
mkservice "$L" "(trap '' TERM; : >$T/left.trapped; exec sleep 4343) &
echo \$! >$T/left
exec sleep 1000"
echo 500 >"$L/timeout-kill"
echo 30000 >"$L/restart-delay"
spawn "$BIN/supervise" "$L"
SUP=$SPAWNED
waitfor 5 test -s "$T/left"
waitfor 5 test -e "$T/left.trapped"
left=$(cat "$T/left")
main=$(status_pid "$L")
kill -STOP "$SUP" # freeze it right after it sends the stop
"$BIN/svc" -t "$L"
kill -CONT "$SUP"
waitfor 5 gone "$main"
kill -KILL "$SUP"
waitfor 5 gone "$SUP"
ok "the TERM-ignoring leftover outlived its supervise" kill -0 "$left"
spawn "$BIN/supervise" "$L"
SUP=$SPAWNED
ok "the new supervise stops the old leftover" waitfor 5 gone "$left"
ok "then starts ./run" waitfor 5 has_pid "$L"
one_4343() { [ "$(pgrep_tagged -f '^sleep 4343$' | wc -l)" = 1 ]; }
ok "one leftover-maker instance, the new one" waitfor 5 one_4343

# Killed while ./finish ran: that ./finish is stopped before ./run starts.
F=$T/finishing
mkservice "$F" "echo x >>$T/f.starts; exit 0"
printf '#!/bin/sh\necho $$ >%s/fin\nexec sleep 4444\n' "$T" >"$F/finish"
chmod +x "$F/finish"
echo 60000 >"$F/timeout-finish"
spawn "$BIN/supervise" "$F"
SUP=$SPAWNED
waitfor 5 test -s "$T/fin"
fin=$(cat "$T/fin")
kill -KILL "$SUP"
waitfor 5 gone "$SUP"
spawn "$BIN/supervise" "$F"
ok "an old ./finish is stopped by the new supervise" waitfor 5 gone "$fin"
two_starts() { [ "$(wc -l <"$T/f.starts")" -ge 2 ]; }
ok "and ./run starts after it" waitfor 5 two_starts
done_testing
