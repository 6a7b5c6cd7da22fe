#!/bin/sh
# Health checks: ./check every check-interval seconds; after check-failures
# failures in a row the service is restarted; a hanging check is killed.
. "$(dirname "$0")/lib.sh"

S=$T/svc
mkservice "$S" "exec sleep 1000"
printf '#!/bin/sh\necho x >>%s/checks\n[ ! -e %s/sick ]\n' "$T" "$T" >"$S/check"
chmod +x "$S/check"
echo 1 >"$S/check-interval"
echo 2 >"$S/check-failures"
spawn "$BIN/supervise" "$S" 2>"$T/err"
waitfor 5 has_pid "$S"
pid=$(status_pid "$S")
checks() { [ "$(wc -l <"$T/checks" 2>/dev/null)" -ge "$1" ]; }
ok "./check runs every check-interval" waitfor 8 checks 2
is "$(status_pid "$S")" "$pid" "passing checks leave the service alone"
touch "$T/sick"
ok "after check-failures failed checks the service is restarted" waitfor 10 pid_changed "$S" "$pid"
like "$(cat "$T/err")" "supervise: warning: $S/check failed 2 times in a row: restarting $S/run" \
  "the failure is on stderr"
rm -f "$T/sick"

H=$T/hang
mkservice "$H" "exec sleep 1000"
printf '#!/bin/sh\necho $$ >>%s/hang.checks\nexec sleep 1000\n' "$T" >"$H/check"
chmod +x "$H/check"
echo 1 >"$H/check-interval"
echo 1 >"$H/check-timeout"
echo 100 >"$H/check-failures"
spawn "$BIN/supervise" "$H"
hchecks() { [ "$(wc -l <"$T/hang.checks" 2>/dev/null)" -ge "$1" ]; }
ok "a hanging check is started again after its timeout" waitfor 10 hchecks 2
first=$(sed -n 1p "$T/hang.checks")
ok "the hanging check was killed" waitfor 5 sh -c "! kill -0 $first 2>/dev/null"
n=$(pgrep -f "^sleep 1000$" -s "$(sed -n 2p "$T/hang.checks")" | wc -l)
ok "checks never pile up (at most one running: $n)" [ "$n" -le 1 ]
done_testing
