#!/bin/sh
# supervise: usage, a locked directory, a missing or unusable ./run.
. "$(dirname "$0")/lib.sh"

"$BIN/supervise" 2>"$T/err"
is "$?:$(cat "$T/err")" "100:supervise: usage: supervise dir" "no argument: usage, exit 100"
"$BIN/supervise" a b 2>"$T/err"
is "$?:$(cat "$T/err")" "100:supervise: usage: supervise dir" "two arguments: usage, exit 100"
"$BIN/supervise" "$T/nonexistent" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:supervise: fatal: unable to chdir to $T/nonexistent: file does not exist" \
  "missing directory: fatal error, exit 111"

S=$T/svc
mkservice "$S" "exec sleep 1000"
spawn "$BIN/supervise" "$S"
SUP=$SPAWNED
waitfor 5 has_pid "$S"
pid=$(status_pid "$S")
"$BIN/supervise" "$S" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:supervise: fatal: unable to acquire $S/supervise/lock: temporary failure" \
  "a second supervise on the same directory is refused"
is "$(status_pid "$S")" "$pid" "and the service was not touched"
"$BIN/svc" -dx "$S"
waitfor 5 gone "$SUP"

# Against the peers' supervisors, which also flock supervise/lock.
for peer in /usr/bin/supervise /usr/bin/runsv; do
  if [ ! -x "$peer" ]; then
    skip "$peer is not installed"
    skip "$peer is not installed"
    continue
  fi
  P=$T/peer-${peer##*/}
  mkservice "$P" "exec sleep 1000"
  spawn "$peer" "$P"
  PSUP=$SPAWNED
  waitfor 5 has_pid "$P"
  "$BIN/supervise" "$P" 2>"$T/err"
  is "$?:$(cat "$T/err")" "111:supervise: fatal: unable to acquire $P/supervise/lock: temporary failure" \
    "supervise refuses a directory that ${peer##*/} supervises"
  ppid=$(status_pid "$P")
  kill -KILL "$PSUP" "$ppid"
  waitfor 5 gone "$PSUP"
  rm -rf "$P/supervise"
  spawn "$BIN/supervise" "$P"
  SUP=$SPAWNED
  waitfor 5 has_pid "$P"
  "$peer" "$P" 2>"$T/err"
  rc=$?
  ok "${peer##*/} refuses a directory that our supervise holds (exit $rc: $(cat "$T/err"))" [ $rc != 0 ]
  "$BIN/svc" -dx "$P"
  waitfor 5 gone "$SUP"
done

# A missing ./run: one warning per attempt, about once a second, no busy loop.
M=$T/missing
mkservicedir "$M"
spawn "$BIN/supervise" "$M" 2>"$T/missing.err"
SUP=$SPAWNED
two_warnings() { [ "$(grep -c . "$T/missing.err")" -ge 2 ]; }
ok "a missing ./run is retried" waitfor 5 two_warnings
is "$(head -n1 "$T/missing.err")" "supervise: warning: unable to start $M/run: file does not exist" \
  "the warning names the file and the reason"
ok "supervise keeps running" kill -0 "$SUP"
cpu=$(awk '{print $14 + $15}' /proc/$SUP/stat)
ok "no busy loop while ./run is missing (cpu ticks: $cpu)" [ "$cpu" -lt 20 ]
n=$(grep -c . "$T/missing.err")
ok "retries are throttled (warnings: $n)" [ "$n" -le 5 ]
like "$("$BIN/svstat" "$M")" "*: down * seconds, normally up, want up" "svstat: down, want up"
"$BIN/svc" -d "$M"
waitfor 5 status_is "$M" want 100
ok "commands are taken while a restart is pending" true
printf '#!/bin/sh\nexec sleep 1000\n' >"$M/run"
chmod +x "$M/run"
"$BIN/svc" -u "$M"
ok "once ./run exists, svc -u starts it" waitfor 5 has_pid "$M"
"$BIN/svc" -dx "$M"
waitfor 5 gone "$SUP"

M=$T/noexec
mkservicedir "$M"
printf '#!/bin/sh\nexec sleep 1000\n' >"$M/run"
chmod 644 "$M/run"
spawn "$BIN/supervise" "$M" 2>"$T/noexec.err"
SUP=$SPAWNED
waitfor 5 test -s "$T/noexec.err"
is "$(head -n1 "$T/noexec.err")" "supervise: warning: unable to start $M/run: not executable" \
  "a non-executable ./run: not executable"
chmod 755 "$M/run"
ok "it starts once ./run is executable, without a command" waitfor 5 has_pid "$M"

# supervise/ as a dangling symlink: its target is created.
L=$T/linked
mkservice "$L" "exec sleep 1000"
ln -s "$T/elsewhere" "$L/supervise"
spawn "$BIN/supervise" "$L"
ok "a dangling supervise symlink gets its target created" waitfor 5 test -p "$T/elsewhere/control"
ok "and the service runs" waitfor 5 has_pid "$L"
done_testing
