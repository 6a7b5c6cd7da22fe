#!/bin/sh
# daemontools' svc, svstat and svok against our supervise, and ours against
# daemontools' supervise; our svstat prints exactly what theirs prints.
. "$(dirname "$0")/lib.sh"
DT=/usr/bin
for p in supervise svc svstat svok; do
  [ -x $DT/$p ] || skip_all "Debian's daemontools is not installed"
done
cd "$T" || exit 1

# Both svstat on the same directories print the same bytes (retry across
# a second boundary, since both print ages in seconds).
same_svstat() {
  for _try in 1 2 3; do
    a=$("$BIN/svstat" "$@")
    b=$($DT/svstat "$@")
    [ "$a" = "$b" ] && break
  done
  is "$a" "$b" "$SAME"
}

mkservice ours "exec sleep 1000"
mkservice ours_down "exec sleep 1000"
touch ours_down/down
mkdir never
spawn "$BIN/supervise" ours
OURS=$SPAWNED
spawn "$BIN/supervise" ours_down
OURS2=$SPAWNED
waitfor 5 has_pid ours
waitfor 5 test -p ours_down/supervise/ok

SAME="up / down / never supervised / missing: same svstat output"
same_svstat ours ours_down never missing
$DT/svok ours
is "$?" 0 "daemontools svok: our supervise is running"
$DT/svok never
is "$?" 100 "daemontools svok: never supervised"

$DT/svc -p ours
waitfor 5 status_is "ours" paused 1
SAME="paused: same svstat output"
same_svstat ours
$DT/svc -c ours
$DT/svc -u ours_down
ok "daemontools svc -u starts our service" waitfor 5 has_pid ours_down
SAME="up, normally down: same svstat output"
same_svstat ours_down
old=$(status_pid ours)
$DT/svc -t ours
ok "daemontools svc -t: our supervise restarts the service" waitfor 5 pid_changed ours "$old"
$DT/svc -d ours
ok "daemontools svc -d: our supervise stops it" waitfor 5 no_pid ours
SAME="down, normally up: same svstat output"
same_svstat ours
$DT/svc -dx ours ours_down
ok "daemontools svc -dx: our supervise exits" waitfor 5 gone "$OURS"
waitfor 5 gone "$OURS2"
SAME="supervise not running: same svstat output"
same_svstat ours

# Ours against daemontools' supervise.
mkservice theirs "exec sleep 1000"
spawn $DT/supervise theirs
THEIRS=$SPAWNED
waitfor 5 has_pid theirs
SAME="daemontools supervise, up: same svstat output"
same_svstat theirs
"$BIN/svok" theirs
is "$?" 0 "our svok: daemontools supervise is running"
"$BIN/svc" -d theirs
ok "our svc -d stops daemontools' service" waitfor 5 no_pid theirs
SAME="daemontools supervise, down: same svstat output"
same_svstat theirs
"$BIN/svc" -u theirs
ok "our svc -u starts it again" waitfor 5 has_pid theirs
want_down() { [ "$(status_field theirs want)" = 100 ]; }
"$BIN/svc" -p theirs
waitfor 5 status_is "theirs" paused 1
SAME="daemontools supervise, paused: same svstat output"
same_svstat theirs
"$BIN/svc" -dx theirs
ok "our svc -dx: daemontools supervise exits" waitfor 5 gone "$THEIRS"
done_testing
