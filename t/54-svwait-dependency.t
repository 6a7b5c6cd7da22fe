#!/bin/sh
# svwait as a run script uses it: ./run of app waits for ../db to be up and
# ready, then execs the daemon. And svwait sleeps while it waits, even for a
# directory that does not exist yet.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
ready() {
  _f=$(status_field "$1" flags 2>/dev/null)
  [ -n "$_f" ] && [ $((_f & 1)) = 1 ]
}
switches() { awk '/^voluntary_ctxt_switches/ {print $2}' "/proc/$1/status"; }

mkdir sv
mkservice sv/app "exec \"$BIN/svwait\" -U -T 30000 ../db -- sh -c '
  if [ -e ../db/ready-mark ]; then echo \"db was ready\" >$T/app.log
  else echo \"db was not ready\" >$T/app.log; fi
  exec sleep 1000'"
# ready-mark is made just before the readiness line: an svwait that
# returned before readiness would see no mark.
mkservice sv/db "read go <$T/db.go; touch ready-mark; echo >&3; exec sleep 1000"
echo 3 >sv/db/notification-fd
mkfifo db.go
spawn "$BIN/supervise" sv/app
waitfor 5 "$BIN/svok" sv/app
waitfor 5 has_pid sv/app
APP=$(status_pid sv/app)
waitfor 5 sh -c "grep -q '^State:.*S' /proc/$APP/status && ls -l /proc/$APP/exe | grep -q svwait"
ok "app's svwait waits while db has no supervise" test ! -e app.log
before=$(switches "$APP")
sleep 1 # the window we measure, not a synchronisation
after=$(switches "$APP")
ok "svwait sleeps while the directory it waits for has no supervise ($((after - before)) wake-ups in 1 s)" \
  test $((after - before)) -le 3
spawn "$BIN/supervise" sv/db
waitfor 5 "$BIN/svok" sv/db
waitfor 5 status_is sv/db state 1
ok "app still waits while db is up but not ready" test ! -e app.log
echo go >db.go &
waitfor 5 test -s app.log
is "$(cat app.log 2>/dev/null)" "db was ready" "app's daemon starts once db is ready"
ok "db is ready" ready sv/db
is "$(status_pid sv/app)" "$APP" "svwait exec'd the daemon in place: same pid"
# the process svwait leaves to close its inotify descriptor is not a child
# of the daemon (which would never reap it)
no_children() { [ -z "$(cat "/proc/$1/task/$1/children" 2>/dev/null)" ]; }
if [ -e "/proc/$APP/task/$APP/children" ]; then
  waitfor 5 no_children "$APP"
  ok "the daemon svwait exec'd has no child of svwait's" no_children "$APP"
else
  skip "no /proc/PID/task/PID/children here"
fi

# svwait waits for a directory whose parent does not exist either.
spawn "$BIN/svwait" -T $((10000 * SCALE)) deep/er/svc -- touch deep-up
W=$SPAWNED
waitfor 5 grep -q '^State:.*S' "/proc/$W/status"
mkdir -p deep/er
mkservice deep/er/svc "exec sleep 1000"
spawn "$BIN/supervise" deep/er/svc
waitfor 5 test -e deep-up
ok "svwait: a service two directories deep that appears later" test -e deep-up
"$BIN/svc" -dx sv/app sv/db deep/er/svc
done_testing
