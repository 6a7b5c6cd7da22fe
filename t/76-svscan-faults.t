#!/bin/sh
# svscan under injected faults: no descriptor left, no process left (fork
# fails), a read-only scan directory. Each time svscan says why once,
# neither spins nor exits, starts nothing half-way (never a logged service
# without its pipe), and starts everything once the fault is gone, with
# no line lost.
. "$(dirname "$0")/lib.sh"

command -v prlimit >/dev/null || skip_all "no prlimit (util-linux)"

# idle PID DESC: over one second, PID uses (almost) no CPU, and lives
idle() {
  before=$(cpu "$1")
  sleep 1
  after=$(cpu "$1")
  echo "# $((after - before)) ticks in one second"
  ok "$2" test $((after - before)) -le 5
  ok "and is still running" alive "$1"
}
# one_free PID: the open-files limit that leaves PID one free descriptor
one_free() {
  used=" $(ls "/proc/$1/fd" | tr '\n' ' ') "
  i=0
  free=0
  while :; do
    case "$used" in
    *" $i "*) ;;
    *)
      free=$((free + 1))
      [ $free = 2 ] && echo $i && return
      ;;
    esac
    i=$((i + 1))
  done
}
# logged DIR NAME: a service that says "NAME ran", with a logger
logged() {
  mkservice "$1" "echo $2 ran; exec sleep 1000"
  mkservice "$1/log" "exec cat >>../../../out-$2"
}

# 1. No descriptor left: the pipe of a new logged service cannot be made.
S=$T/s
mkdir -p "$S"
logged "$S/first" first
spawn "$BIN/svscan" "$S" >"$T/stdout" 2>"$T/err"
scan=$SPAWNED
waitfor 5 grep -q "first ran" "$T/out-first"
waitfor 5 has_pid "$S/first/log"
# (the soft limit only: svscan gives its children their original limit)
limit=$(one_free "$scan")
prlimit --pid "$scan" --nofile="$limit:"
logged "$T/second" second
mv "$T/second" "$S/second"
ok "out of descriptors, svscan says so" \
  waitfor 5 grep -q "process cannot open more files" "$T/err"
idle "$scan" "svscan does not spin while it waits for a descriptor"
ok "the service without its pipe was not started" test ! -e "$S/second/supervise"
ok "nor did anything of it reach svscan's own output" test ! -s "$T/stdout"
is "$(grep -c . "$T/err")" 1 "one line said why"
sed 's/^/# /' "$T/err"
# The first service goes away: its two descriptors come free.
mv "$S/first" "$T/first-gone"
ok "once descriptors are free, the service starts" waitfor 5 has_pid "$S/second"
ok "its line reaches its logger" waitfor 5 grep -q "second ran" "$T/out-second"
ok "not svscan's output" test ! -s "$T/stdout"
is "$(cat "$T/out-first")" "first ran" "the first service's log is intact"
kill -TERM "$scan"
wait "$scan"
is "$?" 0 "svscan stops as usual"

# 2. and 3. run svscan as an account of its own (a uid nobody else uses,
# so that its process count is ours alone).
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
  skip_rest="needs root and setpriv to run svscan as another account"
elif ! public_bin svscan supervise; then
  skip_rest="unable to copy the programs to /tmp"
else
  skip_rest=
  uid=$((40000 + $$ % 20000))
  while getent passwd "$uid" >/dev/null || [ -n "$(ps -o pid= -u "$uid")" ]; do
    uid=$((uid + 1))
  done
fi
if [ -n "$skip_rest" ]; then
  for i in $(seq 1 18); do skip "$skip_rest"; done
  done_testing
fi
# 2. No process left: RLIMIT_NPROC of 1 for that account, so every fork
# fails; then it is raised.
D=$PUB/fork
mkdir -p "$D/s"
logged "$D/s/app" app
# that account cannot make cgroups: its supervise would say so at start
: >"$D/s/app/no-cgroup"
: >"$D/s/app/log/no-cgroup"
chown -R "$uid:$uid" "$D"
spawn prlimit --nproc=1:100 setpriv --reuid="$uid" --regid="$uid" \
  --clear-groups "$PUB/svscan" "$D/s" >"$T/stdout2" 2>"$T/err2"
scan=$SPAWNED
ok "when fork fails, svscan says so" \
  waitfor 5 grep -q "^svscan: warning: unable to fork for app.*: temporary failure" "$T/err2"
idle "$scan" "svscan does not spin while fork fails"
ok "nothing was started" test ! -e "$D/s/app/supervise"
# (as that account: root here may lack CAP_SYS_RESOURCE)
setpriv --reuid="$uid" --regid="$uid" --clear-groups prlimit --pid "$scan" --nproc=100
ok "once it can fork, the service starts" waitfor 5 has_pid "$D/s/app"
ok "and its line reaches its logger" waitfor 5 grep -q "app ran" "$D/out-app"
is "$(cat "$T/err2")" "svscan: warning: unable to fork for app/log: temporary failure" \
  "one line said why"
kill -TERM "$scan"
wait "$scan"
is "$?" 0 "svscan stops as usual"

# 3. A read-only scan directory (a read-only bind mount, in a mount
# namespace of svscan's own): every supervise fails and says why, svscan
# starts it again every second, and all starts once it is writable.
if ! unshare --mount true 2>/dev/null || ! command -v nsenter >/dev/null; then
  for i in 1 2 3 4 5 6; do skip "unshare --mount or nsenter does not work here"; done
  done_testing
fi
S=$(cd "$T" && pwd -P)/ro
mkdir -p "$S"
logged "$S/app" app
spawn unshare --mount sh -c "mount --bind '$S' '$S' &&
  mount -o remount,bind,ro '$S' && exec '$BIN/svscan' '$S'" >"$T/stdout3" 2>"$T/err3"
scan=$SPAWNED
ok "on a read-only directory, supervise says why" \
  waitfor 5 grep -q "read-only file system" "$T/err3"
idle "$scan" "svscan does not spin while supervise cannot start"
ok "nothing was written in the directory" test ! -e "$S/app/supervise"
nsenter -t "$scan" -m mount -o remount,bind,rw "$S"
ok "once it is writable, the service starts" waitfor 5 has_pid "$S/app"
ok "and its line reaches its logger" waitfor 5 grep -q "app ran" "$T/out-app"
sed 's/^/# /' "$T/err3" | sort | uniq -c
kill -TERM "$scan"
wait "$scan"
is "$?" 0 "svscan stops as usual"

done_testing
