#!/bin/sh
# svc -wu, -wd, -wD and -T: svc sends the command, then waits for the state.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
now_ms() { echo $(($(date +%s%N) / 1000000)); }
state() { status_field "$1" state; }
is_up() { [ "$(state "$1")" = 1 ] && has_pid "$1"; }
# waiting PID DIR: PID holds DIR/supervise/ok open, as svc does in its wait.
waiting() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q "/$2/supervise/ok\$"; }
exited() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status"; }
# reap PID: its exit code (killed after 5 s if it is still there).
reap() {
  waitfor 5 exited "$1" || kill -KILL "$1"
  wait "$1"
}

mkservice a "exec sleep 1000"
touch a/down
mkservice b "exec sleep 1000"
touch b/down
spawn "$BIN/supervise" a
spawn "$BIN/supervise" b
waitfor 5 test -p a/supervise/ok
waitfor 5 test -p b/supervise/ok
waitfor 5 test -f b/supervise/status

"$BIN/svc" -wu -u a b 2>err
rc=$?
is "$rc:$(state a):$(state b):$(cat err)" "0:1:1:" "svc -wu -u: exits 0 once every dir is up"
both_up() { is_up a && is_up b; }
ok "svc -wu -u: both services have a pid when svc returns" both_up

"$BIN/svc" -wd -d a 2>err
is "$?:$(state a):$(status_pid a)" "0:0:0" "svc -wd -d: the service is down when svc returns"

# Waiting with no command: svc -wu waits for someone else's svc -u.
spawn "$BIN/svc" -wu a 2>wu.err
SVC=$SPAWNED
waitfor 5 waiting $SVC a
ok "svc -wu without a command is still waiting while the service is down" kill -0 $SVC
"$BIN/svc" -u a
reap $SVC
is "$?:$(cat wu.err)" "0:" "svc -wu returns 0 when another svc -u brings the service up"

# -T: exit 1 and a warning once the time is up, not much later.
"$BIN/svc" -d b
waitfor 5 status_is b state 0
start=$(now_ms)
"$BIN/svc" -wu -T 300 b 2>err
rc=$?
elapsed=$(($(now_ms) - start))
is "$rc" 1 "svc -wu -T 300 on a down service exits 1"
is "$(cat err)" "svc: warning: timed out waiting for b to be up" "svc -T: one warning names the service"
ok "svc -T 300 waits at least 300 ms (took $elapsed)" test "$elapsed" -ge 300
ok "svc -T 300 gives up within 2 s (took $elapsed)" test "$elapsed" -lt $((2000 * SCALE))
"$BIN/svc" -wu -T 0 b 2>/dev/null
is "$?" 1 "svc -T 0 looks once and exits 1"
"$BIN/svc" -wd -T 0 b 2>err
is "$?:$(cat err)" "0:" "svc -wd -T 0 on a down service exits 0 at once"

# No busy polling: a waiting svc sleeps in poll until something changes.
spawn "$BIN/svc" -wu b
SVC=$SPAWNED
waitfor 5 waiting $SVC b
switches() { awk '/^voluntary_ctxt_switches/ {print $2}' /proc/$SVC/status; }
before=$(switches)
sleep 1 # the window we measure, not a synchronisation
after=$(switches)
ok "svc -wu waits without polling: $((after - before)) wake-ups in 1 s" \
  test $((after - before)) -le 3
"$BIN/svc" -u b
reap $SVC
is "$?" 0 "the waiting svc exits 0 once the service is up"

# -wD waits for ./finish too; -wd does not.
mkservice f "exec sleep 1000"
printf '#!/bin/sh\nsleep 1\necho done >finished\n' >f/finish
chmod +x f/finish
spawn "$BIN/supervise" f
waitfor 5 is_up f
"$BIN/svc" -wd -d f
is "$?:$(state f):$(cat f/finished 2>/dev/null)" "0:2:" "svc -wd returns while ./finish still runs (state 2)"
"$BIN/svc" -wD f
is "$?:$(state f):$(status_pid f):$(cat f/finished)" "0:0:0:done" "svc -wD returns once ./finish is done"

# The supervise goes away while svc waits: 111 and one warning.
mkservice g "exec sleep 1000"
touch g/down
spawn "$BIN/supervise" g
GSUP=$SPAWNED
waitfor 5 test -f g/supervise/status
waitfor 5 "$BIN/svok" g
spawn "$BIN/svc" -wu g 2>g.err
SVC=$SPAWNED
waitfor 5 waiting $SVC g
kill -KILL "$GSUP"
reap $SVC
is "$?" 111 "svc -wu exits 111 when the supervise dies"
is "$(cat g.err)" "svc: warning: unable to wait for g to be up: supervise not running" \
  "svc -w: one warning when the supervise dies"

# svc -wd -dx: supervise exits after the service is down; that is success.
"$BIN/svc" -wd -dx b 2>err
is "$?:$(cat err)" "0:" "svc -wd -dx exits 0 though supervise exits"

# Errors.
"$BIN/svc" -wu -u missing 2>err
is "$?:$(cat err)" "111:svc: warning: unable to chdir to missing: file does not exist" \
  "svc -w on a missing directory: the warning, then 111"
"$BIN/svc" -wu -u g 2>err
is "$?:$(cat err)" "111:svc: warning: unable to control g: supervise not running" \
  "svc -w when supervise is not running: the warning, then 111"
"$BIN/svc" -wz a 2>err
is "$?" 100 "svc -wz: unknown state is a usage error"
like "$(cat err)" "svc: -w: not a state (one of uUdDrR): z
svc: usage: svc *-w uUdDrR*" "svc: the bad state is named, then the usage with -w"
"$BIN/svc" -T 100 a 2>/dev/null
is "$?" 100 "svc -T without -w is a usage error"
"$BIN/svc" -wu -T 1x a 2>/dev/null
is "$?" 100 "svc -T needs a number"
"$BIN/svc" -dx a f
done_testing
