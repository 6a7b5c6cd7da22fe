#!/bin/sh
# svwait: waits for other services (all or any), then runs a program; a
# service that does not exist yet, or is not supervised yet, is waited for.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
now_ms() { echo $(($(date +%s%N) / 1000000)); }
up() { [ "$(status_field "$1" state 2>/dev/null)" = 1 ] && has_pid "$1"; }
exited() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status"; }
reap() {
  waitfor 5 exited "$1" || kill -KILL "$1"
  wait "$1"
}
# sleeping PID: the process is blocked (in poll), not running.
sleeping() { grep -q '^State:.*S' "/proc/$1/status"; }

# A run script waiting for ../db, which does not exist yet.
mkdir svc
spawn "$BIN/svwait" -u -T $((10000 * SCALE)) svc/db -- sh -c 'echo "db was up" >started'
W=$SPAWNED
waitfor 5 sleeping $W
ok "svwait -u waits while the directory does not exist" test ! -e started
mkservice svc/db.tmp "exec sleep 1000"
touch svc/db.tmp/down
mv svc/db.tmp svc/db
spawn "$BIN/supervise" svc/db
waitfor 5 "$BIN/svok" svc/db
ok "svwait -u still waits while the service is down" test ! -e started
ok "svwait -u: the waiting process is still there" kill -0 $W
"$BIN/svc" -u svc/db
reap $W
is "$?:$(cat started 2>/dev/null)" "0:db was up" "svwait -u runs the program once the service is up"

# -a (default) and -o.
mkservice svc/a "exec sleep 1000"
touch svc/a/down
mkservice svc/b "exec sleep 1000"
touch svc/b/down
spawn "$BIN/supervise" svc/a
spawn "$BIN/supervise" svc/b
waitfor 5 "$BIN/svok" svc/a
waitfor 5 "$BIN/svok" svc/b
spawn "$BIN/svwait" -o svc/a svc/b
ANY=$SPAWNED
spawn "$BIN/svwait" svc/a svc/b
ALL=$SPAWNED
waitfor 5 sleeping $ANY
waitfor 5 sleeping $ALL
"$BIN/svc" -wu -u svc/b
reap $ANY
is "$?" 0 "svwait -o returns 0 when one of the services is up"
ok "svwait (all) still waits while one service is down" kill -0 $ALL
"$BIN/svc" -wu -u svc/a
reap $ALL
is "$?" 0 "svwait (all) returns 0 once both are up"
"$BIN/svwait" -a -T 0 svc/a svc/b
is "$?" 0 "svwait -a -T 0: both up, exits 0 at once"

# -d and -D.
spawn "$BIN/svwait" -d svc/a
DOWN=$SPAWNED
waitfor 5 sleeping $DOWN
ok "svwait -d waits while the service is up" kill -0 $DOWN
"$BIN/svc" -d svc/a
reap $DOWN
is "$?" 0 "svwait -d returns 0 once the service is down"
"$BIN/svwait" -D -T $((5000 * SCALE)) svc/a
is "$?" 0 "svwait -D: down and finished"

# Timeouts name what was not reached.
start=$(now_ms)
"$BIN/svwait" -T 300 svc/a svc/b nowhere 2>err
rc=$?
elapsed=$(($(now_ms) - start))
is "$rc" 1 "svwait -T exits 1 on timeout"
is "$(cat err)" "svwait: warning: timed out waiting for svc/a to be up
svwait: warning: timed out waiting for nowhere to be up" "svwait -T: a warning for each service not reached"
ok "svwait -T 300 took between 300 ms and 2 s ($elapsed)" \
  test "$elapsed" -ge 300 -a "$elapsed" -lt $((2000 * SCALE))
"$BIN/svwait" -o -T 0 svc/a svc/b -- sh -c 'exit 7'
is "$?" 7 "svwait -o -T 0 with one service up execs the program (its exit code)"

# A supervise that is not running: its stale status does not count.
mkservice svc/c "exec sleep 1000"
spawn "$BIN/supervise" svc/c
CSUP=$SPAWNED
waitfor 5 up svc/c
kill -KILL $CSUP
waitfor 5 sh -c "! \"$BIN/svok\" svc/c"
ok "the status of svc/c still says up" up svc/c
"$BIN/svwait" -T 200 svc/c 2>/dev/null
is "$?" 1 "svwait: a service whose supervise is gone is not up"
spawn "$BIN/svwait" -T $((10000 * SCALE)) svc/c -- touch c-up
W=$SPAWNED
waitfor 5 sleeping $W
kill -KILL "$(status_pid svc/c)"
spawn "$BIN/supervise" svc/c
reap $W
is "$?:$(test -e c-up && echo yes)" "0:yes" "svwait: waits for a new supervise to bring the service up"

# Errors.
"$BIN/svwait" 2>err
is "$?" 100 "svwait without a directory: usage"
is "$(cat err)" "svwait: no dir given
svwait: usage: svwait [ -u | -U | -d | -D ] [ -T ms ] [ -a | -o ] dir ... [ -- prog ... ]" \
  "svwait: what is missing, then the usage line"
"$BIN/svwait" -x svc/a 2>/dev/null
is "$?" 100 "svwait: unknown option is a usage error"
"$BIN/svwait" svc/b -- 2>/dev/null
is "$?" 100 "svwait: -- without a program is a usage error"
"$BIN/svwait" -T 0 svc/b -- ./no-such-program 2>err
is "$?:$(cat err)" "111:svwait: fatal: unable to run ./no-such-program: file does not exist" \
  "svwait: a program that cannot run: 111"
"$BIN/svc" -dx svc/db svc/a svc/b svc/c
done_testing
